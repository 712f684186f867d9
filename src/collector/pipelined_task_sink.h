#pragma once

// Hands tasks to another sink on a thread of its own, so that parsing a log and writing its tasks
// into the store run at once on two cores. Tasks travel in batches through a short bounded queue:
// memory stays a few batches whatever the log's size, and a slow store slows the parser down
// instead of piling tasks up.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "collector/task_sink.h"

namespace jobtuner::collector {

class PipelinedTaskSink : public TaskSink {
 public:
  /// `downstream` is then called only from this sink's thread, until finish() returns.
  explicit PipelinedTaskSink(TaskSink& downstream);
  /// Without finish(): stops the thread, dropping the tasks not yet handed on.
  ~PipelinedTaskSink() override;
  PipelinedTaskSink(const PipelinedTaskSink&) = delete;
  PipelinedTaskSink& operator=(const PipelinedTaskSink&) = delete;

  /// Queues the task. Throws what the downstream sink threw, once it has failed.
  void addTask(const core::TaskAttempt& task) override;

  /// Hands on every queued task and stops the thread; rethrows the downstream sink's failure.
  void finish();

 private:
  using Batch = std::vector<core::TaskAttempt>;
  static constexpr size_t kBatchTasks = 512;
  static constexpr size_t kQueuedBatches = 4;

  void push(Batch batch);
  void run();
  void stop();
  void rethrowFailure();

  TaskSink& downstream_;
  Batch filling_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;
  bool closing_ = false;
  std::exception_ptr failure_;
  std::thread thread_;
};

}  // namespace jobtuner::collector

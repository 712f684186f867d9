#include "collector/pipelined_task_sink.h"

namespace jobtuner::collector {

PipelinedTaskSink::PipelinedTaskSink(TaskSink& downstream) : downstream_(downstream) {
  filling_.reserve(kBatchTasks);
  thread_ = std::thread([this] { run(); });
}

PipelinedTaskSink::~PipelinedTaskSink() {
  {
    std::lock_guard lock(mutex_);
    queue_.clear();
  }
  stop();
}

void PipelinedTaskSink::addTask(const core::TaskAttempt& task) {
  filling_.push_back(task);
  if (filling_.size() < kBatchTasks) return;
  Batch full;
  full.reserve(kBatchTasks);
  full.swap(filling_);
  push(std::move(full));
}

void PipelinedTaskSink::finish() {
  if (!filling_.empty()) push(std::move(filling_));
  filling_.clear();
  stop();
  rethrowFailure();
}

void PipelinedTaskSink::push(Batch batch) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return queue_.size() < kQueuedBatches || failure_ != nullptr; });
  if (failure_ != nullptr) {
    lock.unlock();
    rethrowFailure();
  }
  queue_.push_back(std::move(batch));
  changed_.notify_all();
}

void PipelinedTaskSink::run() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return !queue_.empty() || closing_; });
      if (queue_.empty()) return;  // closing, and nothing left to hand on
      batch = std::move(queue_.front());
      queue_.pop_front();
      changed_.notify_all();
    }
    try {
      for (const core::TaskAttempt& task : batch) downstream_.addTask(task);
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
      queue_.clear();
      changed_.notify_all();
      return;
    }
  }
}

void PipelinedTaskSink::stop() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    changed_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void PipelinedTaskSink::rethrowFailure() {
  std::exception_ptr failure;
  {
    std::lock_guard lock(mutex_);
    failure = failure_;
  }
  if (failure != nullptr) std::rethrow_exception(failure);
}

}  // namespace jobtuner::collector

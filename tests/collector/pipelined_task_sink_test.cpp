#include "collector/pipelined_task_sink.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>

namespace jobtuner::collector {
namespace {

struct RecordingSink : TaskSink {
  std::vector<int64_t> taskIds;
  std::thread::id thread;
  int64_t failAt = -1;
  void addTask(const core::TaskAttempt& task) override {
    if (task.taskId == failAt) throw std::runtime_error("disk full");
    thread = std::this_thread::get_id();
    taskIds.push_back(task.taskId);
  }
};

core::TaskAttempt taskWithId(int64_t id) {
  core::TaskAttempt task;
  task.taskId = id;
  task.host = "host-" + std::to_string(id);
  return task;
}

TEST_CASE("pipelined sink hands every task on, in order, from its own thread", "[collector][pipeline]") {
  RecordingSink downstream;
  PipelinedTaskSink sink(downstream);
  for (int64_t id = 0; id < 5000; ++id) sink.addTask(taskWithId(id));
  sink.finish();
  REQUIRE(downstream.taskIds.size() == 5000);
  for (int64_t id = 0; id < 5000; ++id) CHECK(downstream.taskIds[static_cast<size_t>(id)] == id);
  CHECK(downstream.thread != std::this_thread::get_id());
}

TEST_CASE("pipelined sink passes the downstream failure back to the producer", "[collector][pipeline]") {
  RecordingSink downstream;
  downstream.failAt = 700;
  PipelinedTaskSink sink(downstream);
  bool thrown = false;
  try {
    for (int64_t id = 0; id < 100000; ++id) sink.addTask(taskWithId(id));
    sink.finish();
  } catch (const std::runtime_error& error) {
    thrown = true;
    CHECK(std::string(error.what()) == "disk full");
  }
  CHECK(thrown);
  CHECK(downstream.taskIds.size() == 700);
}

TEST_CASE("pipelined sink destroyed without finish stops its thread", "[collector][pipeline]") {
  RecordingSink downstream;
  {
    PipelinedTaskSink sink(downstream);
    for (int64_t id = 0; id < 3000; ++id) sink.addTask(taskWithId(id));
  }
  CHECK(downstream.taskIds.size() <= 3000);
}

TEST_CASE("pipelined sink with no tasks finishes at once", "[collector][pipeline]") {
  RecordingSink downstream;
  PipelinedTaskSink sink(downstream);
  sink.finish();
  CHECK(downstream.taskIds.empty());
}

}  // namespace
}  // namespace jobtuner::collector

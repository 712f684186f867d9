// The task time model: t = overhead + a x bytes + b x spilled bytes, fitted on a stage's tasks.

#include "advisor/task_time_model.h"

#include <catch2/catch.hpp>

using namespace jobtuner::advisor;

namespace {

constexpr double kMb = 1e6;

StageMeasurement stageOf(const std::vector<std::pair<double, double>>& mbReadAndSpilled, double overheadMs, double msPerMb,
                         double msPerSpilledMb) {
  StageMeasurement stage;
  int32_t index = 0;
  for (auto [read, spilled] : mbReadAndSpilled) {
    TaskSample task;
    task.index = index++;
    task.bytesRead = static_cast<int64_t>(read * kMb);
    task.memorySpilledBytes = static_cast<int64_t>(spilled * kMb);
    task.peakExecutionMemoryBytes = static_cast<int64_t>(10 * kMb);
    task.durationMs = overheadMs + msPerMb * read + msPerSpilledMb * spilled;
    task.succeeded = true;
    stage.tasks.push_back(task);
  }
  return stage;
}

}  // namespace

TEST_CASE("task times: tasks that spilled and tasks that did not price the spill", "[advisor][model]") {
  StageMeasurement stage = stageOf({{10, 0}, {20, 0}, {30, 40}, {40, 90}, {25, 0}}, 50, 2, 15);
  TaskTimeModel model = fitTaskTimes(stage);
  CHECK(model.overheadMs == Approx(50).margin(0.5));
  CHECK(model.msPerByte * kMb == Approx(2).margin(0.01));
  CHECK(model.msPerSpilledByte * kMb == Approx(15).margin(0.01));
}

TEST_CASE("task times: when every task spilled in proportion, a prior prices the spill", "[advisor][model]") {
  // Spill is 3x the bytes in every task: one column to least squares. Without the prior, the
  // spill's cost would hide in the per-byte rate, and a run without spill would look as slow.
  StageMeasurement stage = stageOf({{10, 30}, {20, 60}, {30, 90}, {40, 120}}, 50, 2, 8);
  TaskTimeModel model = fitTaskTimes(stage);
  CHECK(model.msPerSpilledByte * kMb == Approx(8));
  CHECK(model.msPerByte * kMb == Approx(2).margin(0.01));
  StageCut roomy;
  roomy.taskMemoryBytes = static_cast<int64_t>(1000 * kMb);
  std::vector<double> times = predictTaskTimes(stage, model, roomy);
  REQUIRE(times.size() == 4);
  CHECK(times[3] == Approx(50 + 2 * 40).margin(1));  // no spill: the bytes' time only
}

// The next run, predicted: each stage's tasks as the plan would cut them (task_time_model.h),
// replayed on the plan's slots (what_if_simulation.h), plus the time the measured run spent
// outside its stages.

#include <algorithm>

#include "advisor/advice_plan.h"

namespace jobtuner::advisor {

namespace {

std::vector<SimulatedStage> measuredStages(const AppMeasurements& measured, double gapMs) {
  std::vector<SimulatedStage> stages;
  for (const StageMeasurement& stage : measured.stages) {
    SimulatedStage simulated{stage.stageId, stage.parents, {}};
    for (const TaskSample& task : stage.tasks) simulated.taskMs.push_back(task.durationMs + gapMs);
    stages.push_back(std::move(simulated));
  }
  return stages;
}

/// Start-up before the first task and shutdown after the last.
double startupMs(const AppMeasurements& measured) {
  if (measured.firstLaunchMs <= 0 || measured.lastFinishMs <= 0) return 0;
  double before = static_cast<double>(measured.firstLaunchMs - measured.app.startTimeMs);
  double after = measured.app.endTimeMs > 0 ? static_cast<double>(measured.app.endTimeMs - measured.lastFinishMs) : 0;
  return std::max(0.0, before) + std::max(0.0, after);
}

double executorHourPrice(const AdviceContext& context, const core::Profile& profile) {
  double memoryGb = static_cast<double>(profile.executorMemoryBytes + profile.memoryOverheadBytes) / double(1LL << 30);
  return static_cast<double>(profile.executorCores) * context.config.prices.coreHour + memoryGb * context.config.prices.memoryGbHour;
}

}  // namespace

std::vector<SimulatedStage> plannedStages(const AdviceContext& context, const AdvicePlan& plan) {
  const int64_t memoryNow = context.taskMemoryBytes(context.current);
  const int64_t memoryNext = context.taskMemoryBytes(plan.profile);
  const double gap = context.taskGap;
  std::vector<SimulatedStage> stages;
  for (const StageMeasurement& stage : context.measured.stages) {
    SimulatedStage simulated{stage.stageId, stage.parents, {}};
    auto found = plan.cuts.find(stage.stageId);
    StageCut cut = found != plan.cuts.end() ? found->second : StageCut{};
    // A sort's exchange runs a task per task of the stage before it: it follows that stage's cut.
    if (found == plan.cuts.end() && context.measured.runtime && stage.name.ends_with("-exchange")) {
      for (int32_t parent : stage.parents) {
        auto parentCut = plan.cuts.find(parent);
        if (parentCut != plan.cuts.end() && parentCut->second.partitions > 0) cut.partitions = parentCut->second.partitions;
      }
    }
    auto model = context.models.find(stage.stageId);
    bool recut = cut.partitions > 0 || cut.saltBuckets > 1 || memoryNext != memoryNow;
    if (!recut || model == context.models.end()) {
      for (const TaskSample& task : stage.tasks) simulated.taskMs.push_back(task.durationMs);
    } else {
      cut.taskMemoryBytes = memoryNext;
      simulated.taskMs = predictTaskTimes(stage, model->second, cut);
    }
    for (double& ms : simulated.taskMs) ms += gap;
    stages.push_back(std::move(simulated));
  }
  return stages;
}

double fixedOverheadMs(const AdviceContext& context) {
  SimulationResult replay = simulateStages(measuredStages(context.measured, context.taskGap), context.slots(context.current));
  return std::max(0.0, static_cast<double>(context.measured.wallMs) - replay.wallMs);
}

double taskGapMs(const AdviceContext& context) {
  // The slot time each task costs beyond its own duration (the driver's scheduling, messages,
  // result handling): the gap that makes the replay take as long as the run did between its first
  // task and its last. Found by bisection; the replay grows with the gap.
  const double target = static_cast<double>(context.measured.wallMs) - startupMs(context.measured);
  const int64_t slots = context.slots(context.current);
  if (target <= 0 || simulateStages(measuredStages(context.measured, 0), slots).wallMs >= target) return 0;
  double low = 0, high = 1000;
  if (simulateStages(measuredStages(context.measured, high), slots).wallMs < target) return high;
  for (int i = 0; i < 30; ++i) {
    double middle = (low + high) / 2;
    (simulateStages(measuredStages(context.measured, middle), slots).wallMs < target ? low : high) = middle;
  }
  return low;
}

std::pair<double, double> predictRun(const AdviceContext& context, const AdvicePlan& plan) {
  SimulationResult next = simulateStages(plannedStages(context, plan), context.slots(plan.profile));
  double wallMs = next.wallMs + context.fixedOverhead;
  double cost = wallMs / 3'600'000.0 * static_cast<double>(plan.profile.executors) * executorHourPrice(context, plan.profile);
  return {wallMs, cost};
}

}  // namespace jobtuner::advisor

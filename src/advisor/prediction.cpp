// The next run, predicted: each stage's tasks as the plan would cut them (task_time_model.h),
// replayed on the plan's slots (what_if_simulation.h), plus the time the measured run spent
// outside its stages.

#include <algorithm>

#include "advisor/advice_plan.h"

namespace jobtuner::advisor {

namespace {

std::vector<SimulatedStage> measuredStages(const AppMeasurements& measured) {
  std::vector<SimulatedStage> stages;
  for (const StageMeasurement& stage : measured.stages) {
    SimulatedStage simulated{stage.stageId, stage.parents, {}};
    for (const TaskSample& task : stage.tasks) simulated.taskMs.push_back(task.durationMs);
    stages.push_back(std::move(simulated));
  }
  return stages;
}

double executorHourPrice(const AdviceContext& context, const core::Profile& profile) {
  double memoryGb = static_cast<double>(profile.executorMemoryBytes + profile.memoryOverheadBytes) / double(1LL << 30);
  return static_cast<double>(profile.executorCores) * context.config.prices.coreHour + memoryGb * context.config.prices.memoryGbHour;
}

}  // namespace

std::vector<SimulatedStage> plannedStages(const AdviceContext& context, const AdvicePlan& plan) {
  const int64_t memoryNow = context.taskMemoryBytes(context.current);
  const int64_t memoryNext = context.taskMemoryBytes(plan.profile);
  std::vector<SimulatedStage> stages;
  for (const StageMeasurement& stage : context.measured.stages) {
    SimulatedStage simulated{stage.stageId, stage.parents, {}};
    auto found = plan.cuts.find(stage.stageId);
    StageCut cut = found != plan.cuts.end() ? found->second : StageCut{};
    auto model = context.models.find(stage.stageId);
    bool recut = cut.partitions > 0 || cut.saltBuckets > 1 || memoryNext != memoryNow;
    if (!recut || model == context.models.end()) {
      for (const TaskSample& task : stage.tasks) simulated.taskMs.push_back(task.durationMs);
    } else {
      cut.taskMemoryBytes = memoryNext;
      simulated.taskMs = predictTaskTimes(stage, model->second, cut);
    }
    stages.push_back(std::move(simulated));
  }
  return stages;
}

double fixedOverheadMs(const AdviceContext& context) {
  SimulationResult replay = simulateStages(measuredStages(context.measured), context.slots(context.current));
  return std::max(0.0, static_cast<double>(context.measured.wallMs) - replay.wallMs);
}

std::pair<double, double> predictRun(const AdviceContext& context, const AdvicePlan& plan) {
  SimulationResult next = simulateStages(plannedStages(context, plan), context.slots(plan.profile));
  double wallMs = next.wallMs + fixedOverheadMs(context);
  double cost = wallMs / 3'600'000.0 * static_cast<double>(plan.profile.executors) * executorHourPrice(context, plan.profile);
  return {wallMs, cost};
}

}  // namespace jobtuner::advisor

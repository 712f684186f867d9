#pragma once

// Per-stage cost models fitted across a job's runs (Eigen least squares): a stage's time against
// its waves of tasks, the data each slot works through and the data each task spills. With
// enough runs (advisor.history_for_models) they choose a step's partitions instead of the rule of
// thumb, where history shows another count is faster.

#include <cstdint>
#include <optional>
#include <vector>

#include "advisor/run_history.h"

namespace jobtuner::advisor {

struct AdviceContext;
struct AdvicePlan;

/// stage time = a + b x waves + c x MB per slot + d x MB spilled per task, coefficients >= 0.
struct StageCostModel {
  double intercept = 0;
  double perWaveMs = 0;
  double perSlotMbMs = 0;
  double perSpilledMbMs = 0;
  size_t runs = 0;

  double predictMs(int64_t partitions, int64_t slots, double shuffleBytes, double memoryPerByte, double taskMemoryBytes) const;
};

/// Fits a model on the stage's runs; nullopt with fewer than `minimumRuns` runs or no fit.
std::optional<StageCostModel> fitStageCostModel(const std::vector<StageRun>& runs, size_t minimumRuns);

/// Where a fitted model predicts another partition count to be faster than the plan's by more than
/// the minimum gain, the plan takes it. Returns how many stages had a model.
size_t applyStageCostModels(const AdviceContext& context, AdvicePlan& plan, const std::vector<RunRecord>& runs);

}  // namespace jobtuner::advisor

#include "advisor/stage_cost_model.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <set>

#include "advisor/advice_plan.h"

namespace jobtuner::advisor {

namespace {

constexpr double kMb = 1e6;

std::array<double, 4> features(int64_t partitions, int64_t slots, double bytes, double memoryPerByte, double taskMemory) {
  double p = static_cast<double>(std::max<int64_t>(1, partitions));
  double waves = std::ceil(p / static_cast<double>(std::max<int64_t>(1, slots)));
  double perTask = bytes / p;
  double spilled = std::max(0.0, memoryPerByte * perTask - taskMemory);
  return {1.0, waves, perTask * waves / kMb, spilled / kMb};
}

}  // namespace

double StageCostModel::predictMs(int64_t partitions, int64_t slots, double shuffleBytes, double memoryPerByte,
                                 double taskMemoryBytes) const {
  std::array<double, 4> x = features(partitions, slots, shuffleBytes, memoryPerByte, taskMemoryBytes);
  return intercept * x[0] + perWaveMs * x[1] + perSlotMbMs * x[2] + perSpilledMbMs * x[3];
}

std::optional<StageCostModel> fitStageCostModel(const std::vector<StageRun>& runs, size_t minimumRuns) {
  if (runs.size() < std::max<size_t>(minimumRuns, 2)) return std::nullopt;
  // Drop terms whose coefficient comes out negative (physically meaningless) and fit again.
  std::vector<int> columns = {0, 1, 2, 3};
  while (!columns.empty()) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(runs.size()), static_cast<Eigen::Index>(columns.size()));
    Eigen::VectorXd y(static_cast<Eigen::Index>(runs.size()));
    for (size_t r = 0; r < runs.size(); ++r) {
      const StageRun& run = runs[r];
      std::array<double, 4> f = features(run.partitions, run.slots, static_cast<double>(run.shuffleBytes), run.memoryPerByte,
                                         static_cast<double>(run.taskMemoryBytes));
      for (size_t c = 0; c < columns.size(); ++c) x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = f[static_cast<size_t>(columns[c])];
      y(static_cast<Eigen::Index>(r)) = run.durationMs;
    }
    // A light ridge keeps the fit stable when runs share a feature's value.
    Eigen::MatrixXd normal = x.transpose() * x;
    normal.diagonal().array() += 1e-6;
    Eigen::VectorXd beta = normal.ldlt().solve(x.transpose() * y);
    Eigen::Index worst = -1;
    for (Eigen::Index c = 0; c < beta.size(); ++c) {
      if (!std::isfinite(beta(c))) return std::nullopt;
      if (beta(c) < 0 && (worst < 0 || beta(c) < beta(worst))) worst = c;
    }
    if (worst >= 0) {
      columns.erase(columns.begin() + worst);
      continue;
    }
    StageCostModel model;
    model.runs = runs.size();
    for (size_t c = 0; c < columns.size(); ++c) {
      double value = beta(static_cast<Eigen::Index>(c));
      switch (columns[c]) {
        case 0: model.intercept = value; break;
        case 1: model.perWaveMs = value; break;
        case 2: model.perSlotMbMs = value; break;
        default: model.perSpilledMbMs = value; break;
      }
    }
    return model;
  }
  return std::nullopt;
}

size_t applyStageCostModels(const AdviceContext& context, AdvicePlan& plan, const std::vector<RunRecord>& runs) {
  if (!context.measured.runtime) return 0;
  size_t modelled = 0;
  std::set<std::string> steps;
  for (const StageMeasurement& stage : context.measured.stages) {
    if (!context.partitionedByStep(stage) || stage.status != core::StageStatus::Complete) continue;
    if (!steps.insert(stage.step).second) continue;
    std::vector<StageRun> samples;
    std::set<int64_t> tried;
    for (const RunRecord& run : runs) {
      auto found = run.stages.find(stage.name);
      if (found == run.stages.end() || found->second.durationMs <= 0) continue;
      samples.push_back(found->second);
      tried.insert(found->second.partitions);
    }
    // This run is one sample too.
    StageRun self;
    self.partitions = static_cast<int64_t>(stage.tasks.size());
    self.shuffleBytes = stage.shuffleReadBytes;
    self.durationMs = static_cast<double>(stage.durationMs());
    self.spilledBytes = stage.memorySpilledBytes;
    self.memoryPerByte = context.models.count(stage.stageId) ? context.models.at(stage.stageId).memoryPerByte : 0;
    self.taskMemoryBytes = context.taskMemoryBytes(context.current);
    self.slots = context.slots(context.current);
    samples.push_back(self);
    tried.insert(self.partitions);
    std::optional<StageCostModel> model = fitStageCostModel(samples, static_cast<size_t>(context.config.historyForModels));
    if (!model) continue;
    // The most memory per byte any run of the stage showed: a run with small tasks can make the
    // stage look lighter than it is when its partitions are large.
    double memoryPerByte = 0;
    for (const StageRun& sample : samples) memoryPerByte = std::max(memoryPerByte, sample.memoryPerByte);
    ++modelled;
    const int64_t slots = context.slots(plan.profile);
    const double taskMemory = static_cast<double>(context.taskMemoryBytes(plan.profile));
    const double bytes = static_cast<double>(stage.shuffleReadBytes);
    int64_t planned = plan.stepPartitions(stage.step);
    // Candidates: the plan's value, the counts history tried, and powers of two from the slots up.
    std::set<int64_t> candidates = tried;
    candidates.insert(planned);
    for (int64_t p = slots; p <= context.config.limits.maxPartitions && p <= 4096; p *= 2) candidates.insert(p);
    int64_t best = planned;
    double bestMs = model->predictMs(planned, slots, bytes, memoryPerByte, taskMemory);
    const double plannedMs = bestMs;
    for (int64_t p : candidates) {
      if (p < context.config.limits.minPartitions || p > context.config.limits.maxPartitions) continue;
      if (context.rejected.count(fmt::format("steps.{}.partitions={}", stage.step, p)) > 0) continue;
      double ms = model->predictMs(p, slots, bytes, memoryPerByte, taskMemory);
      if (ms < bestMs) {
        best = p;
        bestMs = ms;
      }
    }
    if (best == planned || bestMs > plannedMs * (1.0 - context.config.minimumGain)) continue;
    Change change;
    change.rule = "history";
    change.scope = "step " + stage.step;
    change.reason = fmt::format("a cost model fitted over {} runs of this stage predicts {:.0f} ms with {} partitions against "
                                "{:.0f} ms with {}",
                                model->runs, bestMs, best, plannedMs, planned);
    change.evidence = {{"runs", model->runs},
                       {"model", {{"intercept_ms", model->intercept},
                                  {"per_wave_ms", model->perWaveMs},
                                  {"per_slot_mb_ms", model->perSlotMbMs},
                                  {"per_spilled_mb_ms", model->perSpilledMbMs}}},
                       {"partitions_tried", std::vector<int64_t>(tried.begin(), tried.end())}};
    change.expectedEffect = fmt::format("stage {} about {:.0f} ms faster", stage.name, plannedMs - bestMs);
    plan.setStepPartitions(context, stage.step, best, std::move(change));
    for (const StageMeasurement& other : context.measured.stages) {
      if (other.step == stage.step && context.partitionedByStep(other)) plan.cuts[other.stageId].partitions = best;
    }
  }
  return modelled;
}

}  // namespace jobtuner::advisor

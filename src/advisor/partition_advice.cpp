// Partition counts: every flagged shuffle stage gets partitions that put its measured shuffle
// bytes at the target size per partition (smaller when a task's data would not fit its memory
// grant), never fewer than the slots, within the limits. The runtime sizes each step; Spark has
// one spark.sql.shuffle.partitions, sized for the largest flagged stage.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "advisor/advice_plan.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

const std::vector<std::string> kTags = {"increase_partitions", "decrease_partitions"};

/// The finding that asks to resize this stage: one on the stage itself, else one on the app.
const analyzers::Finding* trigger(const AdviceContext& context, const StageMeasurement& stage);

/// Whether `finding` allows moving the partition count from `current` to `proposed`: a finding
/// that asks for more partitions never leads to fewer, and the other way round.
bool allowsDirection(const analyzers::Finding& finding, int64_t current, int64_t proposed) {
  auto has = [&](const char* tag) { return std::find(finding.advice.begin(), finding.advice.end(), tag) != finding.advice.end(); };
  if (proposed > current) return has("increase_partitions");
  if (proposed < current) return has("decrease_partitions");
  return false;
}

const analyzers::Finding* trigger(const AdviceContext& context, const StageMeasurement& stage) {
  const analyzers::Finding* appWide = nullptr;
  for (const std::string& tag : kTags) {
    for (const analyzers::Finding* finding : context.withTag(tag)) {
      if (finding->scope.stageId && *finding->scope.stageId == stage.stageId) return finding;
      if (finding->scope.kind == analyzers::ScopeKind::kApp && !appWide) appWide = finding;
    }
  }
  return appWide;
}

/// The bytes the stage's tasks read from the shuffle; for a stage that never finished, what its
/// parents wrote.
int64_t shuffleBytes(const AdviceContext& context, const StageMeasurement& stage) {
  int64_t written = 0;
  for (int32_t parent : stage.parents) {
    if (const StageMeasurement* p = context.measured.stage(parent)) written += p->shuffleWriteBytes;
  }
  return stage.status == core::StageStatus::Complete ? stage.shuffleReadBytes : std::max(stage.shuffleReadBytes, written);
}

}  // namespace

/// Spark stages that read oversized input splits: a smaller spark.sql.files.maxPartitionBytes cuts
/// the input finer (the runtime's scans follow max_partition_bytes the same way).
void adviseInputSplits(const AdviceContext& context, AdvicePlan& plan) {
  for (const analyzers::Finding* finding : context.withTag("increase_partitions")) {
    if (!finding->scope.stageId) continue;
    const StageMeasurement* stage = context.measured.stage(*finding->scope.stageId);
    if (!stage || stage->readsShuffle() || stage->inputBytes <= 0 || stage->tasks.empty()) continue;
    int64_t perTask = stage->inputBytes / static_cast<int64_t>(stage->tasks.size());
    int64_t target = std::min(context.config.targetPartitionBytes, plan.profile.maxPartitionBytes);
    if (perTask <= 2 * target || plan.profile.maxPartitionBytes <= target / 2) continue;
    target = std::min(target, plan.profile.maxPartitionBytes / 2);
    Change change;
    change.rule = finding->ruleId;
    change.scope = finding->scope.describe();
    change.reason = fmt::format("{}: stage {} read {} of input in {} tasks ({} each); smaller splits give more, smaller tasks",
                                finding->ruleId, stage->stageId, core::formatBytes(stage->inputBytes), stage->tasks.size(),
                                core::formatBytes(perTask));
    change.evidence = {{"input_bytes", stage->inputBytes}, {"tasks", stage->tasks.size()}, {"input_bytes_per_task", perTask}};
    change.expectedEffect = fmt::format("about {} tasks of at most {}", stage->inputBytes / std::max<int64_t>(1, target) + 1,
                                        core::formatBytes(target));
    plan.set(context, "max_partition_bytes", target, std::move(change));
    return;
  }
}

void advisePartitions(const AdviceContext& context, AdvicePlan& plan) {
  adviseInputSplits(context, plan);
  const Limits& limits = context.config.limits;
  const int64_t slots = context.slots(plan.profile);
  const int64_t taskMemory = context.taskMemoryBytes(plan.profile);

  struct Sizing {
    int64_t partitions = 0;
    int64_t bytes = 0;
    int64_t bytesPerPartition = 0;
    const StageMeasurement* stage = nullptr;
    const analyzers::Finding* finding = nullptr;
  };
  std::map<std::string, Sizing> bySetting;  // step (runtime) or "" (Spark's one setting)
  for (const StageMeasurement& stage : context.measured.stages) {
    if (!stage.readsShuffle() && stage.status == core::StageStatus::Complete) continue;
    if (context.measured.runtime && !context.partitionedByStep(stage)) continue;
    const analyzers::Finding* finding = trigger(context, stage);
    if (!finding) continue;
    int64_t bytes = shuffleBytes(context, stage);
    if (bytes <= 0) continue;
    auto model = context.models.find(stage.stageId);
    double perByte = model != context.models.end() ? model->second.memoryPerByte : 0;
    // A task's data should fit the memory it may use, or it spills.
    double fits = perByte > 0 ? static_cast<double>(taskMemory) / perByte : static_cast<double>(context.config.targetPartitionBytes);
    double perPartition = std::max(1.0, std::min(static_cast<double>(context.config.targetPartitionBytes), fits * 0.8));
    int64_t wanted = std::max(slots, static_cast<int64_t>(std::ceil(static_cast<double>(bytes) / perPartition)));
    int64_t partitions = std::clamp(wanted, limits.minPartitions, limits.maxPartitions);
    if (partitions != wanted) {
      plan.blocked.push_back(fmt::format("stage {} ({}) wants {} partitions; limits.{} is {}", stage.stageId, stage.name, wanted,
                                         wanted > partitions ? "max_partitions" : "min_partitions", partitions));
    }
    std::string key = context.measured.runtime ? stage.step : "";
    Sizing& sizing = bySetting[key];
    if (partitions > sizing.partitions) sizing = Sizing{partitions, bytes, bytes / partitions, &stage, finding};
  }

  for (auto& [step, sizing] : bySetting) {
    int64_t current = context.measured.runtime ? plan.stepPartitions(step) : context.current.shufflePartitions;
    std::string setting = context.measured.runtime ? fmt::format("steps.{}.partitions", step) : "shuffle_partitions";
    // A value history showed to be slower: the next candidate beyond it.
    while (context.rejected.count(fmt::format("{}={}", setting, sizing.partitions)) > 0 && sizing.partitions < limits.maxPartitions) {
      sizing.partitions = std::min(limits.maxPartitions, sizing.partitions * 2);
    }
    double ratio = static_cast<double>(sizing.partitions) / static_cast<double>(std::max<int64_t>(1, current));
    if (ratio < 1.5 && ratio > 1 / 1.5) continue;
    if (!allowsDirection(*sizing.finding, current, sizing.partitions)) continue;
    const StageMeasurement& stage = *sizing.stage;
    Change change;
    change.rule = sizing.finding->ruleId;
    change.scope = context.measured.runtime ? "step " + step : fmt::format("stage {}.{} ({})", stage.stageId, stage.attemptId, stage.name);
    change.reason = fmt::format("{}: {} of shuffle data in {} tasks ({} each); {} partitions put about {} in each{}",
                                sizing.finding->ruleId, core::formatBytes(sizing.bytes), stage.tasks.size(),
                                core::formatBytes(sizing.bytes / std::max<int64_t>(1, static_cast<int64_t>(stage.tasks.size()))),
                                sizing.partitions, core::formatBytes(sizing.bytes / sizing.partitions),
                                sizing.partitions == slots && sizing.bytes / sizing.partitions < context.config.targetPartitionBytes
                                    ? fmt::format(", one per slot ({} slots)", slots)
                                    : "");
    change.evidence = {{"shuffle_read_bytes", sizing.bytes},
                       {"tasks", stage.tasks.size()},
                       {"median_task_ms", stage.medianTaskMs()},
                       {"max_task_ms", stage.maxTaskMs()},
                       {"slots", slots},
                       {"target_partition_bytes", context.config.targetPartitionBytes},
                       {"task_memory_bytes", taskMemory}};
    change.expectedEffect = sizing.partitions > current
                                ? fmt::format("{} tasks of about {} instead of {}: less data per task, less spill, every slot busy",
                                              sizing.partitions, core::formatBytes(sizing.bytes / sizing.partitions), current)
                                : fmt::format("{} tasks instead of {}: less per-task overhead", sizing.partitions, current);
    if (context.measured.runtime) {
      plan.setStepPartitions(context, step, sizing.partitions, std::move(change));
    } else {
      plan.set(context, "shuffle_partitions", sizing.partitions, std::move(change));
    }
    for (const StageMeasurement& other : context.measured.stages) {
      if (context.measured.runtime ? (other.step == step && context.partitionedByStep(other)) : other.readsShuffle()) {
        plan.cuts[other.stageId].partitions = sizing.partitions;
      }
    }
  }
}

}  // namespace jobtuner::advisor

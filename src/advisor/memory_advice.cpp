// Memory: an executor killed for its memory limit gets a limit above what it used, with headroom
// (memory overhead first, as Spark practice raises it; then executor memory). Tasks that spill
// after the plan's partitions and salting get executor memory enough for their data; when that is
// beyond the limit, fewer cores per executor give each task a larger share. An executor far
// larger than its peak use gets less. No executor memory proposed is below the observed peak plus
// headroom.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "advisor/advice_plan.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

constexpr int64_t kMiB = 1LL << 20;

/// Up to a whole number of 64 MB: settings people read.
int64_t roundUp(double bytes) {
  const double step = 64.0 * static_cast<double>(kMiB);
  return static_cast<int64_t>(std::ceil(bytes / step) * step);
}

const analyzers::Finding* firstWith(const AdviceContext& context, std::initializer_list<const char*> tags) {
  for (const char* tag : tags) {
    std::vector<const analyzers::Finding*> found = context.withTag(tag);
    if (!found.empty()) return found.front();
  }
  return nullptr;
}

void adviseMemoryKills(const AdviceContext& context, AdvicePlan& plan) {
  if (context.measured.memoryKills.empty()) return;
  const Limits& limits = context.config.limits;
  const MemoryKill* worst = &context.measured.memoryKills.front();
  for (const MemoryKill& kill : context.measured.memoryKills) {
    if (kill.usedBytes > worst->usedBytes) worst = &kill;
  }
  double needed = static_cast<double>(worst->usedBytes) * (1.0 + context.config.memoryHeadroom);
  // A resident size sampled at the kill is a lower bound of what the task would have reached: the
  // limit goes at least a half above the old one.
  needed = std::max(needed, static_cast<double>(worst->limitBytes) * 1.5);
  int64_t memory = plan.profile.executorMemoryBytes;
  int64_t overhead = plan.profile.memoryOverheadBytes;
  if (context.measured.runtime) {
    // The runtime's limit covers the whole process and its memory manager's pool is a share of
    // executor_memory: raising executor_memory raises both, so tasks also spill less.
    memory = std::min(limits.maxExecutorMemoryBytes, roundUp(needed - static_cast<double>(overhead)));
    if (static_cast<double>(memory + overhead) < needed) overhead = std::min(limits.maxMemoryOverheadBytes, roundUp(needed - static_cast<double>(memory)));
  } else {
    // Spark's container limit is exceeded outside the heap: overhead first, as practice does.
    overhead = roundUp(needed - static_cast<double>(memory));
    if (overhead > limits.maxMemoryOverheadBytes) {
      overhead = limits.maxMemoryOverheadBytes;
      memory = std::min(limits.maxExecutorMemoryBytes, roundUp(needed - static_cast<double>(overhead)));
    }
  }
  const analyzers::Finding* finding = firstWith(context, {"increase_memory_overhead", "increase_executor_memory"});
  std::string rule = finding ? finding->ruleId : "lost-executor";
  nlohmann::ordered_json evidence = {{"executor", worst->executorId},
                                     {"limit_bytes", worst->limitBytes},
                                     {"used_bytes", worst->usedBytes},
                                     {"executors_killed", context.measured.memoryKills.size()},
                                     {"headroom", context.config.memoryHeadroom}};
  if (static_cast<double>(memory + overhead) < needed * 0.999) {
    plan.blocked.push_back(fmt::format("executors need {}; limits.max_executor_memory plus limits.max_memory_overhead is {}",
                                       core::formatBytes(static_cast<int64_t>(needed)), core::formatBytes(memory + overhead)));
    plan.notes.push_back(fmt::format("Executors need about {} to stay under their limit, more than limits.max_executor_memory "
                                     "({}) and limits.max_memory_overhead ({}) allow: spread the hot key (salting) or raise the limits.",
                                     core::formatBytes(static_cast<int64_t>(needed)), core::formatBytes(limits.maxExecutorMemoryBytes),
                                     core::formatBytes(limits.maxMemoryOverheadBytes)));
  }
  if (overhead > plan.profile.memoryOverheadBytes) {
    Change change;
    change.rule = rule;
    change.scope = "app";
    change.reason = fmt::format("executor {} was killed for using {} against a limit of {} (executor memory plus overhead); "
                                "the limit goes to {} with {:.0f}% headroom",
                                worst->executorId, core::formatBytes(worst->usedBytes), core::formatBytes(worst->limitBytes),
                                core::formatBytes(memory + overhead), context.config.memoryHeadroom * 100);
    change.evidence = evidence;
    change.expectedEffect = "no executor is killed for its memory limit";
    plan.set(context, "memory_overhead", overhead, std::move(change));
  }
  if (memory > plan.profile.executorMemoryBytes) {
    Change change;
    change.rule = rule;
    change.scope = "app";
    change.reason = context.measured.runtime
                        ? fmt::format("executor {} was killed for using {} against a limit of {} (executor memory plus overhead); "
                                      "more executor memory raises the limit to {} with {:.0f}% headroom, and the memory tasks may use",
                                      worst->executorId, core::formatBytes(worst->usedBytes), core::formatBytes(worst->limitBytes),
                                      core::formatBytes(memory + overhead), context.config.memoryHeadroom * 100)
                        : fmt::format("the overhead alone cannot hold the {} an executor needs within limits.max_memory_overhead",
                                      core::formatBytes(static_cast<int64_t>(needed)));
    change.evidence = evidence;
    change.expectedEffect = "no executor is killed for its memory limit";
    plan.set(context, "executor_memory", memory, std::move(change));
  }
}

void adviseSpillMemory(const AdviceContext& context, AdvicePlan& plan) {
  const analyzers::Finding* finding = nullptr;
  const StageMeasurement* worstStage = nullptr;
  double mostWanted = 0;
  for (const analyzers::Finding* candidate : context.withTag("increase_executor_memory")) {
    if (!candidate->scope.stageId) continue;
    const StageMeasurement* stage = context.measured.stage(*candidate->scope.stageId);
    if (!stage || stage->memorySpilledBytes <= 0) continue;
    auto model = context.models.find(stage->stageId);
    if (model == context.models.end()) continue;
    // The largest task under the plan's cut wants this much memory.
    StageCut cut = plan.cuts.count(stage->stageId) ? plan.cuts.at(stage->stageId) : StageCut{};
    double total = 0, most = 0;
    for (const TaskSample& task : stage->tasks) {
      total += static_cast<double>(task.bytesRead);
      most = std::max(most, static_cast<double>(task.bytesRead));
    }
    if (cut.partitions > 0 || cut.saltBuckets > 1) {
      double hot = std::min(total, static_cast<double>(cut.hotBytes));
      int64_t partitions = cut.partitions > 0 ? cut.partitions : static_cast<int64_t>(stage->tasks.size());
      most = (total - hot) / static_cast<double>(std::max<int64_t>(1, partitions)) + hot / static_cast<double>(std::max<int64_t>(1, cut.saltBuckets));
    }
    double wanted = model->second.memoryPerByte * most;
    if (wanted > mostWanted) {
      mostWanted = wanted;
      finding = candidate;
      worstStage = stage;
    }
  }
  if (!finding || mostWanted <= static_cast<double>(context.taskMemoryBytes(plan.profile))) return;
  const Limits& limits = context.config.limits;
  const double headroom = 1.0 + context.config.memoryHeadroom;
  int64_t cores = plan.profile.executorCores;
  double fraction = plan.profile.memoryFraction;
  const bool runtime = context.measured.runtime;
  int64_t memory = roundUp(executorMemoryFor(mostWanted * headroom, cores, fraction, runtime));
  int64_t slots = plan.profile.executors * cores;
  core::Profile largest = plan.profile;
  largest.executorMemoryBytes = limits.maxExecutorMemoryBytes;
  largest.executorCores = 1;
  int64_t fewerCores = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(taskMemoryBytes(largest, runtime)) / (mostWanted * headroom)));
  if (memory > limits.maxExecutorMemoryBytes && cores > 1 && (slots + fewerCores - 1) / fewerCores > limits.maxExecutors) {
    plan.blocked.push_back(fmt::format("fewer cores per executor would need {} executors to keep {} slots; limits.max_executors is {}",
                                       (slots + fewerCores - 1) / fewerCores, slots, limits.maxExecutors));
  } else if (memory > limits.maxExecutorMemoryBytes && cores > 1) {
    // Fewer tasks share an executor's memory; more executors keep the slots.
    cores = fewerCores;
    int64_t executors = (slots + cores - 1) / cores;
    Change change;
    change.rule = finding->ruleId;
    change.scope = "app";
    change.reason = fmt::format("a task of stage {} wants about {}; at {} cores an executor would need more than "
                                "limits.max_executor_memory, so fewer tasks share it",
                                worstStage->stageId, core::formatBytes(static_cast<int64_t>(mostWanted)), plan.profile.executorCores);
    change.evidence = {{"task_memory_wanted_bytes", mostWanted}, {"max_executor_memory", limits.maxExecutorMemoryBytes}};
    change.expectedEffect = fmt::format("each task gets 1/{} of an executor's memory", cores);
    plan.set(context, "executor_cores", cores, change);
    if (executors != plan.profile.executors) plan.set(context, "executors", executors, change);
    memory = roundUp(executorMemoryFor(mostWanted * headroom, cores, fraction, runtime));
  }
  if (memory > limits.maxExecutorMemoryBytes) {
    plan.blocked.push_back(fmt::format("stage {} wants {} of executor memory; limits.max_executor_memory is {}", worstStage->stageId,
                                       core::formatBytes(memory), core::formatBytes(limits.maxExecutorMemoryBytes)));
  }
  memory = std::clamp(memory, limits.minExecutorMemoryBytes, limits.maxExecutorMemoryBytes);
  memory = std::max(memory, roundUp(static_cast<double>(context.measured.peakExecutorMemoryBytes) * headroom));
  memory = std::min(memory, limits.maxExecutorMemoryBytes);
  if (memory <= plan.profile.executorMemoryBytes) return;
  Change change;
  change.rule = finding->ruleId;
  change.scope = "app";
  change.reason = fmt::format("{}: stage {} ({}) spilled {}; its largest task {}wants about {} of memory, and a task may use "
                              "{} of an executor's ({} less the reserved memory, x memory_fraction {} / {} cores)",
                              finding->ruleId, worstStage->stageId, worstStage->name, core::formatBytes(worstStage->memorySpilledBytes),
                              plan.cuts.count(worstStage->stageId) ? "(after the partition and salting changes) " : "",
                              core::formatBytes(static_cast<int64_t>(mostWanted)),
                              core::formatBytes(context.taskMemoryBytes(plan.profile)),
                              core::formatBytes(plan.profile.executorMemoryBytes), plan.profile.memoryFraction, cores);
  change.evidence = {{"stage", worstStage->stageId},
                     {"memory_spilled_bytes", worstStage->memorySpilledBytes},
                     {"disk_spilled_bytes", worstStage->diskSpilledBytes},
                     {"task_memory_wanted_bytes", mostWanted},
                     {"task_memory_bytes", context.taskMemoryBytes(plan.profile)},
                     {"peak_executor_memory_bytes", context.measured.peakExecutorMemoryBytes}};
  change.expectedEffect = "tasks hold their data in memory: no spill";
  plan.set(context, "executor_memory", memory, std::move(change));
}

void adviseOversizedMemory(const AdviceContext& context, AdvicePlan& plan) {
  const analyzers::Finding* finding = firstWith(context, {"reduce_executor_memory"});
  if (!finding || plan.changed(context.measured.runtime ? "executor_memory" : "spark.executor.memory")) return;
  int64_t peak = context.measured.peakExecutorMemoryBytes;
  if (peak <= 0) return;
  int64_t memory = std::clamp(roundUp(static_cast<double>(peak) * (1.0 + context.config.memoryHeadroom)),
                              context.config.limits.minExecutorMemoryBytes, context.config.limits.maxExecutorMemoryBytes);
  if (static_cast<double>(memory) > static_cast<double>(plan.profile.executorMemoryBytes) * 0.75) return;
  Change change;
  change.rule = finding->ruleId;
  change.scope = "app";
  change.reason = fmt::format("{}: executors used at most {} of their {}", finding->ruleId, core::formatBytes(peak),
                              core::formatBytes(plan.profile.executorMemoryBytes));
  change.evidence = {{"peak_executor_memory_bytes", peak}, {"executor_memory_bytes", plan.profile.executorMemoryBytes}};
  change.expectedEffect = fmt::format("{} less memory per executor paid for", core::formatBytes(plan.profile.executorMemoryBytes - memory));
  plan.set(context, "executor_memory", memory, std::move(change));
}

void adviseGcPressure(const AdviceContext& context, AdvicePlan& plan) {
  const analyzers::Finding* finding = firstWith(context, {"fewer_cores_per_executor"});
  if (!finding || finding->ruleId.find("gc") == std::string::npos) return;
  if (plan.changed(context.measured.runtime ? "executor_memory" : "spark.executor.memory")) return;
  int64_t wanted = roundUp(static_cast<double>(plan.profile.executorMemoryBytes) * 1.5);
  int64_t memory = std::min(context.config.limits.maxExecutorMemoryBytes, wanted);
  if (memory <= plan.profile.executorMemoryBytes) {
    plan.blocked.push_back(fmt::format("{} wants {} of executor memory; limits.max_executor_memory is {}", finding->ruleId,
                                       core::formatBytes(wanted), core::formatBytes(context.config.limits.maxExecutorMemoryBytes)));
  }
  memory = std::max(memory, roundUp(static_cast<double>(context.measured.peakExecutorMemoryBytes) * (1.0 + context.config.memoryHeadroom)));
  if (memory <= plan.profile.executorMemoryBytes) return;
  Change change;
  change.rule = finding->ruleId;
  change.scope = finding->scope.describe();
  change.reason = fmt::format("{}: tasks spend a large share of their time in GC; half as much memory again leaves the "
                              "collector room", finding->ruleId);
  for (const analyzers::Evidence& item : finding->evidence) change.evidence[item.name] = item.value;
  change.expectedEffect = "less time in garbage collection";
  plan.set(context, "executor_memory", memory, std::move(change));
}

}  // namespace

void adviseMemory(const AdviceContext& context, AdvicePlan& plan) {
  adviseMemoryKills(context, plan);
  adviseSpillMemory(context, plan);
  adviseGcPressure(context, plan);
  adviseOversizedMemory(context, plan);
}

}  // namespace jobtuner::advisor

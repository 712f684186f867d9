// Salting: for a stage with skew, the keys that hold more than a fair partition's share of its
// shuffle (from the runtime's key sketches) get a salt over enough buckets that each bucket is no
// bigger than a fair share. A join is salted on its probe side (the step's input), with the build
// side's rows of those keys replicated once per bucket. Spark's event logs carry no keys: the
// advice names the stage and gives the recipe, and turns on AQE's skew-join split where it applies.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "advisor/advice_plan.h"
#include "core/distinct_salting.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

constexpr size_t kMostHotKeys = 8;
// Buckets per fair share of the hot key: the salted buckets land on partitions by hash, and more
// of them even out what one partition receives.
constexpr int64_t kBucketsPerShare = 2;

const analyzers::Finding* skewFinding(const AdviceContext& context, const StageMeasurement& stage) {
  for (const char* tag : {"salt_hot_key", "split_skewed_partitions"}) {
    for (const analyzers::Finding* finding : context.withTag(tag)) {
      if (finding->scope.stageId && *finding->scope.stageId == stage.stageId) return finding;
    }
  }
  return nullptr;
}

const core::StepSpec* stepSpec(const AdviceContext& context, const std::string& step) {
  if (!context.input.job) return nullptr;
  for (const core::StepSpec& spec : context.input.job->steps) {
    if (spec.stableName == step) return &spec;
  }
  return nullptr;
}

void saltRuntimeStage(const AdviceContext& context, AdvicePlan& plan, const StageMeasurement& stage,
                      const analyzers::Finding& finding) {
  const core::StepSpec* spec = stepSpec(context, stage.step);
  if (spec && spec->kind == core::StepKind::kAggregate && core::distinctSetsStayWhole(spec->calls)) {
    plan.notes.push_back(fmt::format(
        "Stage {}.{} ({}) is skewed ({}), but salting would not split its hot key: with an avg beside its count_distinct, "
        "or count_distinct over several columns, the last round still unions the key's whole distinct set in one task. "
        "Count the distinct values in a step of their own (one count_distinct, no avg) to make the key saltable.",
        stage.stageId, stage.attemptId, stage.name, finding.ruleId));
    return;
  }
  std::vector<core::ShuffleKey> keys = context.measured.keysReadBy(stage);
  // The map side's sketch for a salted stage's second round is the first round: look through it.
  if (keys.empty()) {
    for (int32_t parent : stage.parents) {
      if (const StageMeasurement* p = context.measured.stage(parent)) {
        std::vector<core::ShuffleKey> more = context.measured.keysReadBy(*p);
        keys.insert(keys.end(), more.begin(), more.end());
      }
    }
  }
  int64_t bytes = 0;
  for (int32_t parent : stage.parents) {
    if (const StageMeasurement* p = context.measured.stage(parent)) bytes += p->shuffleWriteBytes;
  }
  bytes = std::max(bytes, stage.shuffleReadBytes);
  const int64_t partitions = std::max<int64_t>(1, plan.stepPartitions(stage.step));
  // A fair share is the stage's bytes over its partitions, and over two tasks per slot at least:
  // a key holding half of a two-partition stage is no larger than its partition, yet no number of
  // partitions can spread it.
  const double fairShare = static_cast<double>(bytes) / static_cast<double>(std::max(partitions, 2 * context.slots(plan.profile)));
  std::vector<core::ShuffleKey> hot;
  int64_t hotBytes = 0;
  for (const core::ShuffleKey& key : keys) {
    if (hot.size() >= kMostHotKeys || static_cast<double>(key.bytes) <= fairShare) break;
    if (std::any_of(hot.begin(), hot.end(), [&](const core::ShuffleKey& k) { return k.key == key.key; })) continue;
    hot.push_back(key);
    hotBytes += key.bytes;
  }
  if (hot.empty()) {
    plan.notes.push_back(fmt::format(
        "Stage {}.{} ({}) is skewed ({}), but no key holds more than a fair partition's share of its {} shuffle: "
        "the skew comes from several keys hashing together, which more partitions spread.",
        stage.stageId, stage.attemptId, stage.name, finding.ruleId, core::formatBytes(bytes)));
    return;
  }
  const double rest = std::max(1.0, (static_cast<double>(bytes - hotBytes)) / static_cast<double>(partitions));
  int64_t buckets = static_cast<int64_t>(std::ceil(static_cast<double>(hot.front().bytes) / rest)) * kBucketsPerShare;
  buckets = std::max<int64_t>(buckets, 2 * context.slots(plan.profile));
  const core::StepOverride* existing = context.current.stepOverride(stage.step);
  if (existing && existing->salting) buckets = std::max(buckets, existing->salting->buckets * 2);
  buckets = std::clamp<int64_t>(buckets, 2, context.config.limits.maxSaltingBuckets);
  core::SaltingOverride salting;
  salting.buckets = buckets;
  for (const core::ShuffleKey& key : hot) salting.keys.push_back(key.key);
  if (existing && existing->salting && existing->salting->buckets >= buckets) return;  // at the limit already

  Change change;
  change.rule = finding.ruleId;
  std::string keyList;
  for (const core::ShuffleKey& key : hot) keyList += (keyList.empty() ? "" : ", ") + key.key;
  const bool join = spec && spec->kind == core::StepKind::kJoin;
  change.reason = fmt::format("{}: key{} {} hold{} {} of the {} this stage reads, where a fair partition holds {}; {} buckets "
                              "spread {} over {} tasks{}",
                              finding.ruleId, hot.size() == 1 ? "" : "s", keyList, hot.size() == 1 ? "s" : "",
                              core::formatBytes(hotBytes), core::formatBytes(bytes),
                              core::formatBytes(static_cast<int64_t>(fairShare)), buckets, hot.size() == 1 ? "it" : "them",
                              buckets,
                              join ? " (the join's probe side, the step's input, is salted; the build side's rows of these keys are "
                                     "replicated once per bucket)"
                                   : " (partial aggregates on key and salt, then on the key)");
  nlohmann::ordered_json keyEvidence = nlohmann::ordered_json::array();
  for (const core::ShuffleKey& key : hot) {
    keyEvidence.push_back({{"key", key.key}, {"records", key.records}, {"bytes", key.bytes}, {"shuffle", key.shuffleId}});
  }
  change.evidence = {{"hot_keys", keyEvidence},
                     {"stage_shuffle_bytes", bytes},
                     {"partitions", partitions},
                     {"max_task_ms", stage.maxTaskMs()},
                     {"median_task_ms", stage.medianTaskMs()},
                     {"side", join ? "probe (left)" : "aggregation input"}};
  change.expectedEffect = fmt::format("the slowest task reads about {} instead of {}",
                                      core::formatBytes(static_cast<int64_t>(rest + static_cast<double>(hot.front().bytes) / static_cast<double>(buckets))),
                                      core::formatBytes(stage.maxTaskShuffleReadBytes()));
  plan.setStepSalting(context, stage.step, salting, std::move(change));
  for (const StageMeasurement& other : context.measured.stages) {
    if (other.step != stage.step || !context.partitionedByStep(other)) continue;
    StageCut& cut = plan.cuts[other.stageId];
    cut.saltBuckets = buckets;
    cut.hotBytes = hotBytes;
  }
}

void saltSparkStage(const AdviceContext& context, AdvicePlan& plan, const StageMeasurement& stage, const analyzers::Finding& finding) {
  double maxTask = stage.maxTaskMs();
  double medianTask = std::max(1.0, stage.medianTaskMs());
  int64_t factor = std::clamp<int64_t>(static_cast<int64_t>(maxTask / medianTask / 2), 2, 5);
  plan.notes.push_back(fmt::format(
      "Stage {}.{} ({}) is skewed ({}: slowest task {} against a median of {}). Event logs carry no keys: find the hot key "
      "(a count by key of the stage's input), then salt it: add salt = floor(rand() * N) for the hot key's rows (N about "
      "{}), group or join on (key, salt), and aggregate again on the key; for a join, replicate the other side's rows of "
      "that key N times (explode(sequence(0, N - 1))).",
      stage.stageId, stage.attemptId, stage.name, finding.ruleId, core::formatDurationMs(static_cast<int64_t>(maxTask)),
      core::formatDurationMs(static_cast<int64_t>(medianTask)), std::max<int64_t>(2, static_cast<int64_t>(maxTask / medianTask))));
  if (!stage.readsShuffle()) return;  // AQE splits shuffle partitions only
  if (context.measured.app.engineVersion < "3") return;  // AQE's skew join came with Spark 3.0
  const int64_t median = stage.medianTaskShuffleReadBytes();
  int64_t threshold = std::clamp<int64_t>(std::max<int64_t>(median * factor, stage.maxTaskShuffleReadBytes() / 2), 1LL << 20, 256LL << 20);
  threshold = (threshold + (1LL << 20) - 1) / (1LL << 20) * (1LL << 20);  // whole megabytes
  auto evidence = nlohmann::ordered_json{{"stage", stage.stageId},
                                         {"max_task_ms", maxTask},
                                         {"median_task_ms", medianTask},
                                         {"max_task_shuffle_read_bytes", stage.maxTaskShuffleReadBytes()},
                                         {"median_task_shuffle_read_bytes", median}};
  auto confOr = [&](const std::string& key, const std::string& fallback) {
    auto found = context.measured.conf.find(key);
    return found == context.measured.conf.end() ? fallback : found->second;
  };
  std::string scope = fmt::format("stage {}.{} ({})", stage.stageId, stage.attemptId, stage.name);
  auto make = [&](const std::string& reason, const std::string& effect) {
    Change change;
    change.rule = finding.ruleId;
    change.scope = scope;
    change.reason = reason;
    change.evidence = evidence;
    change.expectedEffect = effect;
    return change;
  };
  if (confOr("spark.sql.adaptive.enabled", "true") != "true") {
    plan.setSpark("spark.sql.adaptive.enabled", "true", confOr("spark.sql.adaptive.enabled", "true"),
                  make("AQE splits skewed shuffle partitions of sort-merge joins at run time", "skewed join partitions are split"));
  }
  if (confOr("spark.sql.adaptive.skewJoin.enabled", "true") != "true") {
    plan.setSpark("spark.sql.adaptive.skewJoin.enabled", "true", confOr("spark.sql.adaptive.skewJoin.enabled", "true"),
                  make("AQE's skew-join split is off", "skewed join partitions are split"));
  }
  if (factor < 5) plan.setSpark("spark.sql.adaptive.skewJoin.skewedPartitionFactor", std::to_string(factor),
                confOr("spark.sql.adaptive.skewJoin.skewedPartitionFactor", "5.0 (Spark's default)"),
                make(fmt::format("{}: the slowest task read {} against a median of {}; a factor of {} marks it skewed", finding.ruleId,
                                 core::formatBytes(stage.maxTaskShuffleReadBytes()), core::formatBytes(median), factor),
                     "the skewed partition is split into median-sized pieces if this stage is a sort-merge join"));
  plan.setSpark("spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", core::formatSparkBytes(threshold),
                confOr("spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", "256m (Spark's default)"),
                make(fmt::format("{}: partitions above {} (half the slowest task's read) count as skewed", finding.ruleId,
                                 core::formatBytes(threshold)),
                     "AQE splits partitions of this size and above"));
}

}  // namespace

void adviseSalting(const AdviceContext& context, AdvicePlan& plan) {
  std::set<std::string> saltedSteps;
  for (const StageMeasurement& stage : context.measured.stages) {
    const analyzers::Finding* finding = skewFinding(context, stage);
    if (!finding) continue;
    if (!context.measured.runtime) {
      saltSparkStage(context, plan, stage, *finding);
      continue;
    }
    if (!context.partitionedByStep(stage)) {
      plan.notes.push_back(fmt::format("Stage {}.{} ({}) is skewed ({}), but its tasks are cut by its input, not by a key: "
                                       "lower max_partition_bytes to split the input finer.",
                                       stage.stageId, stage.attemptId, stage.name, finding->ruleId));
      continue;
    }
    if (!saltedSteps.insert(stage.step).second) continue;
    saltRuntimeStage(context, plan, stage, *finding);
  }
}

}  // namespace jobtuner::advisor

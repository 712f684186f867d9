// The advisor on measured apps built by hand: the rule of thumb, history that contradicts it,
// salting from key sketches, and memory after a kill.

#include "advisor/advisor.h"

#include <catch2/catch.hpp>

#include "core/profile_writer.h"

using namespace jobtuner;
using namespace jobtuner::advisor;

namespace {

constexpr int64_t kMb = 1'000'000;

/// A runtime app: a scan (stage 0) writing `bytes` of shuffle, then step `agg` (stage 1) reading
/// it in `partitions` tasks of `taskMs` each, wanting `memoryPerByte` of memory per byte read.
AppMeasurements runtimeApp(int64_t partitions, double taskMs, int64_t bytes, double memoryPerByte, const core::Profile& profile) {
  AppMeasurements m;
  m.app.appId = "app-now";
  m.app.jobKey = "job";
  m.app.startTimeMs = 1'000;
  m.runtime = true;
  m.succeeded = true;
  for (const auto& [key, value] : profile.sparkProperties()) m.conf[key] = value;
  for (const auto& [key, value] : core::stepOverrideProperties(profile)) m.conf[key] = value;
  m.executors = profile.executors;
  m.executorCores = profile.executorCores;
  m.executorMemoryBytes = profile.executorMemoryBytes;
  m.memoryOverheadBytes = profile.memoryOverheadBytes;
  m.memoryFraction = profile.memoryFraction;

  StageMeasurement scan;
  scan.stageId = 0;
  scan.name = "scan-input";
  scan.step = "scan-input";
  scan.status = core::StageStatus::Complete;
  scan.submissionMs = 1'000;
  scan.completionMs = 1'200;
  scan.shuffleWriteBytes = bytes;
  scan.tasks = {TaskSample{0, 200, bytes / 2, 0, 0, 0, 0, true}, TaskSample{1, 200, bytes / 2, 0, 0, 0, 0, true}};
  StageMeasurement agg;
  agg.stageId = 1;
  agg.name = "agg";
  agg.step = "agg";
  agg.parents = {0};
  agg.status = core::StageStatus::Complete;
  agg.submissionMs = 1'200;
  double waves = static_cast<double>((partitions + 1) / 2);
  agg.completionMs = 1'200 + static_cast<int64_t>(waves * taskMs);
  for (int64_t i = 0; i < partitions; ++i) {
    int64_t read = bytes / partitions;
    TaskSample task{static_cast<int32_t>(i), taskMs, read, read, 0, 0, static_cast<int64_t>(memoryPerByte * static_cast<double>(read)), true};
    agg.tasks.push_back(task);
  }
  agg.shuffleReadBytes = bytes;
  m.stages = {scan, agg};
  m.firstLaunchMs = 1'000;
  m.lastFinishMs = agg.completionMs;
  m.app.endTimeMs = agg.completionMs + 100;
  m.wallMs = m.app.endTimeMs - m.app.startTimeMs;
  return m;
}

analyzers::Finding stageFinding(const std::string& rule, int32_t stage, analyzers::Severity severity, std::vector<std::string> advice) {
  analyzers::Finding finding;
  finding.ruleId = rule;
  finding.severity = severity;
  finding.scope.kind = analyzers::ScopeKind::kStage;
  finding.scope.stageId = stage;
  finding.scope.stageAttempt = 0;
  finding.advice = std::move(advice);
  return finding;
}

const Change* changeOf(const Advice& advice, const std::string& setting) {
  for (const Change& change : advice.changes) {
    if (change.setting == setting) return &change;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("tiny partitions: the rule of thumb sizes the step at a slot each", "[advisor]") {
  core::Profile profile;
  AdvisorInput input{runtimeApp(200, 25, 100 * kMb, 1.0, profile),
                     {stageFinding("tiny-shuffle-partitions", 1, analyzers::Severity::kModerate, {"decrease_partitions"})},
                     {}, AdvisorConfig{}, 2, {}};
  Advice advice = advise(input);
  const Change* change = changeOf(advice, "steps.agg.partitions");
  REQUIRE(change);
  CHECK(change->to == "2");
  CHECK(change->rule == "tiny-shuffle-partitions");
  CHECK(advice.prediction.wallS < advice.prediction.currentWallS);
  REQUIRE(advice.profile.stepOverride("agg"));
  CHECK(*advice.profile.stepOverride("agg")->partitions == 2);
}

TEST_CASE("five runs of history that spilled at two partitions override the rule of thumb", "[advisor][history]") {
  core::Profile profile;
  AdvisorInput input{runtimeApp(200, 25, 100 * kMb, 1.0, profile),
                     {stageFinding("tiny-shuffle-partitions", 1, analyzers::Severity::kModerate, {"decrease_partitions"})},
                     {}, AdvisorConfig{}, 2, {}};
  // Earlier runs: stage time = 300 + 50 x waves + 20 x MB spilled per task, where a task wants 16
  // bytes of memory per byte it reads and may use 614 MB (1g x 0.6): two partitions spill heavily.
  const double taskMemory = 1024.0 * 1024 * 1024 * 0.6;
  int64_t start = 0;
  for (int64_t partitions : {2, 4, 8, 16, 32}) {
    double perTask = 100.0 * kMb / static_cast<double>(partitions);
    double spilledMb = std::max(0.0, 16 * perTask - taskMemory) / kMb;
    double ms = 300 + 50 * static_cast<double>(partitions / 2) + 20 * spilledMb;
    RunRecord run;
    run.appId = "run-" + std::to_string(partitions);
    run.startTimeMs = start += 1000;
    run.succeeded = run.completed = true;
    run.wallMs = static_cast<int64_t>(ms) + 500;
    run.profile = profile;
    run.profile.steps["agg"].partitions = partitions;
    run.stages["agg"] = StageRun{partitions, 100 * kMb, ms, static_cast<int64_t>(spilledMb * kMb * partitions), 16.0,
                                 static_cast<int64_t>(taskMemory), 2};
    input.history.push_back(run);
  }
  Advice advice = advise(input);
  const Change* change = changeOf(advice, "steps.agg.partitions");
  REQUIRE(change);
  CHECK(change->to == "4");
  CHECK(change->rule == "history");
  CHECK(change->reason.find("cost model fitted over 6 runs") != std::string::npos);
}

TEST_CASE("a skewed step is salted on the keys its sketch shows above a fair share", "[advisor][salting]") {
  core::Profile profile;
  profile.shufflePartitions = 4;
  AdvisorInput input{runtimeApp(4, 100, 40 * kMb, 1.0, profile),
                     {stageFinding("task-duration-skew", 1, analyzers::Severity::kSevere, {"salt_hot_key", "increase_partitions"})},
                     {}, AdvisorConfig{}, 2, {}};
  input.measured.stages[1].tasks[0].durationMs = 2000;
  input.measured.app.shuffleKeys = {{0, 0, "42", 500'000, 25 * kMb}, {0, 0, "7", 1'000, 2 * kMb}, {0, 0, "9", 900, 1 * kMb}};
  Advice advice = advise(input);
  const Change* change = changeOf(advice, "steps.agg.salting");
  REQUIRE(change);
  const core::StepOverride* step = advice.profile.stepOverride("agg");
  REQUIRE(step);
  REQUIRE(step->salting);
  CHECK(step->salting->keys == std::vector<std::string>{"42"});
  CHECK(step->salting->buckets >= 4);
  CHECK(change->evidence["hot_keys"][0]["key"] == "42");
}

TEST_CASE("an executor killed for its memory limit gets a limit above what it used", "[advisor][memory]") {
  core::Profile profile;
  profile.executorMemoryBytes = 192LL << 20;
  profile.memoryOverheadBytes = 32LL << 20;
  AdvisorInput input{runtimeApp(4, 100, 40 * kMb, 1.0, profile),
                     {stageFinding("lost-executor", 1, analyzers::Severity::kCritical, {"increase_memory_overhead", "increase_executor_memory"})},
                     {}, AdvisorConfig{}, 2, {}};
  input.measured.succeeded = false;
  input.measured.memoryKills = {MemoryKill{"1", 224LL << 20, 240LL << 20}};
  Advice advice = advise(input);
  CHECK_FALSE(advice.converged);
  int64_t limit = advice.profile.executorMemoryBytes + advice.profile.memoryOverheadBytes;
  CHECK(limit >= static_cast<int64_t>(240.0 * (1 << 20) * 1.25));
  CHECK(changeOf(advice, "executor_memory"));  // the runtime's pool grows with it

  // Limits that allow no more memory: nothing to propose, and the advice says why.
  input.config.limits.maxMemoryOverheadBytes = 32LL << 20;
  input.config.limits.maxExecutorMemoryBytes = 192LL << 20;
  Advice blocked = advise(input);
  CHECK(blocked.changes.empty());
  REQUIRE_FALSE(blocked.blocked.empty());
  CHECK(blocked.blocked.front().find("limits.max_executor_memory") != std::string::npos);
}

TEST_CASE("an app without moderate findings gets no advice", "[advisor]") {
  core::Profile profile;
  AdvisorInput input{runtimeApp(4, 100, 40 * kMb, 1.0, profile),
                     {stageFinding("tiny-shuffle-partitions", 1, analyzers::Severity::kLow, {"decrease_partitions"})},
                     {}, AdvisorConfig{}, 2, {}};
  Advice advice = advise(input);
  CHECK(advice.changes.empty());
  CHECK(advice.converged);
  CHECK(advice.prediction.wallS == Approx(advice.prediction.currentWallS));
}

TEST_CASE("a count_distinct's hot key is salted only when salting splits its set", "[advisor][salting]") {
  core::Profile profile;
  profile.shufflePartitions = 4;
  auto adviseWith = [&](std::vector<core::AggregateCallSpec> calls) {
    AdvisorInput input{runtimeApp(4, 100, 40 * kMb, 1.0, profile),
                       {stageFinding("hot-key", 1, analyzers::Severity::kSevere, {"salt_hot_key"})},
                       {}, AdvisorConfig{}, 2, {}};
    input.measured.stages[1].tasks[0].durationMs = 2000;
    input.measured.app.shuffleKeys = {{0, 0, "1", 8, 25 * kMb}, {0, 0, "7", 1'000, 2 * kMb}};
    core::JobSpec job;
    core::StepSpec& step = job.steps.emplace_back();
    step.kind = core::StepKind::kAggregate;
    step.stableName = "agg";
    step.keys = {{"app_id", {}}};
    step.calls = std::move(calls);
    input.job = job;
    return advise(input);
  };
  using core::AggregateFunctionName;
  // One count_distinct and no avg: the runtime salts by the counted value, which splits the set.
  Advice splits = adviseWith({{AggregateFunctionName::kCountDistinct, {"device", {}}, "devices", {}},
                              {AggregateFunctionName::kCount, {"", {}}, "logins", {}}});
  CHECK(changeOf(splits, "steps.agg.salting"));
  // An avg alongside: the last round would still union key 1's whole set in one task.
  Advice whole = adviseWith({{AggregateFunctionName::kCountDistinct, {"device", {}}, "devices", {}},
                             {AggregateFunctionName::kAvg, {"ms", {}}, "avg_ms", {}}});
  CHECK_FALSE(changeOf(whole, "steps.agg.salting"));
  bool noted = false;
  for (const std::string& note : whole.notes) noted = noted || note.find("salting would not split its hot key") != std::string::npos;
  CHECK(noted);
}

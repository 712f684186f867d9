#include "analyzers/app_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>

#include "analyzers/task_metrics.h"
#include "collector/store.h"
#include "core/errors.h"
#include "core/task_summary.h"

namespace jobtuner::analyzers {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMsPerHour = 3'600'000.0;
constexpr size_t kMaxFailureLines = 1000;  // distinct failure texts kept per stage attempt

/// "ExecutorLostFailure ... (12 tasks)": the most common failure of a stage attempt.
std::string topFailure(const std::map<std::string, int64_t>& lines) {
  auto top = std::max_element(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  if (top == lines.end()) return "";
  return fmt::format("{} ({} task{})", top->first, top->second, top->second == 1 ? "" : "s");
}

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : kNaN; }

/// Fills a scope's fields by name, so the order lives in scope_fields.cpp alone.
class FieldSetter {
 public:
  explicit FieldSetter(Scope& scope) : scope_(scope) {
    scope_.fields.assign(scopeFields(scope.where.kind).size(), Value::unknown());
    std::span<const FieldInfo> fields = scopeFields(scope.where.kind);
    for (size_t i = 0; i < fields.size(); ++i) {
      // Unknown strings read as "", unknown booleans as false; unknown numbers stay NaN.
      if (fields[i].type.kind == ValueKind::kString) scope_.fields[i] = Value::ofString("");
      if (fields[i].type.kind == ValueKind::kBool) scope_.fields[i] = Value::ofBool(false);
    }
  }
  FieldSetter& operator()(std::string_view name, double value) { return set(name, Value::ofNumber(value)); }
  FieldSetter& operator()(std::string_view name, int64_t value) { return set(name, Value::ofNumber(static_cast<double>(value))); }
  FieldSetter& operator()(std::string_view name, bool value) { return set(name, Value::ofBool(value)); }
  FieldSetter& operator()(std::string_view name, std::string value) { return set(name, Value::ofString(std::move(value))); }

 private:
  FieldSetter& set(std::string_view name, Value value) {
    std::optional<size_t> index = findScopeField(scope_.where.kind, name);
    if (!index) throw std::logic_error(fmt::format("no field {} in scope {}", name, toString(scope_.where.kind)));
    scope_.fields[*index] = std::move(value);
    return *this;
  }
  Scope& scope_;
};

struct StageCounts {
  int64_t attempts = 0;
  int64_t failed = 0;
  int64_t killed = 0;
  int64_t fetchFailures = 0;
  int64_t speculative = 0;
  int64_t taskTimeMs = 0;
  int64_t shuffleBytesWritten = 0;
  int64_t maxShuffleBytesRead = 0;  // the largest partition's bytes
  int64_t lastFinishMs = 0;
  std::map<std::string, int64_t> failureLines;  // first line of a failure message -> attempts
  std::vector<uint32_t> rows;
};

struct ExecutorCounts {
  int64_t attempts = 0;
  int64_t failed = 0;
  int64_t taskTimeMs = 0;
  std::vector<uint32_t> rows;
};

/// The length of the union of [start, end) intervals.
int64_t coveredMs(std::vector<std::pair<int64_t, int64_t>>& intervals) {
  std::sort(intervals.begin(), intervals.end());
  int64_t covered = 0;
  int64_t reach = std::numeric_limits<int64_t>::min();
  for (auto [start, end] : intervals) {
    if (end <= start) continue;
    if (start >= reach) {
      covered += end - start;
      reach = end;
    } else if (end > reach) {
      covered += end - reach;
      reach = end;
    }
  }
  return covered;
}

std::optional<int64_t> peakMetric(const core::Executor& executor, std::string_view name) {
  if (!executor.peakMetrics) return std::nullopt;
  const auto& names = core::executorMetricNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (name == names[i]) return executor.peakMetrics->values[i];
  }
  return std::nullopt;
}

bool isStageWithoutRecord(const core::StageAttempt& stage) {
  return stage.name.empty() && stage.submissionTimeMs == 0 && stage.completionTimeMs == 0;
}

}  // namespace

const Value& Scope::field(std::string_view name) const {
  std::optional<size_t> index = findScopeField(where.kind, name);
  if (!index) throw std::logic_error(fmt::format("no field {}", name));
  return fields[*index];
}

std::vector<const Scope*> AppSummary::scopesOf(ScopeKind kind) const {
  std::vector<const Scope*> scopes;
  auto addAll = [&](const std::vector<Scope>& list) {
    for (const Scope& scope : list) scopes.push_back(&scope);
  };
  switch (kind) {
    case ScopeKind::kApp: scopes.push_back(&appScope); break;
    case ScopeKind::kJob: addAll(jobs); break;
    case ScopeKind::kStage: addAll(stages); break;
    case ScopeKind::kExecutor: addAll(executors); break;
  }
  return scopes;
}

std::unique_ptr<AppSummary> summarizeApp(const collector::Store& store, const std::string& appId,
                                         const std::string& attemptId, const std::vector<bool>& usedMetrics,
                                         const RemovalCatalog& removals) {
  std::optional<core::AppAttempt> loaded = store.loadApp(appId, attemptId);
  if (!loaded) {
    throw core::UserError(fmt::format("no app '{}'{} in the store {}", appId,
                                      attemptId.empty() ? "" : " attempt " + attemptId, store.path().string()),
                          "list the stored apps with: jobtuner apps");
  }
  auto summary = std::make_unique<AppSummary>();
  summary->app = std::move(*loaded);
  const core::AppAttempt& app = summary->app;
  for (const auto& [key, value] : app.environment.sparkProperties) summary->conf[key] = value;
  summary->table = std::make_unique<TaskTable>(usedMetrics);
  TaskTable& table = *summary->table;

  std::map<std::pair<int32_t, int32_t>, size_t> stageIndex;
  for (size_t i = 0; i < app.stages.size(); ++i) stageIndex[{app.stages[i].stageId, app.stages[i].attemptId}] = i;
  std::map<std::string, size_t> executorIndex;
  for (size_t i = 0; i < app.executors.size(); ++i) executorIndex[app.executors[i].executorId] = i;

  std::vector<StageCounts> stageCounts(app.stages.size());
  std::vector<ExecutorCounts> executorCounts(app.executors.size());
  std::vector<uint32_t> appRows;
  std::vector<std::pair<int64_t, int64_t>> busy;
  int64_t attempts = 0, failed = 0, killed = 0, unended = 0, withoutStage = 0, taskTimeMs = 0;
  int64_t lastEventMs = std::max(app.endTimeMs, app.startTimeMs);

  // Growing these by doubling would copy them and fault in their pages twice over.
  auto expectedTasks = static_cast<size_t>(std::max<int64_t>(0, store.taskCount(app.appId, app.attemptId)));
  table.reserve(expectedTasks);
  appRows.reserve(expectedTasks);
  busy.reserve(expectedTasks);
  store.forEachTaskForAnalysis(app.appId, app.attemptId, [&](const core::TaskAttempt& task) {
    ++attempts;
    failed += task.status == core::TaskStatus::Failed ? 1 : 0;
    killed += task.status == core::TaskStatus::Killed ? 1 : 0;
    unended += task.status == core::TaskStatus::Running ? 1 : 0;
    int64_t duration = task.durationMs();
    if (task.finishTimeMs > 0) {
      taskTimeMs += duration;
      busy.emplace_back(task.launchTimeMs, task.finishTimeMs);
      lastEventMs = std::max(lastEventMs, task.finishTimeMs);
    }
    std::optional<uint32_t> row;
    if (core::countsForTaskSummary(task)) {
      row = table.add(task);
      appRows.push_back(*row);
    }
    auto stage = stageIndex.find({task.stageId, task.stageAttemptId});
    if (stage != stageIndex.end()) {
      StageCounts& counts = stageCounts[stage->second];
      ++counts.attempts;
      counts.failed += task.status == core::TaskStatus::Failed ? 1 : 0;
      counts.killed += task.status == core::TaskStatus::Killed ? 1 : 0;
      counts.fetchFailures += task.endReason == "FetchFailed" ? 1 : 0;
      counts.speculative += task.speculative ? 1 : 0;
      counts.taskTimeMs += duration;
      counts.lastFinishMs = std::max(counts.lastFinishMs, task.finishTimeMs);
      if (task.status == core::TaskStatus::Failed && counts.failureLines.size() < kMaxFailureLines) {
        std::string line = task.failureMessage.substr(0, task.failureMessage.find('\n'));
        if (line.empty()) line = task.endReason;
        ++counts.failureLines[line.substr(0, 200)];
      }
      if (row) {
        counts.rows.push_back(*row);
        counts.shuffleBytesWritten += task.metrics.shuffleBytesWritten;
        counts.maxShuffleBytesRead = std::max(counts.maxShuffleBytesRead, task.metrics.shuffleReadBytes());
      }
      if (isStageWithoutRecord(app.stages[stage->second])) ++withoutStage;
    } else {
      ++withoutStage;
    }
    auto executor = executorIndex.find(task.executorId);
    if (executor != executorIndex.end()) {
      ExecutorCounts& counts = executorCounts[executor->second];
      ++counts.attempts;
      counts.failed += task.status == core::TaskStatus::Failed ? 1 : 0;
      counts.taskTimeMs += duration;
      if (row) counts.rows.push_back(*row);
    }
  });
  for (const core::StageAttempt& stage : app.stages) lastEventMs = std::max(lastEventMs, stage.completionTimeMs);
  int64_t appEndMs = app.endTimeMs > 0 ? app.endTimeMs : lastEventMs;
  int64_t durationMs = std::max<int64_t>(0, appEndMs - app.startTimeMs);

  summary->appScope.where.kind = ScopeKind::kApp;
  summary->appScope.tasks = ScopeTasks(&table, std::move(appRows));
  const ScopeTasks* appTasks = &summary->appScope.tasks;

  // Executors: when they lived, what they were removed for.
  auto executorEndMs = [&](const core::Executor& executor) {
    return executor.removeTimeMs > 0 ? executor.removeTimeMs : appEndMs;
  };
  int64_t lostExecutors = 0, memoryKilled = 0, coreTimeAvailableMs = 0;
  double peakHeap = kNaN;
  std::vector<std::pair<int64_t, int>> coreChanges;
  for (size_t i = 0; i < app.executors.size(); ++i) {
    const core::Executor& executor = app.executors[i];
    bool removed = executor.removeTimeMs > 0 || !executor.removeReason.empty();
    RemovalClass removal = removals.classify(executor.removeReason, removed);
    lostExecutors += isLoss(removal) ? 1 : 0;
    memoryKilled += removal == RemovalClass::kMemoryLimit ? 1 : 0;
    int64_t aliveMs = std::max<int64_t>(0, executorEndMs(executor) - executor.addTimeMs);
    coreTimeAvailableMs += aliveMs * executor.totalCores;
    coreChanges.emplace_back(executor.addTimeMs, executor.totalCores);
    coreChanges.emplace_back(executorEndMs(executor), -executor.totalCores);

    Scope& scope = summary->executors.emplace_back();
    scope.where.kind = ScopeKind::kExecutor;
    scope.where.executorId = executor.executorId;
    ExecutorCounts& counts = executorCounts[i];
    scope.tasks = ScopeTasks(&table, std::move(counts.rows), appTasks);
    auto peak = [&](std::string_view name) {
      std::optional<int64_t> value = peakMetric(executor, name);
      return value && *value > 0 ? static_cast<double>(*value) : kNaN;
    };
    double heap = peak("JVMHeapMemory");
    if (!std::isnan(heap) && (std::isnan(peakHeap) || heap > peakHeap)) peakHeap = heap;
    FieldSetter{scope}("executor_id", executor.executorId)("host", executor.host)(
        "cores", static_cast<int64_t>(executor.totalCores))("alive_ms", aliveMs)("task_time_ms", counts.taskTimeMs)(
        "busy_share", ratio(static_cast<double>(counts.taskTimeMs), static_cast<double>(aliveMs) * executor.totalCores))(
        "task_attempts", counts.attempts)("failed_tasks", counts.failed)("removed", removed)("lost", isLoss(removal))(
        "removal_class", std::string(toString(removal)))("removal_reason", executor.removeReason)(
        "storage_memory_bytes", executor.maxMemoryBytes > 0 ? static_cast<double>(executor.maxMemoryBytes) : kNaN)(
        "peak_jvm_heap_bytes", peak("JVMHeapMemory"))("peak_rss_bytes", peak("ProcessTreeJVMRSSMemory"));
  }
  std::sort(coreChanges.begin(), coreChanges.end());  // removals (negative) before additions at one instant
  int64_t cores = 0, peakCores = 0;
  for (auto [time, change] : coreChanges) {
    cores += change;
    peakCores = std::max(peakCores, cores);
  }

  // Stage attempts. A shuffle's bytes are what every attempt of its map stage wrote.
  std::map<int32_t, int64_t> bytesWrittenByStage;
  for (size_t i = 0; i < app.stages.size(); ++i) bytesWrittenByStage[app.stages[i].stageId] += stageCounts[i].shuffleBytesWritten;
  int64_t failedStages = 0, unendedStages = 0;
  for (size_t i = 0; i < app.stages.size(); ++i) {
    const core::StageAttempt& stage = app.stages[i];
    StageCounts& counts = stageCounts[i];
    bool stageFailed = stage.status == core::StageStatus::Failed;
    failedStages += stageFailed ? 1 : 0;
    bool active = stage.status == core::StageStatus::Active || (stage.submissionTimeMs > 0 && stage.completionTimeMs == 0);
    unendedStages += app.completed && active ? 1 : 0;
    int64_t startMs = stage.submissionTimeMs > 0 ? stage.submissionTimeMs : stage.firstTaskLaunchedTimeMs;
    int64_t endMs = stage.completionTimeMs > 0 ? stage.completionTimeMs : counts.lastFinishMs;
    double stageDuration = startMs > 0 && endMs >= startMs ? static_cast<double>(endMs - startMs) : kNaN;
    int64_t stageCores = 0, stageExecutors = 0;
    for (const core::Executor& executor : app.executors) {
      bool alive = executor.addTimeMs <= (endMs > 0 ? endMs : appEndMs) && executorEndMs(executor) >= startMs;
      if (alive) {
        stageCores += executor.totalCores;
        ++stageExecutors;
      }
    }

    Scope& scope = summary->stages.emplace_back();
    scope.where.kind = ScopeKind::kStage;
    scope.where.stageId = stage.stageId;
    scope.where.stageAttempt = stage.attemptId;
    scope.where.stageName = stage.runtimeStageName.empty() ? stage.name : stage.runtimeStageName;
    if (!stage.jobIds.empty()) scope.where.jobId = stage.jobIds.front();
    scope.tasks = ScopeTasks(&table, std::move(counts.rows), appTasks);

    // The heaviest key of the shuffles this stage reads (the runtime's key sketches), by bytes: a
    // partial aggregate writes one row per key and map task, however much that row carries.
    std::string hotKey, hotKeyNote;
    double hotKeyRecords = kNaN, hotKeyBytes = kNaN, hotKeyShare = kNaN, hotKeyPartitionShare = kNaN;
    for (const core::ShuffleKey& key : app.shuffleKeys) {
      bool parent = std::find(stage.parentIds.begin(), stage.parentIds.end(), key.stageId) != stage.parentIds.end();
      if (!parent || (!std::isnan(hotKeyBytes) && static_cast<double>(key.bytes) <= hotKeyBytes)) continue;
      hotKey = key.key;
      hotKeyRecords = static_cast<double>(key.records);
      hotKeyBytes = static_cast<double>(key.bytes);
      // The sketch's bytes are an estimate of the serialized rows: capped.
      hotKeyShare = std::min(1.0, ratio(hotKeyBytes, static_cast<double>(bytesWrittenByStage[key.stageId])));
    }
    if (!hotKey.empty()) {
      // Sketch counts are lower bounds and may cover several shuffles the stage reads: capped.
      hotKeyPartitionShare = std::min(1.0, ratio(hotKeyBytes, static_cast<double>(counts.maxShuffleBytesRead)));
      hotKeyNote = std::isnan(hotKeyShare)
                       ? fmt::format(" Its heaviest key is '{}' ({} rows).", hotKey, static_cast<int64_t>(hotKeyRecords))
                       : fmt::format(" Its heaviest key, '{}', holds {:.0f}% of the shuffle's bytes", hotKey, hotKeyShare * 100);
      if (!std::isnan(hotKeyShare)) {
        hotKeyNote += std::isnan(hotKeyPartitionShare)
                          ? "."
                          : fmt::format(" and {:.0f}% of its largest partition's.", hotKeyPartitionShare * 100);
      }
    }
    FieldSetter{scope}("stage_id", static_cast<int64_t>(stage.stageId))("stage_attempt", static_cast<int64_t>(stage.attemptId))(
        "name", scope.where.stageName)("declared_tasks", static_cast<int64_t>(stage.numTasks))(
        "task_attempts", counts.attempts)("failed_tasks", counts.failed)("killed_tasks", counts.killed)(
        "fetch_failures", counts.fetchFailures)("speculative_tasks", counts.speculative)("failed", stageFailed)(
        "failure_reason", stage.failureReason)("duration_ms", stageDuration)("task_time_ms", counts.taskTimeMs)(
        "executors", stageExecutors)("cores", stageCores)(
        "ideal_duration_ms", ratio(static_cast<double>(counts.taskTimeMs), static_cast<double>(stageCores)))(
        "hot_key", hotKey)("hot_key_records", hotKeyRecords)("hot_key_share", hotKeyShare)(
        "hot_key_partition_share", hotKeyPartitionShare)("hot_key_note", hotKeyNote)(
        "top_failure", topFailure(counts.failureLines));
  }

  // Jobs, and each job's longest chain of dependent stages (Sparklens' critical path).
  int64_t failedJobs = 0;
  double criticalPathStagesMs = 0;
  for (const core::Job& job : app.jobs) {
    bool jobFailed = job.status == core::JobStatus::Failed;
    failedJobs += jobFailed ? 1 : 0;
    std::map<int32_t, double> stageCost;  // stage id -> summed attempt durations
    std::map<int32_t, const core::StageAttempt*> stageOf;
    std::vector<uint32_t> rows;
    int64_t jobAttempts = 0, jobFailedTasks = 0, jobStages = 0;
    for (size_t i = 0; i < app.stages.size(); ++i) {
      const core::StageAttempt& stage = app.stages[i];
      if (std::find(stage.jobIds.begin(), stage.jobIds.end(), job.jobId) == stage.jobIds.end()) continue;
      ++jobStages;
      const Scope& stageScope = summary->stages[i];
      double duration = stageScope.field("duration_ms").number;
      stageCost[stage.stageId] += std::isnan(duration) ? 0 : duration;
      stageOf[stage.stageId] = &stage;
      rows.insert(rows.end(), stageScope.tasks.rows().begin(), stageScope.tasks.rows().end());
      jobAttempts += stageCounts[i].attempts;
      jobFailedTasks += stageCounts[i].failed;
    }
    std::map<int32_t, double> longest;
    std::function<double(int32_t)> chain = [&](int32_t stageId) -> double {
      auto known = longest.find(stageId);
      if (known != longest.end()) return known->second;
      longest[stageId] = 0;  // a cycle in a damaged log ends here
      double best = 0;
      for (int32_t parent : stageOf[stageId]->parentIds) {
        if (stageOf.count(parent)) best = std::max(best, chain(parent));
      }
      return longest[stageId] = best + stageCost[stageId];
    };
    double jobPath = 0;
    for (const auto& [stageId, stage] : stageOf) jobPath = std::max(jobPath, chain(stageId));
    criticalPathStagesMs += jobPath;

    Scope& scope = summary->jobs.emplace_back();
    scope.where.kind = ScopeKind::kJob;
    scope.where.jobId = job.jobId;
    std::sort(rows.begin(), rows.end());
    scope.tasks = ScopeTasks(&table, std::move(rows), appTasks);
    double jobDuration = job.submissionTimeMs > 0 && job.completionTimeMs >= job.submissionTimeMs
                             ? static_cast<double>(job.completionTimeMs - job.submissionTimeMs)
                             : kNaN;
    FieldSetter{scope}("job_id", static_cast<int64_t>(job.jobId))("duration_ms", jobDuration)("stages", jobStages)(
        "task_attempts", jobAttempts)("failed_tasks", jobFailedTasks)("failed", jobFailed);
  }

  // The app.
  int64_t busyMs = coveredMs(busy);
  int64_t driverTimeMs = std::max<int64_t>(0, durationMs - busyMs);
  int64_t skippedLines = 0;
  for (const collector::IngestedFile& file : store.listFiles()) {
    if (file.appId == app.appId && file.attemptId == app.attemptId && file.status == "kept") skippedLines += file.warnings;
  }
  double idealMs = peakCores > 0 ? static_cast<double>(driverTimeMs) + static_cast<double>(taskTimeMs) / peakCores : kNaN;
  FieldSetter{summary->appScope}("is_spark", app.source == core::AppSource::Spark)(
      "is_runtime", app.source == core::AppSource::Runtime)("completed", app.completed)("duration_ms", durationMs)(
      "jobs", static_cast<int64_t>(app.jobs.size()))("stages", static_cast<int64_t>(app.stages.size()))(
      "task_attempts", attempts)("failed_tasks", failed)("killed_tasks", killed)("failed_stages", failedStages)(
      "failed_jobs", failedJobs)("executors", static_cast<int64_t>(app.executors.size()))("cores", peakCores)(
      "lost_executors", lostExecutors)("memory_killed_executors", memoryKilled)(
      "core_time_available_ms", coreTimeAvailableMs)("task_time_ms", taskTimeMs)(
      "idle_core_share", coreTimeAvailableMs > 0
                             ? std::max(0.0, 1.0 - static_cast<double>(taskTimeMs) / static_cast<double>(coreTimeAvailableMs))
                             : kNaN)(
      "wasted_core_hours", std::max<int64_t>(0, coreTimeAvailableMs - taskTimeMs) / kMsPerHour)(
      "driver_time_ms", driverTimeMs)("driver_time_share", ratio(static_cast<double>(driverTimeMs), static_cast<double>(durationMs)))(
      "critical_path_ms", std::min(static_cast<double>(durationMs), static_cast<double>(driverTimeMs) + criticalPathStagesMs))(
      "ideal_duration_ms", idealMs)("tasks_without_stage", withoutStage)("unended_stages", unendedStages)(
      "unended_tasks", app.completed ? unended : int64_t{0})("skipped_lines", skippedLines)("peak_jvm_heap_bytes", peakHeap);
  return summary;
}

}  // namespace jobtuner::analyzers

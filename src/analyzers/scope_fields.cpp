#include "analyzers/scope_fields.h"

#include <array>

namespace jobtuner::analyzers {

namespace {

constexpr ValueType kNumber = {ValueKind::kNumber, Unit::kNone};
constexpr ValueType kMs = {ValueKind::kNumber, Unit::kMs};
constexpr ValueType kBytes = {ValueKind::kNumber, Unit::kBytes};
constexpr ValueType kBool = {ValueKind::kBool, Unit::kNone};
constexpr ValueType kString = {ValueKind::kString, Unit::kNone};

const FieldInfo kAppFields[] = {
    {"is_spark", kBool, "the app came from a Spark event log or History Server"},
    {"is_runtime", kBool, "the app is a run of jobtuner's own runtime"},
    {"completed", kBool, "the log ends with ApplicationEnd"},
    {"duration_ms", kMs, "start to end of the app (to its last recorded event when it has no end)"},
    {"jobs", kNumber, "jobs"},
    {"stages", kNumber, "stage attempts"},
    {"task_attempts", kNumber, "task attempts of every outcome"},
    {"failed_tasks", kNumber, "task attempts that failed"},
    {"killed_tasks", kNumber, "task attempts that were killed"},
    {"failed_stages", kNumber, "stage attempts that failed"},
    {"failed_jobs", kNumber, "jobs that failed"},
    {"executors", kNumber, "executors ever added"},
    {"cores", kNumber, "the most executor cores alive at once"},
    {"lost_executors", kNumber, "executors lost against the app's will (memory kills, lost processes or nodes, heartbeat timeouts, preemption)"},
    {"memory_killed_executors", kNumber, "executors killed for exceeding their memory limit"},
    {"core_time_available_ms", kMs, "executor cores times the time they were alive"},
    {"task_time_ms", kMs, "the summed durations of every task attempt"},
    {"idle_core_share", kNumber, "the share of available core time no task used"},
    {"wasted_core_hours", kNumber, "available core time no task used, in hours"},
    {"driver_time_ms", kMs, "time with no task running: driver-side work and scheduling gaps"},
    {"driver_time_share", kNumber, "driver_time_ms / duration_ms"},
    {"critical_path_ms", kMs, "driver time plus each job's longest chain of dependent stages (Sparklens)"},
    {"ideal_duration_ms", kMs, "driver time plus all task time spread over every core (Sparklens' ideal)"},
    {"tasks_without_stage", kNumber, "task ends whose stage attempt has no StageSubmitted or StageCompleted"},
    {"unended_stages", kNumber, "stage attempts still active although the app ended"},
    {"unended_tasks", kNumber, "task attempts never ended although the app ended"},
    {"skipped_lines", kNumber, "log lines the collector could not read"},
    {"peak_jvm_heap_bytes", kBytes, "the highest JVM heap use of any executor (Spark's executor metrics)"},
};

const FieldInfo kJobFields[] = {
    {"job_id", kNumber, "the job's id"},
    {"duration_ms", kMs, "submission to completion"},
    {"stages", kNumber, "stage attempts of the job"},
    {"task_attempts", kNumber, "task attempts of every outcome"},
    {"failed_tasks", kNumber, "task attempts that failed"},
    {"failed", kBool, "the job failed"},
};

const FieldInfo kStageFields[] = {
    {"stage_id", kNumber, "the stage's id"},
    {"stage_attempt", kNumber, "the attempt number (0 for the first)"},
    {"name", kString, "the stage's name (the runtime's stable step name where it has one)"},
    {"declared_tasks", kNumber, "the partitions the stage was submitted with"},
    {"task_attempts", kNumber, "task attempts of every outcome"},
    {"failed_tasks", kNumber, "task attempts that failed"},
    {"killed_tasks", kNumber, "task attempts that were killed"},
    {"fetch_failures", kNumber, "task attempts that ended in FetchFailed"},
    {"speculative_tasks", kNumber, "speculative task attempts"},
    {"failed", kBool, "the stage attempt failed"},
    {"failure_reason", kString, "why it failed, as the log says"},
    {"top_failure", kString, "the most common first line of its task failures, with its count"},
    {"duration_ms", kMs, "submission to completion of the stage attempt"},
    {"task_time_ms", kMs, "summed durations of its task attempts"},
    {"executors", kNumber, "executors alive while the stage ran"},
    {"cores", kNumber, "executor cores alive while the stage ran"},
    {"ideal_duration_ms", kMs, "task_time_ms spread evenly over the cores"},
    {"hot_key", kString, "runtime apps: the heaviest key (by bytes) of the shuffle the stage reads"},
    {"hot_key_records", kNumber, "runtime apps: rows of the heaviest key"},
    {"hot_key_share", kNumber, "runtime apps: the heaviest key's share of the shuffle's bytes"},
    {"hot_key_partition_share", kNumber, "runtime apps: the heaviest key's bytes over the largest partition's bytes"},
    {"hot_key_note", kString, "runtime apps: a sentence naming the heaviest key and its share; empty otherwise"},
};

const FieldInfo kExecutorFields[] = {
    {"executor_id", kString, "the executor's id"},
    {"host", kString, "its host"},
    {"cores", kNumber, "its cores"},
    {"alive_ms", kMs, "added to removed (or to the app's end)"},
    {"task_time_ms", kMs, "summed durations of its task attempts"},
    {"busy_share", kNumber, "task_time_ms / (alive_ms * cores)"},
    {"task_attempts", kNumber, "task attempts of every outcome"},
    {"failed_tasks", kNumber, "task attempts that failed"},
    {"removed", kBool, "the executor was removed before the app ended"},
    {"lost", kBool, "removed against the app's will (see removal_class)"},
    {"removal_class", kString, "memory_limit, lost_process, lost_node, heartbeat_timeout, preempted, dynamic_allocation, decommissioned, shutdown, unknown or not_removed"},
    {"removal_reason", kString, "the removal reason as the log words it"},
    {"storage_memory_bytes", kBytes, "the block manager's memory (Spark's storage + execution pool)"},
    {"peak_jvm_heap_bytes", kBytes, "the highest JVM heap use Spark saw (executor metrics)"},
    {"peak_rss_bytes", kBytes, "the highest resident memory of its process tree Spark saw"},
};

}  // namespace

const char* toString(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kApp: return "app";
    case ScopeKind::kJob: return "job";
    case ScopeKind::kStage: return "stage";
    case ScopeKind::kExecutor: return "executor";
  }
  return "app";
}

std::optional<ScopeKind> parseScopeKind(std::string_view text) {
  for (ScopeKind kind : {ScopeKind::kApp, ScopeKind::kJob, ScopeKind::kStage, ScopeKind::kExecutor}) {
    if (text == toString(kind)) return kind;
  }
  return std::nullopt;
}

const std::vector<std::string>& scopeKindNames() {
  static const std::vector<std::string> kNames = {"app", "job", "stage", "executor"};
  return kNames;
}

std::span<const FieldInfo> scopeFields(ScopeKind kind) {
  switch (kind) {
    case ScopeKind::kApp: return kAppFields;
    case ScopeKind::kJob: return kJobFields;
    case ScopeKind::kStage: return kStageFields;
    case ScopeKind::kExecutor: return kExecutorFields;
  }
  return {};
}

std::optional<size_t> findScopeField(ScopeKind kind, std::string_view name) {
  std::span<const FieldInfo> fields = scopeFields(kind);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> scopeFieldNames(ScopeKind kind) {
  std::vector<std::string> names;
  for (const FieldInfo& field : scopeFields(kind)) names.emplace_back(field.name);
  return names;
}

}  // namespace jobtuner::analyzers

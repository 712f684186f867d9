#include "analyzers/task_metrics.h"

#include <array>

namespace jobtuner::analyzers {

namespace {

using core::TaskAttempt;

// Spark's AppStatusUtils definitions, as the store's task_metrics view derives them.
int64_t gettingResultTimeMs(const TaskAttempt& task) {
  if (task.finishTimeMs <= 0 || task.gettingResultTimeMs <= 0) return 0;
  return core::wrappingSubtract(task.finishTimeMs, task.gettingResultTimeMs);
}

int64_t schedulerDelayMs(const TaskAttempt& task) {
  if (!task.metrics.hasMetrics || task.finishTimeMs <= 0) return 0;
  const core::TaskMetrics& m = task.metrics;
  int64_t delay = task.durationMs() - m.executorRunTimeMs - m.executorDeserializeTimeMs -
                  m.resultSerializationTimeMs - gettingResultTimeMs(task);
  return delay > 0 ? delay : 0;
}

const std::array<TaskMetricInfo, 25> kMetrics = {{
    {"duration_ms", Unit::kMs, "launch to finish of the task attempt",
     [](const TaskAttempt& t) { return t.durationMs(); }},
    {"executor_run_time_ms", Unit::kMs, "time the executor spent running the task",
     [](const TaskAttempt& t) { return t.metrics.executorRunTimeMs; }},
    {"executor_cpu_time_ms", Unit::kMs, "CPU time of the task's thread",
     [](const TaskAttempt& t) { return t.metrics.executorCpuTimeMs(); }},
    {"executor_deserialize_time_ms", Unit::kMs, "time to deserialize the task before running it",
     [](const TaskAttempt& t) { return t.metrics.executorDeserializeTimeMs; }},
    {"result_serialization_time_ms", Unit::kMs, "time to serialize the task's result",
     [](const TaskAttempt& t) { return t.metrics.resultSerializationTimeMs; }},
    {"gc_time_ms", Unit::kMs,
     "JVM garbage collection for Spark; time blocked in the memory manager for jobtuner's runtime",
     [](const TaskAttempt& t) { return t.metrics.jvmGcTimeMs; }},
    {"scheduler_delay_ms", Unit::kMs, "duration not spent running, deserializing or returning results",
     schedulerDelayMs},
    {"getting_result_time_ms", Unit::kMs, "time the driver spent fetching the task's result",
     gettingResultTimeMs},
    {"peak_execution_memory_bytes", Unit::kBytes, "peak memory of the task's shuffles, aggregations and joins",
     [](const TaskAttempt& t) { return t.metrics.peakExecutionMemoryBytes; }},
    {"memory_bytes_spilled", Unit::kBytes, "in-memory size of the data the task spilled",
     [](const TaskAttempt& t) { return t.metrics.memoryBytesSpilled; }},
    {"disk_bytes_spilled", Unit::kBytes, "on-disk size of the data the task spilled",
     [](const TaskAttempt& t) { return t.metrics.diskBytesSpilled; }},
    {"input_bytes", Unit::kBytes, "bytes read from the task's input", [](const TaskAttempt& t) { return t.metrics.inputBytes; }},
    {"input_records", Unit::kNone, "records read from the task's input",
     [](const TaskAttempt& t) { return t.metrics.inputRecords; }},
    {"output_bytes", Unit::kBytes, "bytes written to the task's output",
     [](const TaskAttempt& t) { return t.metrics.outputBytes; }},
    {"output_records", Unit::kNone, "records written to the task's output",
     [](const TaskAttempt& t) { return t.metrics.outputRecords; }},
    {"shuffle_remote_bytes_read", Unit::kBytes, "shuffle bytes fetched from other executors",
     [](const TaskAttempt& t) { return t.metrics.shuffleRemoteBytesRead; }},
    {"shuffle_local_bytes_read", Unit::kBytes, "shuffle bytes read from the task's own executor",
     [](const TaskAttempt& t) { return t.metrics.shuffleLocalBytesRead; }},
    {"shuffle_read_bytes", Unit::kBytes, "all shuffle bytes the task read",
     [](const TaskAttempt& t) { return t.metrics.shuffleReadBytes(); }},
    {"shuffle_remote_blocks_fetched", Unit::kNone, "shuffle blocks fetched from other executors",
     [](const TaskAttempt& t) { return t.metrics.shuffleRemoteBlocksFetched; }},
    {"shuffle_local_blocks_fetched", Unit::kNone, "shuffle blocks read locally",
     [](const TaskAttempt& t) { return t.metrics.shuffleLocalBlocksFetched; }},
    {"shuffle_fetch_wait_time_ms", Unit::kMs, "time the task waited for shuffle blocks",
     [](const TaskAttempt& t) { return t.metrics.shuffleFetchWaitTimeMs; }},
    {"shuffle_read_records", Unit::kNone, "shuffle records the task read",
     [](const TaskAttempt& t) { return t.metrics.shuffleRecordsRead; }},
    {"shuffle_write_bytes", Unit::kBytes, "shuffle bytes the task wrote",
     [](const TaskAttempt& t) { return t.metrics.shuffleBytesWritten; }},
    {"shuffle_write_records", Unit::kNone, "shuffle records the task wrote",
     [](const TaskAttempt& t) { return t.metrics.shuffleRecordsWritten; }},
    {"shuffle_write_time_ms", Unit::kMs, "time the task spent writing shuffle files",
     [](const TaskAttempt& t) { return t.metrics.shuffleWriteTimeMs(); }},
}};

}  // namespace

std::span<const TaskMetricInfo> taskMetrics() { return kMetrics; }

std::optional<size_t> findTaskMetric(std::string_view name) {
  for (size_t i = 0; i < kMetrics.size(); ++i) {
    if (kMetrics[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> taskMetricNames() {
  std::vector<std::string> names;
  for (const TaskMetricInfo& metric : kMetrics) names.emplace_back(metric.name);
  return names;
}

}  // namespace jobtuner::analyzers

#include "runtime/event_log_observer.h"

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/profile_writer.h"
#include "runtime/job_preparation.h"

namespace jobtuner::runtime {

using nlohmann::json;

namespace {

/// The Spark version whose event format the runtime writes.
constexpr const char* kSparkFormatVersion = "3.5.1";

json stageInfo(const PlanStage& stage, int attempt) {
  json parents = json::array();
  for (int parent : stage.parents) parents.push_back(parent);
  return {{"Stage ID", stage.id},
          {"Stage Attempt ID", attempt},
          {"Stage Name", stage.name},
          {"Number of Tasks", stage.numTasks},
          {"RDD Info", json::array()},
          {"Parent IDs", parents},
          {"Details", stage.details},
          {"Accumulables", json::array()},
          {"Resource Profile Id", 0}};
}

json taskInfo(const TaskEvent& task, bool finished) {
  return {{"Task ID", task.taskId},
          {"Index", task.index},
          {"Attempt", task.attempt},
          {"Partition ID", task.index},
          {"Launch Time", task.launchMs},
          {"Executor ID", std::to_string(task.executorId)},
          {"Host", "localhost"},
          {"Locality", "PROCESS_LOCAL"},
          {"Speculative", task.speculative},
          {"Getting Result Time", 0},
          {"Finish Time", finished ? task.finishMs : 0},
          {"Failed", finished && !task.succeeded && !task.killed},
          {"Killed", finished && task.killed},
          {"Accumulables", json::array()}};
}

json taskMetrics(const TaskMeasurements& m) {
  return {{"Executor Deserialize Time", m.deserializeMs},
          {"Executor Deserialize CPU Time", m.deserializeCpuNs},
          {"Executor Run Time", m.runMs},
          {"Executor CPU Time", m.cpuNs},
          {"Peak Execution Memory", m.peakExecutionMemoryBytes},
          {"Result Size", m.resultSizeBytes},
          // The runtime has no garbage collector: this is the time spent blocked in its memory manager.
          {"JVM GC Time", m.blockedInMemoryManagerMs},
          {"Result Serialization Time", m.resultSerializationMs},
          {"Memory Bytes Spilled", m.memoryBytesSpilled},
          {"Disk Bytes Spilled", m.diskBytesSpilled},
          {"Shuffle Read Metrics",
           {{"Remote Blocks Fetched", 0},
            {"Local Blocks Fetched", m.shuffleLocalBlocks},
            {"Fetch Wait Time", m.shuffleFetchWaitMs},
            {"Remote Bytes Read", 0},
            {"Remote Bytes Read To Disk", 0},
            {"Local Bytes Read", m.shuffleLocalBytes},
            {"Total Records Read", m.shuffleReadRecords}}},
          {"Shuffle Write Metrics",
           {{"Shuffle Bytes Written", m.shuffleWriteBytes},
            {"Shuffle Write Time", m.shuffleWriteTimeNs},
            {"Shuffle Records Written", m.shuffleWriteRecords}}},
          {"Input Metrics", {{"Bytes Read", m.inputBytes}, {"Records Read", m.inputRecords}}},
          {"Output Metrics", {{"Bytes Written", m.outputBytes}, {"Records Written", m.outputRecords}}},
          {"Updated Blocks", json::array()}};
}

}  // namespace

EventLogObserver::EventLogObserver(std::vector<std::unique_ptr<EventSink>>& sinks, const std::string& appId,
                                   const PreparedJob& job, const core::Profile& profile, int64_t startMs)
    : sinks_(sinks) {
  emit(json{{"Event", "SparkListenerLogStart"}, {"Spark Version", kSparkFormatVersion}}.dump());
  json properties = json::object();
  for (const auto& [key, value] : profile.sparkProperties()) properties[key] = value;
  properties["spark.app.name"] = job.name;
  properties["spark.app.id"] = appId;
  properties["spark.jobtuner.job"] = job.name;
  properties["spark.jobtuner.runtime"] = "true";
  properties["spark.eventLog.enabled"] = "true";
  for (const auto& [key, value] : core::stepOverrideProperties(profile)) properties[key] = value;
  const char* user = std::getenv("USER");
  emit(json{{"Event", "SparkListenerEnvironmentUpdate"},
            {"JVM Information", {{"Java Version", "none (jobtuner native runtime)"}}},
            {"Spark Properties", properties},
            {"Hadoop Properties", json::object()},
            {"System Properties", {{"jobtuner.job.file", std::filesystem::absolute(job.jobFile).string()}}},
            {"Metrics Properties", json::object()},
            {"Classpath Entries", json::object()}}
           .dump());
  emit(json{{"Event", "SparkListenerApplicationStart"},
            {"App Name", job.name},
            {"App ID", appId},
            {"Timestamp", startMs},
            {"User", user ? user : "unknown"}}
           .dump());
  flush();
}

void EventLogObserver::emit(const std::string& line) {
  for (auto& sink : sinks_) sink->write(line);
}

void EventLogObserver::flush() {
  for (auto& sink : sinks_) sink->flush();
}

void EventLogObserver::executorAdded(const ExecutorEvent& event) {
  emit(json{{"Event", "SparkListenerExecutorAdded"},
            {"Timestamp", event.timeMs},
            {"Executor ID", std::to_string(event.executorId)},
            {"Executor Info",
             {{"Host", "localhost"}, {"Total Cores", event.cores}, {"Log Urls", json::object()},
              {"Attributes", json::object()}, {"Resources", json::object()}, {"Resource Profile Id", 0}}}}
           .dump());
  flush();
}

void EventLogObserver::executorRemoved(const ExecutorEvent& event) {
  emit(json{{"Event", "SparkListenerExecutorRemoved"},
            {"Timestamp", event.timeMs},
            {"Executor ID", std::to_string(event.executorId)},
            {"Removed Reason", event.reason}}
           .dump());
  flush();
}

void EventLogObserver::jobStarted(const PhysicalPlan& plan, int64_t timeMs) {
  plan_ = &plan;
  json infos = json::array();
  json ids = json::array();
  for (const PlanStage& stage : plan.stages) {
    infos.push_back(stageInfo(stage, 0));
    ids.push_back(stage.id);
  }
  emit(json{{"Event", "SparkListenerJobStart"},
            {"Job ID", 0},
            {"Submission Time", timeMs},
            {"Stage Infos", infos},
            {"Stage IDs", ids},
            {"Properties", json::object()}}
           .dump());
}

void EventLogObserver::stageSubmitted(const StageEvent& event) {
  json info = stageInfo(*event.stage, event.attempt);
  info["Submission Time"] = event.submittedMs;
  emit(json{{"Event", "SparkListenerStageSubmitted"}, {"Stage Info", info}, {"Properties", json::object()}}.dump());
  flush();
}

void EventLogObserver::taskStarted(const TaskEvent& task) {
  emit(json{{"Event", "SparkListenerTaskStart"},
            {"Stage ID", task.stageId},
            {"Stage Attempt ID", task.stageAttempt},
            {"Task Info", taskInfo(task, false)}}
           .dump());
}

void EventLogObserver::taskEnded(const TaskEvent& task) {
  json reason;
  if (task.succeeded) {
    reason = {{"Reason", "Success"}};
  } else if (task.killed) {
    reason = {{"Reason", "TaskKilled"}, {"Kill Reason", task.failureReason}, {"Accumulator Updates", json::array()}};
  } else if (task.fetchFailure.any()) {
    reason = {{"Reason", "FetchFailed"},
              {"Block Manager Address", {{"Executor ID", "driver"}, {"Host", "localhost"}, {"Port", 0}}},
              {"Shuffle ID", task.fetchFailure.shuffleId},
              {"Map ID", task.fetchFailure.mapId},
              {"Map Index", task.fetchFailure.mapId},
              {"Reduce ID", task.index},
              {"Message", task.fetchFailure.message}};
  } else if (!task.executorLossReason.empty()) {
    reason = {{"Reason", "ExecutorLostFailure"}, {"Executor ID", std::to_string(task.executorId)},
              {"Exit Caused By App", true}, {"Loss Reason", task.executorLossReason}};
  } else {
    reason = {{"Reason", "ExceptionFailure"}, {"Class Name", "jobtuner.TaskFailure"}, {"Description", task.failureReason},
              {"Stack Trace", json::array()}, {"Full Stack Trace", task.failureReason}, {"Accumulator Updates", json::array()}};
  }
  bool resultTask = plan_ && plan_->stage(task.stageId).output.sink;
  emit(json{{"Event", "SparkListenerTaskEnd"},
            {"Stage ID", task.stageId},
            {"Stage Attempt ID", task.stageAttempt},
            {"Task Type", resultTask ? "ResultTask" : "ShuffleMapTask"},
            {"Task End Reason", reason},
            {"Task Info", taskInfo(task, true)},
            {"Task Executor Metrics", json::object()},
            {"Task Metrics", taskMetrics(task.metrics)}}
           .dump());
}

void EventLogObserver::stageCompleted(const StageEvent& event) {
  json info = stageInfo(*event.stage, event.attempt);
  info["Submission Time"] = event.submittedMs;
  info["Completion Time"] = event.completedMs;
  if (!event.failureReason.empty()) info["Failure Reason"] = event.failureReason;
  emit(json{{"Event", "SparkListenerStageCompleted"}, {"Stage Info", info}}.dump());
  flush();
}

void EventLogObserver::keySketch(const PlanStage& stage, const ShuffleSpec& shuffle, const std::vector<KeySketchEntry>& keys) {
  json entries = json::array();
  for (const KeySketchEntry& entry : keys) {
    entries.push_back({{"Key", entry.key}, {"Records", entry.records}, {"Bytes", entry.bytes}});
  }
  emit(json{{"Event", "org.jobtuner.KeySketch"},
            {"Stage ID", stage.id},
            {"Stage Name", stage.name},
            {"Shuffle ID", shuffle.id},
            {"Keys", entries}}
           .dump());
}

void EventLogObserver::jobEnded(int64_t timeMs, bool succeeded, const std::string& failureReason) {
  json result = succeeded ? json{{"Result", "JobSucceeded"}}
                          : json{{"Result", "JobFailed"}, {"Exception", {{"Message", failureReason}}}};
  emit(json{{"Event", "SparkListenerJobEnd"}, {"Job ID", 0}, {"Completion Time", timeMs}, {"Job Result", result}}.dump());
  flush();
}

void EventLogObserver::applicationEnd(int64_t timeMs) {
  emit(json{{"Event", "SparkListenerApplicationEnd"}, {"Timestamp", timeMs}}.dump());
  flush();
}

}  // namespace jobtuner::runtime

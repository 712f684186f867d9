#include "support/event_log_builder.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace jobtuner::testing {

using nlohmann::json;

EventLogBuilder::EventLogBuilder(std::string appId, std::string appName, std::string attemptId)
    : appId_(std::move(appId)), appName_(std::move(appName)), attemptId_(std::move(attemptId)) {}

EventLogBuilder& EventLogBuilder::property(const std::string& key, const std::string& value) {
  properties_.emplace_back(key, value);
  return *this;
}

EventLogBuilder& EventLogBuilder::executor(const std::string& id, const std::string& host, int cores, int64_t timeMs) {
  body_.push_back(json{{"Event", "SparkListenerExecutorAdded"},
                       {"Timestamp", timeMs},
                       {"Executor ID", id},
                       {"Executor Info", {{"Host", host}, {"Total Cores", cores}, {"Log Urls", json::object()}}}}
                      .dump());
  return *this;
}

EventLogBuilder& EventLogBuilder::removeExecutor(const std::string& id, int64_t timeMs, const std::string& reason) {
  body_.push_back(json{{"Event", "SparkListenerExecutorRemoved"}, {"Timestamp", timeMs}, {"Executor ID", id},
                       {"Removed Reason", reason}}
                      .dump());
  endTimeMs_ = std::max(endTimeMs_, timeMs);
  return *this;
}

EventLogBuilder& EventLogBuilder::startTime(int64_t timeMs) {
  startTimeMs_ = timeMs;
  endTimeMs_ = std::max(endTimeMs_, timeMs);
  return *this;
}

EventLogBuilder& EventLogBuilder::stage(int jobId, int stageId, const std::string& name, const std::vector<TaskSpec>& tasks,
                                        const std::string& failureReason, const std::vector<int>& parentIds) {
  int64_t first = tasks.empty() ? startTimeMs_ : tasks.front().launchTimeMs;
  int64_t last = first;
  for (const auto& task : tasks) {
    first = std::min(first, task.launchTimeMs);
    last = std::max(last, task.launchTimeMs + task.durationMs);
  }
  json stageInfo{{"Stage ID", stageId}, {"Stage Attempt ID", 0}, {"Stage Name", name},
                 {"Number of Tasks", static_cast<int>(tasks.size())}, {"RDD Info", json::array()},
                 {"Parent IDs", parentIds}, {"Details", ""}, {"Accumulables", json::array()}};
  body_.push_back(json{{"Event", "SparkListenerJobStart"}, {"Job ID", jobId}, {"Submission Time", first},
                       {"Stage Infos", json::array({stageInfo})}, {"Stage IDs", json::array({stageId})},
                       {"Properties", json::object()}}
                      .dump());
  json submitted = stageInfo;
  submitted["Submission Time"] = first;
  body_.push_back(json{{"Event", "SparkListenerStageSubmitted"}, {"Stage Info", submitted}, {"Properties", json::object()}}.dump());
  for (const auto& task : tasks) {
    json info{{"Task ID", task.taskId}, {"Index", task.index}, {"Attempt", task.attempt},
              {"Partition ID", task.index}, {"Launch Time", task.launchTimeMs}, {"Executor ID", task.executorId},
              {"Host", "host-" + task.executorId}, {"Locality", "PROCESS_LOCAL"}, {"Speculative", false},
              {"Getting Result Time", 0}, {"Finish Time", 0}, {"Failed", false}, {"Killed", false},
              {"Accumulables", json::array()}};
    body_.push_back(json{{"Event", "SparkListenerTaskStart"}, {"Stage ID", stageId}, {"Stage Attempt ID", 0},
                         {"Task Info", info}}
                        .dump());
    info["Finish Time"] = task.launchTimeMs + task.durationMs;
    json reason{{"Reason", task.reason}};
    if (task.reason == "ExceptionFailure") {
      info["Failed"] = true;
      reason["Class Name"] = "java.lang.RuntimeException";
      reason["Description"] = "boom";
      reason["Stack Trace"] = json::array();
      reason["Full Stack Trace"] = "java.lang.RuntimeException: boom";
    } else if (task.reason == "TaskKilled") {
      info["Killed"] = true;
      reason["Kill Reason"] = "another attempt succeeded";
    } else if (task.reason == "ExecutorLostFailure") {
      info["Failed"] = true;
      reason["Executor ID"] = task.executorId;
      reason["Exit Caused By App"] = true;
      reason["Loss Reason"] = "Executor Process Lost";
    } else if (task.reason == "FetchFailed") {
      info["Failed"] = true;
      reason["Block Manager Address"] = {{"Executor ID", "2"}, {"Host", "host-2"}, {"Port", 7337}};
      reason["Shuffle ID"] = 0;
      reason["Map ID"] = 0;
      reason["Reduce ID"] = task.index;
      reason["Message"] = "org.apache.spark.shuffle.FetchFailedException: connection refused";
    }
    json metrics{{"Executor Deserialize Time", task.deserializeTimeMs}, {"Executor Deserialize CPU Time", 1000000},
                 {"Executor Run Time", task.runTimeMs}, {"Executor CPU Time", task.runTimeMs * 900000},
                 {"Peak Execution Memory", 1024}, {"Result Size", 2000}, {"JVM GC Time", task.gcTimeMs},
                 {"Result Serialization Time", 1}, {"Memory Bytes Spilled", task.memorySpilled},
                 {"Disk Bytes Spilled", task.diskSpilled},
                 {"Shuffle Read Metrics", {{"Remote Blocks Fetched", 1}, {"Local Blocks Fetched", 1},
                                           {"Fetch Wait Time", 0}, {"Remote Bytes Read", task.shuffleReadBytes / 2},
                                           {"Remote Bytes Read To Disk", 0},
                                           {"Local Bytes Read", task.shuffleReadBytes - task.shuffleReadBytes / 2},
                                           {"Total Records Read", task.shuffleReadBytes / 100}}},
                 {"Shuffle Write Metrics", {{"Shuffle Bytes Written", task.shuffleWriteBytes},
                                            {"Shuffle Write Time", 1000}, {"Shuffle Records Written", task.shuffleWriteBytes / 100}}},
                 {"Input Metrics", {{"Bytes Read", task.inputBytes}, {"Records Read", task.inputBytes / 100}}},
                 {"Output Metrics", {{"Bytes Written", 0}, {"Records Written", 0}}},
                 {"Updated Blocks", json::array()}};
    json end{{"Event", "SparkListenerTaskEnd"}, {"Stage ID", stageId}, {"Stage Attempt ID", 0},
             {"Task Type", "ResultTask"}, {"Task End Reason", reason}, {"Task Info", info},
             {"Task Metrics", metrics}};
    if (task.jvmHeapBytes > 0) end["Task Executor Metrics"] = {{"JVMHeapMemory", task.jvmHeapBytes}};
    body_.push_back(end.dump());
  }
  json completed = submitted;
  completed["Completion Time"] = last;
  json result{{"Result", "JobSucceeded"}};
  if (!failureReason.empty()) {
    completed["Failure Reason"] = failureReason;
    result = {{"Result", "JobFailed"}, {"Exception", {{"Message", failureReason}}}};
  }
  body_.push_back(json{{"Event", "SparkListenerStageCompleted"}, {"Stage Info", completed}}.dump());
  body_.push_back(json{{"Event", "SparkListenerJobEnd"}, {"Job ID", jobId}, {"Completion Time", last},
                       {"Job Result", result}}
                      .dump());
  endTimeMs_ = std::max(endTimeMs_, last);
  return *this;
}

EventLogBuilder& EventLogBuilder::rawLine(const std::string& line) {
  body_.push_back(line);
  return *this;
}

EventLogBuilder& EventLogBuilder::withoutEnd() {
  withEnd_ = false;
  return *this;
}

std::string EventLogBuilder::text() const {
  std::string out;
  auto add = [&](const json& event) { out += event.dump() + "\n"; };
  add({{"Event", "SparkListenerLogStart"}, {"Spark Version", "3.5.1"}});
  json sparkProperties = json::object();
  sparkProperties["spark.app.name"] = appName_;
  sparkProperties["spark.app.id"] = appId_;
  for (const auto& [key, value] : properties_) sparkProperties[key] = value;
  add({{"Event", "SparkListenerEnvironmentUpdate"},
       {"JVM Information", {{"Java Version", "17.0.9 (Eclipse Adoptium)"}}},
       {"Spark Properties", sparkProperties},
       {"Hadoop Properties", json::object()},
       {"System Properties", {{"java.io.tmpdir", "/tmp"}}},
       {"Metrics Properties", json::object()},
       {"Classpath Entries", json::object()}});
  json start{{"Event", "SparkListenerApplicationStart"}, {"App Name", appName_}, {"App ID", appId_},
             {"Timestamp", startTimeMs_}, {"User", "tester"}};
  if (!attemptId_.empty()) start["App Attempt ID"] = attemptId_;
  add(start);
  for (const auto& line : body_) out += line + "\n";
  if (withEnd_) add({{"Event", "SparkListenerApplicationEnd"}, {"Timestamp", endTimeMs_ + 10}});
  return out;
}

std::vector<TaskSpec> uniformTasks(int count, int64_t firstTaskId, int64_t startMs, int64_t durationMs) {
  std::vector<TaskSpec> tasks;
  for (int i = 0; i < count; ++i) {
    TaskSpec task;
    task.taskId = firstTaskId + i;
    task.index = i;
    task.launchTimeMs = startMs + i * durationMs;
    task.durationMs = durationMs;
    task.runTimeMs = durationMs - 10;
    tasks.push_back(task);
  }
  return tasks;
}

}  // namespace jobtuner::testing

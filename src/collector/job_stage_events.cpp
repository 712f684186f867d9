// Jobs and stage attempts: SparkListenerJobStart/JobEnd and StageSubmitted/StageCompleted.
// Statuses follow Spark's AppStatusListener, so the History Server's answers can be reproduced.

#include <algorithm>
#include <unordered_set>

#include "collector/event_log_state.h"
#include "collector/stage_info_decoder.h"

namespace jobtuner::collector {

namespace {

constexpr std::string_view kJobDescriptionKey = "spark.job.description";
constexpr std::string_view kJobGroupKey = "spark.jobGroup.id";
constexpr std::string_view kSqlExecutionIdKey = "spark.sql.execution.id";

void addUnique(std::vector<int32_t>& ids, int32_t id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
}

const std::string* findProperty(const std::vector<std::pair<std::string, std::string>>& properties,
                                std::string_view key) {
  for (const auto& [name, value] : properties) {
    if (name == key) return &value;
  }
  return nullptr;
}

}  // namespace

void EventLogParser::State::onJobStart(JsonObject& event) {
  std::optional<int64_t> jobId;
  int64_t submissionTimeMs = 0;
  bool hasStageInfos = false;
  std::vector<StageInfoFields> stageInfos;
  std::optional<std::vector<int32_t>> stageIds;
  std::vector<std::pair<std::string, std::string>> properties;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Job ID") {
      jobId = readOptionalInt64(value);
    } else if (key == "Submission Time") {
      submissionTimeMs = readInt64(value);
    } else if (key == "Stage Infos") {
      hasStageInfos = true;
      forEachElement(value, [&](JsonValue info) { stageInfos.push_back(decodeStageInfo(info)); });
    } else if (key == "Stage IDs") {
      stageIds.emplace();
      readInt32List(value, *stageIds);
    } else if (key == "Properties") {
      readStringPairs(value, properties);
    }
  });
  if (!jobId) {
    skipEvent("SparkListenerJobStart", "\"Job ID\"");
    return;
  }
  if (!hasStageInfos && stageIds) {
    // Spark before 1.2 lists only stage ids; Spark itself fills in "unknown" stages then.
    for (int32_t stageId : *stageIds) {
      StageInfoFields& info = stageInfos.emplace_back();
      info.stageId = stageId;
      info.name = "unknown";
      info.details = "unknown";
    }
  }

  core::Job job;
  job.jobId = static_cast<int32_t>(*jobId);
  job.submissionTimeMs = submissionTimeMs;
  job.status = core::JobStatus::Running;
  const StageInfoFields* lastStage = nullptr;
  for (const StageInfoFields& info : stageInfos) {
    // AppStatusListener's estimate: the tasks of the stages not yet computed when the job starts.
    if (!info.completionTimeMs) job.numTasks += info.numTasks.value_or(0);
    if (!info.stageId) continue;
    if (!stageIds) addUnique(job.stageIds, *info.stageId);
    // Spark's UI names a job after its stage with the highest id (the result stage).
    if (!lastStage || *info.stageId >= *lastStage->stageId) lastStage = &info;
  }
  if (stageIds) job.stageIds = *stageIds;
  if (lastStage) job.name = lastStage->name.value_or("");
  if (const std::string* description = findProperty(properties, kJobDescriptionKey)) job.description = *description;
  if (const std::string* group = findProperty(properties, kJobGroupKey)) job.jobGroup = *group;
  if (const std::string* executionId = findProperty(properties, kSqlExecutionIdKey)) {
    job.sqlExecutionId = parseInteger(*executionId);
  }
  job.properties = redactedProperties(std::move(properties));

  auto [found, inserted] = jobIndex.try_emplace(job.jobId, app.jobs.size());
  if (inserted) {
    app.jobs.push_back(std::move(job));
  } else {
    app.jobs[found->second] = std::move(job);
  }

  for (const StageInfoFields& info : stageInfos) {
    if (!info.stageId) continue;
    core::StageAttempt& stage = stageAttemptFor(*info.stageId, info.attemptId);
    applyStageInfo(info, stage);
    addUnique(stage.jobIds, static_cast<int32_t>(*jobId));
  }
}

void EventLogParser::State::onJobEnd(JsonObject& event) {
  std::optional<int64_t> jobId;
  int64_t completionTimeMs = 0;
  std::string result;
  std::string message;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Job ID") {
      jobId = readOptionalInt64(value);
    } else if (key == "Completion Time") {
      completionTimeMs = readInt64(value);
    } else if (key == "Job Result") {
      forEachField(value, [&](std::string_view resultKey, JsonValue resultValue) {
        if (resultKey == "Result") {
          result = readString(resultValue);
        } else if (resultKey == "Exception") {
          forEachField(resultValue, [&](std::string_view exceptionKey, JsonValue exceptionValue) {
            if (exceptionKey == "Message") message = readString(exceptionValue);
          });
        }
      });
    }
  });
  if (!jobId) {
    skipEvent("SparkListenerJobEnd", "\"Job ID\"");
    return;
  }
  // Like Spark, an end without a start (a log cut at its head) is ignored.
  auto found = jobIndex.find(static_cast<int32_t>(*jobId));
  if (found == jobIndex.end()) return;
  core::Job& job = app.jobs[found->second];
  job.completionTimeMs = completionTimeMs;
  if (result == "JobSucceeded") {
    job.status = core::JobStatus::Succeeded;
  } else if (result == "JobFailed") {
    job.status = core::JobStatus::Failed;
    job.failureReason = message;
  } else {
    job.status = core::JobStatus::Unknown;
  }

  // The job's stages that were never submitted are the ones Spark skipped (their output was
  // already there); AppStatusListener.onJobEnd marks them so.
  std::unordered_set<int32_t> jobStages(job.stageIds.begin(), job.stageIds.end());
  for (core::StageAttempt& stage : app.stages) {
    if (stage.status == core::StageStatus::Pending && jobStages.count(stage.stageId) > 0) {
      stage.status = core::StageStatus::Skipped;
      liveStages.erase({stage.stageId, stage.attemptId});
    }
  }
}

void EventLogParser::State::onStageSubmitted(JsonObject& event) {
  StageInfoFields info;
  std::vector<std::pair<std::string, std::string>> properties;
  bool hasProperties = false;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Stage Info") {
      info = decodeStageInfo(value);
    } else if (key == "Properties") {
      hasProperties = true;
      readStringPairs(value, properties);
    }
  });
  if (!info.stageId) {
    skipEvent("SparkListenerStageSubmitted", "\"Stage Info\".\"Stage ID\"");
    return;
  }
  core::StageAttempt& stage = stageAttemptFor(*info.stageId, info.attemptId);
  applyStageInfo(info, stage);
  if (info.rddInfoJson) trackPersistedRdds(*info.rddInfoJson);
  stage.status = core::StageStatus::Active;
  if (hasProperties) stage.properties = redactedProperties(std::move(properties));
  // The stage belongs to every running job that lists it, as AppStatusListener links them.
  for (const core::Job& job : app.jobs) {
    if (job.status == core::JobStatus::Running &&
        std::find(job.stageIds.begin(), job.stageIds.end(), stage.stageId) != job.stageIds.end()) {
      addUnique(stage.jobIds, job.jobId);
    }
  }
}

void EventLogParser::State::onStageCompleted(JsonObject& event) {
  StageInfoFields info;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Stage Info") info = decodeStageInfo(value);
  });
  if (!info.stageId) {
    skipEvent("SparkListenerStageCompleted", "\"Stage Info\".\"Stage ID\"");
    return;
  }
  core::StageAttempt& stage = stageAttemptFor(*info.stageId, info.attemptId);
  applyStageInfo(info, stage);
  // AppStatusListener.onStageCompleted: a failure reason means failed; a completion without a
  // submission time is a stage Spark skipped (SPARK-20205 logs lack it in the submit event).
  if (info.failureReason) {
    stage.status = core::StageStatus::Failed;
  } else if (info.submissionTimeMs) {
    stage.status = core::StageStatus::Complete;
  } else {
    stage.status = core::StageStatus::Skipped;
  }
  releaseStageExclusions(stage.stageId, stage.attemptId);
  retireStageIfDone(stage.stageId, stage.attemptId);
}

}  // namespace jobtuner::collector

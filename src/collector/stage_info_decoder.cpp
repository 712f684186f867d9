#include "collector/stage_info_decoder.h"

namespace jobtuner::collector {

StageInfoFields decodeStageInfo(JsonValue value) {
  StageInfoFields info;
  forEachField(value, [&](std::string_view key, JsonValue field) {
    if (key == "Stage ID") {
      if (std::optional<int64_t> stageId = readOptionalInt64(field)) info.stageId = static_cast<int32_t>(*stageId);
    } else if (key == "Stage Attempt ID") {
      info.attemptId = readInt32(field);
    } else if (key == "Stage Name") {
      info.name = readString(field);
    } else if (key == "Number of Tasks") {
      info.numTasks = readInt32(field);
    } else if (key == "RDD Info") {
      info.rddInfoJson = readRawJson(field);
    } else if (key == "Parent IDs") {
      info.parentIds.emplace();
      readInt32List(field, *info.parentIds);
    } else if (key == "Details") {
      info.details = readString(field);
    } else if (key == "Submission Time") {
      info.submissionTimeMs = readOptionalInt64(field);
    } else if (key == "Completion Time") {
      info.completionTimeMs = readOptionalInt64(field);
    } else if (key == "Failure Reason") {
      // Spark treats null like a missing reason (Utils.jsonOption).
      if (!isNull(field)) info.failureReason = readString(field);
    } else if (key == "Accumulables") {
      info.accumulablesJson = readRawJson(field);
    } else if (key == "Resource Profile Id") {
      info.resourceProfileId = readInt32(field);
    } else if (key == "Shuffle Push Enabled") {
      info.shufflePushEnabled = readBool(field);
    } else if (key == "Shuffle Push Mergers Count") {
      info.shuffleMergersCount = readInt32(field);
    }
  });
  return info;
}

void applyStageInfo(const StageInfoFields& info, core::StageAttempt& stage) {
  if (info.stageId) stage.stageId = *info.stageId;
  stage.attemptId = info.attemptId;
  if (info.name) stage.name = *info.name;
  if (info.numTasks) stage.numTasks = *info.numTasks;
  if (info.parentIds) stage.parentIds = *info.parentIds;
  if (info.details) stage.details = *info.details;
  if (info.submissionTimeMs) stage.submissionTimeMs = *info.submissionTimeMs;
  if (info.completionTimeMs) stage.completionTimeMs = *info.completionTimeMs;
  if (info.failureReason) stage.failureReason = *info.failureReason;
  if (info.rddInfoJson) stage.rddInfoJson = *info.rddInfoJson;
  if (info.accumulablesJson) stage.accumulablesJson = *info.accumulablesJson;
  if (info.resourceProfileId) stage.resourceProfileId = *info.resourceProfileId;
  if (info.shufflePushEnabled) stage.shufflePushEnabled = *info.shufflePushEnabled;
  if (info.shuffleMergersCount) stage.shuffleMergersCount = *info.shuffleMergersCount;
}

}  // namespace jobtuner::collector

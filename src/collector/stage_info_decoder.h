#pragma once

// Decoding of Spark's `Stage Info` object, which JobStart (one per stage of the job),
// StageSubmitted and StageCompleted carry.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/spark_json_fields.h"
#include "core/model.h"

namespace jobtuner::collector {

/// A `Stage Info` as written; optional fields stay unset when the log omits them, so applying
/// a later event never erases what an earlier one said.
struct StageInfoFields {
  std::optional<int32_t> stageId;
  int32_t attemptId = 0;
  std::optional<std::string> name;
  std::optional<int32_t> numTasks;
  std::optional<std::vector<int32_t>> parentIds;
  std::optional<std::string> details;
  std::optional<int64_t> submissionTimeMs;
  std::optional<int64_t> completionTimeMs;
  std::optional<std::string> failureReason;
  std::optional<std::string> rddInfoJson;
  std::optional<std::string> accumulablesJson;
  std::optional<int32_t> resourceProfileId;
  std::optional<bool> shufflePushEnabled;
  std::optional<int32_t> shuffleMergersCount;
};

StageInfoFields decodeStageInfo(JsonValue value);

/// Copies what `info` holds onto `stage` (not the status: events decide that).
void applyStageInfo(const StageInfoFields& info, core::StageAttempt& stage);

}  // namespace jobtuner::collector

#pragma once

// /applications, /applications/{app-id} and /applications/{app-id}/{attempt-id}: the listing the
// History Server builds from each log's ApplicationStart/End (FsHistoryProvider's
// AppListingListener) and the filters of ApplicationListResource.

#include <cstdint>
#include <optional>
#include <string>

#include "collector/history_server_api.h"

namespace jobtuner::collector {

/// The application list: newest end first, each app with its attempts (latest start first),
/// filtered by status, minDate, maxDate, minEndDate, maxEndDate and limit.
ApiResponse answerApplicationList(const Store& store, const ApiRequest& request);

/// One application with all its attempts; 404 "unknown app: ID".
ApiResponse answerApplication(const Store& store, const std::string& appId);

/// One attempt of an application; 404 "unknown app ID, attempt N".
ApiResponse answerApplicationAttempt(const Store& store, const std::string& appId, const std::string& attemptId);

/// Parses a date parameter as Spark's SimpleDateParam does: "yyyy-MM-dd'T'HH:mm:ss.SSSz" (zone
/// GMT, UTC or an offset such as GMT+01:00 or +0100), else "yyyy-MM-dd" in GMT. Returns epoch ms,
/// or nothing when neither form reads.
std::optional<int64_t> parseSparkDateParameter(const std::string& text);

}  // namespace jobtuner::collector

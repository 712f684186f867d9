#pragma once

// The Spark History Server's REST API (/api/v1), answered from the store at query time. The CLI
// (`jobtuner api PATH`) prints these answers; the daemon will serve the same ones over HTTP.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collector/store.h"

namespace jobtuner::collector {

/// One request: the path below /api/v1 split into segments, and its query parameters (a
/// parameter may repeat, e.g. status=succeeded&status=failed).
struct ApiRequest {
  std::vector<std::string> segments;                 // "applications", "local-1", "stages", "1"
  std::multimap<std::string, std::string> query;
  std::string original;                              // as the user wrote it, for messages

  /// All values of one parameter, in order.
  std::vector<std::string> values(const std::string& name) const;
  /// The last value of a parameter, or `fallback`.
  std::string value(const std::string& name, const std::string& fallback = {}) const;
};

/// Parses "/applications/app-1/stages?status=complete" (with or without a leading /api/v1,
/// percent-decoding segments and parameters). Throws core::UserError on a malformed path.
ApiRequest parseApiPath(const std::string& restPath);

/// The application (and attempt, empty when the app's attempts have no id) a path names; the
/// routers of each endpoint family receive it already checked to exist in the store.
struct AppAttemptRef {
  std::string appId;
  std::string attemptId;
};

/// An answer: HTTP-like status (200, 400, 404) and the JSON body, with Spark's field order.
struct ApiResponse {
  int status = 200;
  nlohmann::ordered_json body;
  std::string error;   // for status != 200: the message Spark's server would give
  bool unknownPath = false;  // 404 because no endpoint answers this path (not a missing app or job)
};

/// An error answer: `status` with Spark's message and an empty body.
ApiResponse apiError(int status, std::string message);

/// The 404 for a path no endpoint answers (unknownPath set), naming the path.
ApiResponse unknownEndpoint(const ApiRequest& request);

/// A moment as Spark's REST API writes dates: "2015-02-03T16:42:59.720GMT" (always GMT).
std::string formatSparkDate(int64_t epochMs);

/// The paths answered, as patterns ("/applications/{app-id}/jobs[?status=...]"), for messages.
const std::vector<std::string>& supportedApiPaths();

/// Answers a request from the store. Unknown paths give status 404 (unknownPath set) with a
/// message naming the path; a missing app, job or stage gives 404 with Spark's message.
ApiResponse answerApiRequest(const Store& store, const ApiRequest& request);

}  // namespace jobtuner::collector

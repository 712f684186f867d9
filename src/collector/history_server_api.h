#pragma once

// The Spark History Server's REST API (/api/v1), answered from the store at query time. The CLI
// (`jobtuner api PATH`) prints these answers; the daemon will serve the same ones over HTTP.

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

/// An answer: HTTP-like status (200, 400, 404) and the JSON body, with Spark's field order.
struct ApiResponse {
  int status = 200;
  nlohmann::ordered_json body;
  std::string error;   // for status != 200: the message Spark's server would give
};

/// Answers a request from the store. Unknown paths give status 404 with a message naming the
/// path and the supported ones.
ApiResponse answerApiRequest(const Store& store, const ApiRequest& request);

}  // namespace jobtuner::collector

#include "collector/hs_storage.h"

#include <algorithm>
#include <cctype>

namespace jobtuner::collector {

namespace {

// StorageLevel.description.
std::string describeLevel(const core::PersistedRdd& rdd) {
  std::string text = rdd.useDisk ? "Disk " : "";
  if (rdd.useMemory) text += rdd.useOffHeap ? "Memory (off heap) " : "Memory ";
  text += rdd.deserialized ? "Deserialized " : "Serialized ";
  return text + std::to_string(rdd.replication) + "x Replicated";
}

nlohmann::ordered_json rddJson(const core::PersistedRdd& rdd) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["id"] = rdd.rddId;
  json["name"] = rdd.name;
  json["numPartitions"] = rdd.numPartitions;
  json["numCachedPartitions"] = 0;
  json["storageLevel"] = describeLevel(rdd);
  json["memoryUsed"] = 0;
  json["diskUsed"] = 0;
  // dataDistribution is None without distributions, and then not written.
  json["partitions"] = nlohmann::ordered_json::array();
  return json;
}

}  // namespace

ApiResponse answerStorageRequest(const Store& store, const AppAttemptRef& app, const ApiRequest& request,
                                 size_t firstStorageSegment) {
  const std::vector<std::string>& segments = request.segments;
  size_t rest = segments.size() - firstStorageSegment - 1;
  bool list = rest == 1 && segments[firstStorageSegment + 1] == "rdd";
  bool one = rest == 2 && segments[firstStorageSegment + 1] == "rdd";
  const std::string idText = one ? segments[firstStorageSegment + 2] : std::string();
  bool digits = !idText.empty() && idText.size() <= 10 &&
                std::all_of(idText.begin(), idText.end(), [](unsigned char c) { return std::isdigit(c); });
  if (!list && !(one && digits)) return unknownEndpoint(request);

  std::optional<core::AppAttempt> loaded = store.loadApp(app.appId, app.attemptId);
  if (!loaded) return apiError(404, "no such app: " + app.appId);
  std::vector<core::PersistedRdd> rdds = loaded->persistedRdds;
  std::sort(rdds.begin(), rdds.end(), [](const auto& a, const auto& b) { return a.rddId < b.rddId; });
  ApiResponse response;
  if (list) {
    // AppStatusStore.rddList lists the RDDs with cached partitions only.
    response.body = nlohmann::ordered_json::array();
    return response;
  }
  int64_t rddId = std::stoll(idText);
  for (const core::PersistedRdd& rdd : rdds) {
    if (rdd.rddId == rddId) {
      response.body = rddJson(rdd);
      return response;
    }
  }
  return apiError(404, "no rdd found w/ id " + idText);
}

}  // namespace jobtuner::collector

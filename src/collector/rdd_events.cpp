// Persisted RDDs, as AppStatusListener tracks them for the storage pages: an RDD of a submitted
// stage whose `RDD Info` has a valid storage level is live (first description wins) until
// SparkListenerUnpersistRDD. Block updates, which say what is actually cached where, are not
// read: event logs carry them only with spark.eventLog.logBlockUpdates.enabled.

#include <algorithm>
#include <nlohmann/json.hpp>

#include "collector/event_log_state.h"

namespace jobtuner::collector {

namespace {

bool flag(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end()) return false;
  if (found->is_boolean()) return found->get<bool>();
  return found->is_string() && found->get<std::string>() == "true";
}

int64_t number(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  if (found == object.end()) return 0;
  if (found->is_number_integer()) return found->get<int64_t>();
  if (found->is_number_float()) return static_cast<int64_t>(found->get<double>());
  if (found->is_string()) return parseInteger(found->get<std::string>()).value_or(0);
  return 0;
}

}  // namespace

void EventLogParser::State::trackPersistedRdds(const std::string& rddInfoJson) {
  // The raw text simdjson already validated; a parse failure here can only mean damage, and then
  // the RDDs are simply not tracked.
  nlohmann::json infos = nlohmann::json::parse(rddInfoJson, nullptr, false);
  if (!infos.is_array()) return;
  for (const nlohmann::json& info : infos) {
    if (!info.is_object() || !info.contains("RDD ID")) continue;
    auto level = info.find("Storage Level");
    if (level == info.end() || !level->is_object()) continue;
    core::PersistedRdd rdd;
    rdd.rddId = static_cast<int32_t>(number(info, "RDD ID"));
    rdd.useDisk = flag(*level, "Use Disk");
    rdd.useMemory = flag(*level, "Use Memory");
    rdd.useOffHeap = flag(*level, "Use Off Heap");  // Spark 3.4+ writes it
    rdd.deserialized = flag(*level, "Deserialized");
    rdd.replication = static_cast<int32_t>(number(*level, "Replication"));
    // StorageLevel.isValid
    if (!(rdd.useMemory || rdd.useDisk) || rdd.replication <= 0) continue;
    bool known = std::any_of(app.persistedRdds.begin(), app.persistedRdds.end(),
                             [&](const core::PersistedRdd& tracked) { return tracked.rddId == rdd.rddId; });
    if (known) continue;
    auto name = info.find("Name");
    rdd.name = name != info.end() && name->is_string() ? name->get<std::string>() : "";
    rdd.numPartitions = static_cast<int32_t>(number(info, "Number of Partitions"));
    app.persistedRdds.push_back(std::move(rdd));
  }
}

void EventLogParser::State::onUnpersistRdd(JsonObject& event) {
  std::optional<int64_t> rddId;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "RDD ID") rddId = readOptionalInt64(value);
  });
  if (!rddId) {
    skipEvent("SparkListenerUnpersistRDD", "\"RDD ID\"");
    return;
  }
  std::erase_if(app.persistedRdds, [&](const core::PersistedRdd& rdd) { return rdd.rddId == *rddId; });
}

}  // namespace jobtuner::collector

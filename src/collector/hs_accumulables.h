#pragma once

// Accumulables as the History Server shows them (v1.AccumulableInfo: id, name, update, value),
// from the raw `Accumulables` arrays the store keeps for tasks and stages.

#include <nlohmann/json.hpp>
#include <string>

namespace jobtuner::collector {

/// The accumulables of a task's `Task Info`, in the log's order. Spark leaves out internal
/// metrics and SQL metrics (LiveEntityHelpers.newAccumulatorInfos).
nlohmann::ordered_json taskAccumulatorUpdatesJson(const std::string& rawAccumulables);

/// The accumulables of a stage's `Stage Info`. Spark keeps them in a Scala mutable.HashMap keyed
/// by id and lists them in that map's iteration order, which this reproduces.
nlohmann::ordered_json stageAccumulatorUpdatesJson(const std::string& rawAccumulables);

}  // namespace jobtuner::collector

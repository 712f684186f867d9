#include "collector/hs_accumulables.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <simdjson.h>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jobtuner::collector {

namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr std::string_view kInternalMetricsPrefix = "internal.metrics.";
constexpr std::string_view kSqlMetadata = "sql";

// Task accumulables run to kilobytes per task, mostly Spark's internal metrics, and every task of a
// stage is shown: they are read with simdjson, not nlohmann.
simdjson::dom::parser& parser() {
  thread_local simdjson::dom::parser instance;
  return instance;
}

// Java's Double.toString, which Jackson's asText uses for floating-point values.
std::string javaDoubleText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buffer[64];
  double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    auto end = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed).ptr;
    std::string text(buffer, end);
    if (text.find('.') == std::string::npos) text += ".0";
    return text;
  }
  auto end = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::scientific).ptr;
  std::string text(buffer, end);  // "1.5e+07"
  size_t e = text.find('e');
  std::string mantissa = text.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  int exponent = std::stoi(text.substr(e + 1));
  return mantissa + "E" + std::to_string(exponent);
}

// JsonProtocol.accumValueFromJson then the REST layer's toString: Jackson's JsonNode.asText for
// everything but internal metrics (containers read as ""), null as absent.
std::optional<std::string> valueText(simdjson::dom::element value, bool internalMetric) {
  switch (value.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return std::nullopt;
    case simdjson::dom::element_type::STRING: return std::string(std::string_view(value.get_string()));
    case simdjson::dom::element_type::BOOL: return bool(value.get_bool()) ? "true" : "false";
    case simdjson::dom::element_type::INT64: return std::to_string(int64_t(value.get_int64()));
    case simdjson::dom::element_type::UINT64: return std::to_string(uint64_t(value.get_uint64()));
    case simdjson::dom::element_type::DOUBLE: return javaDoubleText(double(value.get_double()));
    case simdjson::dom::element_type::ARRAY:
      // Updated blocks: shown only when a log forgot the "Internal" flag, as a Java list.
      return internalMetric ? simdjson::minify(value) : std::string();
    case simdjson::dom::element_type::OBJECT: return std::string();
  }
  return std::string();
}

struct Accumulable {
  int64_t id = 0;
  std::optional<std::string> name;
  std::optional<std::string> update;
  std::optional<std::string> value;
  bool shown = true;
};

std::optional<int64_t> idOf(simdjson::dom::object item) {
  simdjson::dom::element id;
  if (item["ID"].get(id) != simdjson::SUCCESS) return std::nullopt;
  if (id.is_int64()) return int64_t(id.get_int64());
  if (id.is_uint64()) return static_cast<int64_t>(uint64_t(id.get_uint64()));
  if (id.is_double()) return static_cast<int64_t>(double(id.get_double()));
  return std::nullopt;
}

// Reads what decides whether Spark shows it first, so hidden ones cost no text.
std::optional<Accumulable> decode(simdjson::dom::object item, int64_t id, bool keepHidden) {
  Accumulable accumulable;
  accumulable.id = id;
  bool internal = false;
  if (simdjson::dom::element flag; item["Internal"].get(flag) == simdjson::SUCCESS && flag.is_bool()) {
    internal = bool(flag.get_bool());
  }
  bool sql = false;
  if (simdjson::dom::element metadata; item["Metadata"].get(metadata) == simdjson::SUCCESS && metadata.is_string()) {
    sql = std::string_view(metadata.get_string()) == kSqlMetadata;
  }
  accumulable.shown = !internal && !sql;
  if (!accumulable.shown && !keepHidden) return std::nullopt;
  if (simdjson::dom::element name; item["Name"].get(name) == simdjson::SUCCESS) accumulable.name = valueText(name, false);
  bool internalMetric = accumulable.name && accumulable.name->starts_with(kInternalMetricsPrefix);
  if (simdjson::dom::element update; item["Update"].get(update) == simdjson::SUCCESS) {
    accumulable.update = valueText(update, internalMetric);
  }
  if (simdjson::dom::element value; item["Value"].get(value) == simdjson::SUCCESS) {
    accumulable.value = valueText(value, internalMetric);
  }
  return accumulable;
}

// Calls fn(object, id) for every object with an id in a raw `Accumulables` array.
template <typename Fn>
void forEachAccumulable(const std::string& raw, Fn&& fn) {
  if (raw.empty()) return;
  simdjson::dom::array items;
  if (parser().parse(raw).get_array().get(items) != simdjson::SUCCESS) return;
  for (simdjson::dom::element element : items) {
    simdjson::dom::object item;
    if (element.get_object().get(item) != simdjson::SUCCESS) continue;
    if (std::optional<int64_t> id = idOf(item)) fn(item, *id);
  }
}

OrderedJson toJson(const Accumulable& accumulable) {
  OrderedJson object = OrderedJson::object();
  object["id"] = accumulable.id;
  // Jackson leaves out absent and null fields (NON_ABSENT).
  if (accumulable.name) object["name"] = *accumulable.name;
  if (accumulable.update) object["update"] = *accumulable.update;
  if (accumulable.value) object["value"] = *accumulable.value;
  return object;
}

// Scala 2.13 mutable.HashMap: the key's hash (a Long that fits an Int hashes as that Int),
// spread by h ^ (h >>> 16), picks bucket hash & (size - 1); buckets keep nodes sorted by hash.
// The table starts at 16 and doubles before an insert once contentSize + 1 reaches 0.75 * size.
int32_t scalaHash(int64_t key) {
  auto asInt = static_cast<int32_t>(key);
  int32_t hash = asInt == key ? asInt : static_cast<int32_t>(key ^ static_cast<int64_t>(static_cast<uint64_t>(key) >> 32));
  return hash ^ static_cast<int32_t>(static_cast<uint32_t>(hash) >> 16);
}

}  // namespace

OrderedJson taskAccumulatorUpdatesJson(const std::string& rawAccumulables) {
  OrderedJson list = OrderedJson::array();
  forEachAccumulable(rawAccumulables, [&](simdjson::dom::object item, int64_t id) {
    if (std::optional<Accumulable> accumulable = decode(item, id, false)) list.push_back(toJson(*accumulable));
  });
  return list;
}

OrderedJson stageAccumulatorUpdatesJson(const std::string& rawAccumulables) {
  std::vector<Accumulable> entries;  // one per id, the last one written for it
  std::unordered_map<int64_t, size_t> byId;
  size_t tableSize = 16;
  forEachAccumulable(rawAccumulables, [&](simdjson::dom::object item, int64_t id) {
    if (static_cast<double>(entries.size() + 1) >= static_cast<double>(static_cast<int64_t>(tableSize * 0.75))) {
      tableSize *= 2;
    }
    auto [found, inserted] = byId.try_emplace(id, entries.size());
    if (inserted) {
      entries.push_back(*decode(item, id, true));
    } else {
      entries[found->second] = *decode(item, id, true);
    }
  });
  std::vector<const Accumulable*> order;
  for (const Accumulable& entry : entries) order.push_back(&entry);
  auto mask = static_cast<int32_t>(tableSize - 1);
  std::stable_sort(order.begin(), order.end(), [&](const Accumulable* left, const Accumulable* right) {
    int32_t leftHash = scalaHash(left->id);
    int32_t rightHash = scalaHash(right->id);
    if ((leftHash & mask) != (rightHash & mask)) return (leftHash & mask) < (rightHash & mask);
    return leftHash < rightHash;
  });
  OrderedJson list = OrderedJson::array();
  for (const Accumulable* entry : order) {
    if (entry->shown) list.push_back(toJson(*entry));
  }
  return list;
}

}  // namespace jobtuner::collector

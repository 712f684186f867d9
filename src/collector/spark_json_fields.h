#pragma once

// Lenient readers for the values of Spark event-log fields, over simdjson's on-demand API.
//
// Event logs come from every Spark version and from tools that rewrite them, so a field may be
// missing, null, or a number written as a string. The readers return a fallback for a value of
// the wrong type instead of failing the line. Damage to the JSON itself (a cut line, a stray
// character) still throws simdjson::simdjson_error, which the parser turns into a bad-line
// warning.

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jobtuner::collector {

using JsonValue = simdjson::ondemand::value;

/// Calls `visit(key, value)` for every field of `object`. Fields the visitor leaves unread are
/// skipped.
/// A field's key. Spark's keys have no escapes: they are read in place, and only a key with a
/// backslash is unescaped (into the parser's string buffer, which costs a copy per key).
inline std::string_view keyOf(simdjson::ondemand::field& field) {
  const char* start = field.key().raw();
  const char* end = start;
  while (*end != '"' && *end != '\\') ++end;  // validated JSON: the closing quote is there
  if (*end == '"') return {start, static_cast<size_t>(end - start)};
  return field.unescaped_key().value();
}

template <typename Visitor>
void forEachField(simdjson::ondemand::object& object, Visitor&& visit) {
  for (auto result : object) {
    simdjson::ondemand::field field;
    if (simdjson::error_code error = std::move(result).get(field)) throw simdjson::simdjson_error(error);
    std::string_view key = keyOf(field);
    visit(key, JsonValue(field.value()));
  }
}

/// Same for a value; a value that is not an object is ignored.
template <typename Visitor>
void forEachField(JsonValue value, Visitor&& visit) {
  simdjson::ondemand::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return;
  forEachField(object, visit);
}

/// Calls `visit(element)` for every element of `value` when it is an array.
template <typename Visitor>
void forEachElement(JsonValue value, Visitor&& visit) {
  simdjson::ondemand::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return;
  for (auto element : array) visit(JsonValue(element.value()));
}

/// An integer written as a number, a numeric string ("42", " 42 ", "4.2e1") or a double
/// (truncated); `fallback` for null, booleans, containers and text.
int64_t readInt64(JsonValue value, int64_t fallback = 0);
int32_t readInt32(JsonValue value, int32_t fallback = 0);
/// Like readInt64, but distinguishes a missing value (null or not a number) from zero.
std::optional<int64_t> readOptionalInt64(JsonValue value);
/// A number (integer or not), or a numeric string; `fallback` otherwise.
double readDouble(JsonValue value, double fallback = 0);
/// true/false, or the strings "true"/"false"; `fallback` otherwise.
bool readBool(JsonValue value, bool fallback = false);
/// A string's text; a number or boolean as written; "" for null; containers as raw JSON.
std::string readString(JsonValue value);
/// True when the value is JSON null.
bool isNull(JsonValue value);
/// The value exactly as written (an object or array whole), for fields kept verbatim.
std::string readRawJson(JsonValue value);
/// The value's raw text as a view into the line; valid while the line is.
std::string_view rawJsonView(JsonValue value);
/// An object of key -> value as pairs, in the log's order (values through readString).
void readStringPairs(JsonValue value, std::vector<std::pair<std::string, std::string>>& out);
/// An array of integers; elements of other types are skipped.
void readInt32List(JsonValue value, std::vector<int32_t>& out);

/// Parses a string as an integer the way readInt64 treats string values.
std::optional<int64_t> parseInteger(std::string_view text);

/// Returns true when the JSON text nests arrays and objects deeper than `maxDepth` (brackets
/// inside strings do not count). simdjson's on-demand API does not enforce a depth limit.
bool nestsDeeperThan(std::string_view json, size_t maxDepth);

/// Cuts `text` to its first line and at most `maxBytes` bytes, without splitting a UTF-8
/// character, for one-line messages.
std::string firstLine(std::string_view text, size_t maxBytes = 1000);

}  // namespace jobtuner::collector

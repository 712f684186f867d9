#include "collector/spark_json_fields.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace jobtuner::collector {

namespace {

std::string_view trimmed(std::string_view text) {
  auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return text;
}

simdjson::ondemand::json_type typeOf(JsonValue& value) {
  simdjson::ondemand::json_type type{};
  // A type that cannot be read is treated like null: the caller falls back, and real damage to
  // the JSON surfaces when the enclosing object moves on to its next field.
  if (value.type().get(type) != simdjson::SUCCESS) return simdjson::ondemand::json_type::null;
  return type;
}

// Counts '{' and '[' sixteen bytes at a time (GCC vector extensions: SSE2 on x86-64, NEON on
// arm64). The two differ only in bit 0x20, so OR-ing that bit in and comparing with '{' finds both.
size_t countOpeners(std::string_view text) {
  using Bytes = uint8_t __attribute__((vector_size(16)));
  constexpr size_t kWidth = sizeof(Bytes);
  // Lane counters are bytes: fold them into the total before any can pass 255.
  constexpr size_t kBlocksPerFold = 255;
  const char* data = text.data();
  size_t count = 0;
  size_t i = 0;
  while (i + kWidth <= text.size()) {
    Bytes lanes = {};
    size_t foldEnd = std::min(text.size(), i + kWidth * kBlocksPerFold);
    for (; i + kWidth <= foldEnd; i += kWidth) {
      Bytes block;
      std::memcpy(&block, data + i, kWidth);
      lanes -= reinterpret_cast<Bytes>((block | 0x20) == '{');  // a match is all ones: -(-1)
    }
    for (size_t lane = 0; lane < kWidth; ++lane) count += lanes[lane];
  }
  for (; i < text.size(); ++i) count += (text[i] | 0x20) == '{';
  return count;
}

int64_t clampToInt64(double number) {
  if (std::isnan(number)) return 0;
  if (number >= 9.2e18) return std::numeric_limits<int64_t>::max();
  if (number <= -9.2e18) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(number);
}

}  // namespace

std::optional<int64_t> parseInteger(std::string_view text) {
  text = trimmed(text);
  if (text.empty()) return std::nullopt;
  int64_t integer = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), integer);
  if (error == std::errc() && end == text.data() + text.size()) return integer;
  // Not a plain integer: accept a decimal or exponent form, or an integer too big for int64.
  std::string copy(text);
  char* parsedEnd = nullptr;
  double number = std::strtod(copy.c_str(), &parsedEnd);
  if (parsedEnd != copy.c_str() + copy.size() || !std::isfinite(number)) return std::nullopt;
  return clampToInt64(number);
}

std::optional<int64_t> readOptionalInt64(JsonValue value) {
  // Nearly every value is a plain integer; a failed attempt leaves the value unread.
  int64_t integer = 0;
  if (value.get_int64().get(integer) == simdjson::SUCCESS) return integer;
  switch (typeOf(value)) {
    case simdjson::ondemand::json_type::number:
      return parseInteger(value.raw_json_token());
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
      return parseInteger(text);
    }
    default:
      return std::nullopt;
  }
}

int64_t readInt64(JsonValue value, int64_t fallback) {
  return readOptionalInt64(value).value_or(fallback);
}

int32_t readInt32(JsonValue value, int32_t fallback) {
  std::optional<int64_t> number = readOptionalInt64(value);
  if (!number) return fallback;
  return static_cast<int32_t>(std::clamp<int64_t>(*number, std::numeric_limits<int32_t>::min(),
                                                   std::numeric_limits<int32_t>::max()));
}

double readDouble(JsonValue value, double fallback) {
  double number = 0;
  if (value.get_double().get(number) == simdjson::SUCCESS) return number;
  if (typeOf(value) != simdjson::ondemand::json_type::string) return fallback;
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return fallback;
  std::string copy(trimmed(text));
  char* end = nullptr;
  double parsed = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size() ? parsed : fallback;
}

bool readBool(JsonValue value, bool fallback) {
  switch (typeOf(value)) {
    case simdjson::ondemand::json_type::boolean: {
      bool flag = fallback;
      if (value.get_bool().get(flag) != simdjson::SUCCESS) return fallback;
      return flag;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return fallback;
      text = trimmed(text);
      if (text == "true") return true;
      if (text == "false") return false;
      return fallback;
    }
    default:
      return fallback;
  }
}

bool isNull(JsonValue value) {
  simdjson::ondemand::json_type type{};
  return value.type().get(type) == simdjson::SUCCESS && type == simdjson::ondemand::json_type::null;
}

std::string_view rawJsonView(JsonValue value) {
  std::string_view raw;
  switch (typeOf(value)) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS) return {};
      raw = object.raw_json();  // throws on a cut or damaged object
      break;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array array;
      if (value.get_array().get(array) != simdjson::SUCCESS) return {};
      raw = array.raw_json();
      break;
    }
    default:
      raw = value.raw_json_token();
      break;
  }
  return trimmed(raw);
}

std::string readRawJson(JsonValue value) { return std::string(rawJsonView(value)); }

std::string readString(JsonValue value) {
  switch (typeOf(value)) {
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text) != simdjson::SUCCESS) return {};
      return std::string(text);
    }
    case simdjson::ondemand::json_type::null:
      return {};
    default:
      return readRawJson(value);
  }
}

void readStringPairs(JsonValue value, std::vector<std::pair<std::string, std::string>>& out) {
  forEachField(value, [&](std::string_view key, JsonValue entry) {
    out.emplace_back(std::string(key), readString(entry));
  });
}

void readInt32List(JsonValue value, std::vector<int32_t>& out) {
  forEachElement(value, [&](JsonValue element) {
    if (std::optional<int64_t> number = readOptionalInt64(element)) out.push_back(static_cast<int32_t>(*number));
  });
}

bool nestsDeeperThan(std::string_view json, size_t maxDepth) {
  // Only a line with more openers than the limit can nest that deep, and only then is it scanned
  // with strings taken into account; counting is cheap, and every line pays for it.
  if (countOpeners(json) <= maxDepth) return false;
  size_t depth = 0;
  bool inString = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '{' || c == '[') {
      if (++depth > maxDepth) return true;
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return false;
}

std::string firstLine(std::string_view text, size_t maxBytes) {
  text = trimmed(text);
  text = trimmed(text.substr(0, std::min(text.size(), text.find_first_of("\r\n"))));
  if (text.size() <= maxBytes) return std::string(text);
  size_t length = maxBytes;
  // Step back over UTF-8 continuation bytes so no character is split.
  while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) --length;
  return std::string(text.substr(0, length)) + "...";
}

}  // namespace jobtuner::collector

#include "core/units.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>

namespace jobtuner::core {

std::string formatBytes(int64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits{"B", "KB", "MB", "GB", "TB", "PB"};
  if (bytes < 0) return "-" + formatBytes(-bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < kUnits.size()) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string formatDurationMs(int64_t milliseconds) {
  if (milliseconds < 0) return "-" + formatDurationMs(-milliseconds);
  if (milliseconds < 1000) return fmt::format("{} ms", milliseconds);
  double seconds = static_cast<double>(milliseconds) / 1000.0;
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  if (seconds < 3600) return fmt::format("{:.1f} min", seconds / 60.0);
  return fmt::format("{:.1f} h", seconds / 3600.0);
}

std::string formatTimestampMs(int64_t epochMilliseconds) {
  if (epochMilliseconds <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(epochMilliseconds / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, epochMilliseconds % 1000);
}

namespace {

std::string lowered(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

/// A number followed by a unit word, as in "1.5GB" or "30 s".
struct NumberWithUnit {
  bool negative = false;
  std::string_view integerDigits;
  std::string_view fractionDigits;
  std::string unit;  // lower case, may be empty
};

std::optional<NumberWithUnit> splitNumber(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  NumberWithUnit result;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    result.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  size_t end = 0;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  result.integerDigits = text.substr(0, end);
  if (end < text.size() && text[end] == '.') {
    size_t start = ++end;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    result.fractionDigits = text.substr(start, end - start);
  }
  if (result.integerDigits.empty() && result.fractionDigits.empty()) return std::nullopt;
  std::string_view unit = text.substr(end);
  if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  for (char c : unit) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
  }
  result.unit = lowered(unit);
  return result;
}

/// number × multiplier, rounded to the nearest integer; nothing when it does not fit 64 bits.
std::optional<int64_t> scaled(const NumberWithUnit& number, int64_t multiplier) {
  if (number.fractionDigits.empty()) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(number.integerDigits.data(),
                                        number.integerDigits.data() + number.integerDigits.size(), value);
    if (error != std::errc() || end != number.integerDigits.data() + number.integerDigits.size()) return std::nullopt;
    if (value > std::numeric_limits<int64_t>::max() / multiplier) return std::nullopt;
    return number.negative ? -value * multiplier : value * multiplier;
  }
  std::string digits = std::string(number.integerDigits.empty() ? "0" : number.integerDigits) + "." +
                       std::string(number.fractionDigits);
  long double value = std::strtold(digits.c_str(), nullptr) * static_cast<long double>(multiplier);
  value = std::round(value);
  if (!(value < 9.2e18L)) return std::nullopt;
  auto whole = static_cast<int64_t>(value);
  return number.negative ? -whole : whole;
}

}  // namespace

std::optional<int64_t> parseBytes(std::string_view text) {
  std::optional<NumberWithUnit> number = splitNumber(text);
  if (!number) return std::nullopt;
  std::string unit = number->unit;
  // "kib" and "kb" both mean 1024 here, as in Spark (JavaUtils.byteStringAs).
  if (unit.size() == 3 && unit.substr(1) == "ib") unit = unit.substr(0, 1);
  if (unit.size() == 2 && unit[1] == 'b' && unit[0] != 'b') unit = unit.substr(0, 1);
  static constexpr std::string_view kUnits = "bkmgtp";
  size_t power = unit.empty() ? 0 : kUnits.find(unit);
  if (unit.size() > 1 || power == std::string_view::npos) return std::nullopt;
  int64_t multiplier = int64_t{1} << (10 * power);
  if (power == 0 && !number->fractionDigits.empty()) return std::nullopt;  // no half bytes
  return scaled(*number, multiplier);
}

std::optional<int64_t> parseDurationMs(std::string_view text) {
  std::optional<NumberWithUnit> number = splitNumber(text);
  if (!number || number->negative) return std::nullopt;
  const std::string& unit = number->unit;
  if (unit == "us") {
    std::optional<int64_t> micros = scaled(*number, 1);
    if (!micros) return std::nullopt;
    return *micros / 1000;
  }
  int64_t multiplier = 0;
  if (unit.empty() || unit == "ms") multiplier = 1;
  else if (unit == "s") multiplier = 1000;
  else if (unit == "m" || unit == "min") multiplier = 60 * 1000;
  else if (unit == "h") multiplier = 3600 * 1000;
  else if (unit == "d") multiplier = 24 * 3600 * 1000;
  else return std::nullopt;
  return scaled(*number, multiplier);
}

std::string formatSparkBytes(int64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits{"b", "k", "m", "g", "t", "p"};
  if (bytes < 0) return std::to_string(bytes);  // -1: Spark's "disabled"
  size_t unit = 0;
  while (bytes != 0 && bytes % 1024 == 0 && unit + 1 < kUnits.size()) {
    bytes /= 1024;
    ++unit;
  }
  return std::to_string(bytes) + kUnits[unit];
}

}  // namespace jobtuner::core

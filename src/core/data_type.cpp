#include "core/data_type.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "core/nearest_name.h"

namespace jobtuner::core {

namespace {

std::string trimmedLower(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      result += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return result;
}

std::optional<DataType> simpleType(std::string_view name) {
  if (name == "int64" || name == "bigint" || name == "long" || name == "int") return DataType::int64();
  if (name == "double" || name == "float" || name == "float64") return DataType::float64();
  if (name == "string" || name == "varchar" || name == "text") return DataType::string();
  if (name == "bool" || name == "boolean") return DataType::boolean();
  if (name == "timestamp") return DataType::timestamp();
  return std::nullopt;
}

std::optional<int> parseSmallInt(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Parses "decimal", "decimal(p)" or "decimal(p,s)" into `type`; returns the reason on failure.
std::string parseDecimal(std::string_view name, DataType& type) {
  std::string_view rest = name.substr(std::string_view("decimal").size());
  int precision = DataType::kMaxDecimalPrecision;
  int scale = 0;
  if (!rest.empty()) {
    if (rest.front() != '(' || rest.back() != ')') {
      return fmt::format("a decimal type is written decimal(precision,scale), not '{}'", name);
    }
    rest = rest.substr(1, rest.size() - 2);
    size_t comma = rest.find(',');
    std::optional<int> p = parseSmallInt(rest.substr(0, comma));
    std::optional<int> s = comma == std::string_view::npos ? std::optional<int>(0)
                                                           : parseSmallInt(rest.substr(comma + 1));
    if (!p || !s) return fmt::format("a decimal type is written decimal(precision,scale), not '{}'", name);
    precision = *p;
    scale = *s;
  }
  if (precision < 1 || precision > DataType::kMaxDecimalPrecision) {
    return fmt::format("decimal precision must be between 1 and {}: {}", DataType::kMaxDecimalPrecision,
                       precision);
  }
  if (scale < 0 || scale > precision) {
    return fmt::format("decimal scale must be between 0 and the precision ({}): {}", precision, scale);
  }
  type = DataType::decimal(precision, scale);
  return {};
}

std::string parse(std::string_view text, DataType& type) {
  std::string name = trimmedLower(text);
  if (std::optional<DataType> simple = simpleType(name)) {
    type = *simple;
    return {};
  }
  if (name.starts_with("decimal") || name.starts_with("numeric")) {
    if (name.starts_with("numeric")) name.replace(0, 7, "decimal");
    return parseDecimal(name, type);
  }
  return fmt::format("unknown type '{}'{}", text, didYouMean(name, dataTypeNames()));
}

}  // namespace

std::string DataType::name() const {
  switch (kind) {
    case TypeKind::kInt64: return "int64";
    case TypeKind::kDouble: return "double";
    case TypeKind::kDecimal: return fmt::format("decimal({},{})", precision, scale);
    case TypeKind::kString: return "string";
    case TypeKind::kBool: return "bool";
    case TypeKind::kTimestamp: return "timestamp";
    case TypeKind::kNull: return "null";
  }
  return "?";
}

std::optional<DataType> parseDataType(std::string_view text) {
  DataType type;
  if (!parse(text, type).empty()) return std::nullopt;
  return type;
}

std::string parseDataTypeError(std::string_view text) {
  DataType type;
  return parse(text, type);
}

const std::vector<std::string>& dataTypeNames() {
  static const std::vector<std::string> kNames = {"int64", "double", "decimal", "string", "bool", "timestamp"};
  return kNames;
}

int64_t powerOfTen(int exponent) {
  static constexpr std::array<int64_t, 19> kPowers = [] {
    std::array<int64_t, 19> powers{};
    powers[0] = 1;
    for (size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
    return powers;
  }();
  return kPowers[static_cast<size_t>(std::clamp(exponent, 0, 18))];
}

namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain), exact for every int64 day.
int64_t daysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yearOfEra = year - era * 400;
  int64_t dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

int64_t floorDivide(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

CivilTime civilTime(int64_t epochMilliseconds) {
  CivilTime time;
  int64_t days = floorDivide(epochMilliseconds, 86'400'000);
  // The remainder taken directly: days * 86'400'000 overflows near the ends of int64.
  int64_t msOfDay = (epochMilliseconds % 86'400'000 + 86'400'000) % 86'400'000;
  time.hour = static_cast<int>(msOfDay / 3'600'000);
  time.minute = static_cast<int>(msOfDay / 60'000 % 60);
  time.second = static_cast<int>(msOfDay / 1000 % 60);
  time.millisecond = static_cast<int>(msOfDay % 1000);
  // 1970-01-01 was a Thursday (5 with Sunday = 1).
  time.dayOfWeek = static_cast<int>((days % 7 + 7 + 4) % 7) + 1;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t dayOfEra = z - era * 146097;
  int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  int64_t monthIndex = (5 * dayOfYear + 2) / 153;
  time.day = static_cast<int>(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
  time.month = static_cast<int>(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
  time.year = yearOfEra + era * 400 + (time.month <= 2);
  return time;
}

std::optional<int64_t> parseTimestamp(std::string_view text) {
  // Fixed positions: YYYY-MM-DD[( |T)HH:MM:SS[.fff]][Z]
  auto digits = [&](size_t position, size_t count) -> std::optional<int> {
    if (position + count > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = position; i < position + count; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  if (!text.empty() && text.back() == 'Z') text.remove_suffix(1);
  std::optional<int> year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  if (!year || !month || !day || text[4] != '-' || text[7] != '-') return std::nullopt;
  if (*month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  int hour = 0, minute = 0, second = 0, millisecond = 0;
  if (text.size() > 10) {
    std::optional<int> h = digits(11, 2), m = digits(14, 2), s = digits(17, 2);
    if ((text[10] != ' ' && text[10] != 'T') || !h || !m || !s || text[13] != ':' || text[16] != ':') {
      return std::nullopt;
    }
    if (*h > 23 || *m > 59 || *s > 59) return std::nullopt;
    hour = *h, minute = *m, second = *s;
    if (text.size() > 19) {
      if (text[19] != '.' || text.size() < 21 || text.size() > 23) return std::nullopt;
      std::optional<int> fraction = digits(20, text.size() - 20);
      if (!fraction) return std::nullopt;
      millisecond = *fraction * static_cast<int>(powerOfTen(static_cast<int>(23 - text.size())));
    }
  } else if (text.size() != 10) {
    return std::nullopt;
  }
  int64_t days = daysFromCivil(*year, *month, *day);
  if (civilTime(days * 86'400'000).day != *day) return std::nullopt;  // 2026-02-30
  return days * 86'400'000 + hour * 3'600'000LL + minute * 60'000LL + second * 1000LL + millisecond;
}

}  // namespace jobtuner::core

#pragma once

// The values rule expressions compute with: numbers (with the unit the model's names carry),
// booleans and strings. A number that cannot be known (the median of no tasks, a setting that is
// not set) is NaN, and every comparison with it is false, so a rule without data stays silent.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace jobtuner::analyzers {

enum class ValueKind : uint8_t { kNumber, kBool, kString };

/// Units of numbers: the suffixes of the model's names (_ms, _bytes); everything else is a plain
/// number (counts, records, ratios).
enum class Unit : uint8_t { kNone, kMs, kBytes };

struct ValueType {
  ValueKind kind = ValueKind::kNumber;
  Unit unit = Unit::kNone;

  static ValueType number(Unit unit = Unit::kNone) { return {ValueKind::kNumber, unit}; }
  static ValueType boolean() { return {ValueKind::kBool, Unit::kNone}; }
  static ValueType string() { return {ValueKind::kString, Unit::kNone}; }
  bool operator==(const ValueType&) const = default;
};

/// "a duration (ms)", "a size (bytes)", "a number", "a boolean", "a string": for type errors.
std::string describe(ValueType type);

/// A unit's name in messages: "ms", "bytes", "".
const char* unitName(Unit unit);

/// "1.2 s", "3.4 GB", "12", "0.35": how messages and tables show a number of the unit.
std::string formatValue(double value, Unit unit);

struct Value {
  ValueKind kind = ValueKind::kNumber;
  double number = std::numeric_limits<double>::quiet_NaN();
  bool boolean = false;
  std::string text;

  static Value ofNumber(double value) { return Value{ValueKind::kNumber, value, false, {}}; }
  static Value ofBool(bool value) { return Value{ValueKind::kBool, std::numeric_limits<double>::quiet_NaN(), value, {}}; }
  static Value ofString(std::string value) {
    return Value{ValueKind::kString, std::numeric_limits<double>::quiet_NaN(), false, std::move(value)};
  }
  static Value unknown() { return Value{}; }
};

}  // namespace jobtuner::analyzers

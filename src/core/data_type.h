#pragma once

// The value types of the bundled runtime and of the expression language, and their names as users
// write them in job files ("int64", "decimal(12,2)", ...).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobtuner::core {

enum class TypeKind : uint8_t {
  kInt64,
  kDouble,
  /// Fixed-point: the value times 10^scale, held in an int64 (so at most 18 digits of precision).
  kDecimal,
  kString,
  kBool,
  /// Milliseconds since 1970-01-01T00:00:00Z, held in an int64.
  kTimestamp,
  /// The type of a bare `null` literal only; it converts to any other type. No column has it.
  kNull,
};

/// A value type. Only decimals carry parameters.
struct DataType {
  /// Digits an int64 can hold whatever they are: the widest decimal we support.
  static constexpr int kMaxDecimalPrecision = 18;

  TypeKind kind = TypeKind::kNull;
  int precision = 0;
  int scale = 0;

  static DataType int64() { return {TypeKind::kInt64}; }
  static DataType float64() { return {TypeKind::kDouble}; }
  static DataType decimal(int precision, int scale) { return {TypeKind::kDecimal, precision, scale}; }
  static DataType string() { return {TypeKind::kString}; }
  static DataType boolean() { return {TypeKind::kBool}; }
  static DataType timestamp() { return {TypeKind::kTimestamp}; }
  static DataType null() { return {TypeKind::kNull}; }

  bool isNumeric() const {
    return kind == TypeKind::kInt64 || kind == TypeKind::kDouble || kind == TypeKind::kDecimal;
  }
  /// True when values are stored as int64 (int64, decimal, timestamp).
  bool isStoredAsInt64() const {
    return kind == TypeKind::kInt64 || kind == TypeKind::kDecimal || kind == TypeKind::kTimestamp;
  }

  /// Returns the name as users write it: "int64", "double", "decimal(12,2)", "string", "bool",
  /// "timestamp", "null".
  std::string name() const;

  bool operator==(const DataType& other) const = default;
};

/// Parses a type name as users write it (case ignored, spaces allowed inside "decimal( 12 , 2 )").
/// Accepts the aliases SQL users reach for: bigint/long/int → int64, float/float64 → double,
/// boolean → bool, varchar/text → string. Returns nullopt when the text is no type (the caller
/// knows where the text came from and reports it); see parseDataTypeError for the reason.
std::optional<DataType> parseDataType(std::string_view text);

/// Why `text` is not a type name, for error messages: "unknown type 'x' (did you mean ...?)",
/// "decimal precision must be between 1 and 18: 40", ... Empty when parseDataType accepts it.
std::string parseDataTypeError(std::string_view text);

/// The type names users can write, for "did you mean" suggestions.
const std::vector<std::string>& dataTypeNames();

/// 10^exponent for 0 <= exponent <= 18.
int64_t powerOfTen(int exponent);

/// The calendar fields of a timestamp in UTC (proleptic Gregorian calendar).
struct CivilTime {
  int64_t year = 1970;
  int month = 1;        // 1..12
  int day = 1;          // 1..31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millisecond = 0;
  int dayOfWeek = 5;    // 1 = Sunday .. 7 = Saturday, as SQL's dayofweek
};

/// Splits epoch milliseconds into calendar fields, for any instant (negative ones too).
CivilTime civilTime(int64_t epochMilliseconds);

/// Parses "2026-11-22", "2026-11-22 09:30:00", "2026-11-22T09:30:00.250Z" (UTC; a trailing Z is
/// optional) into epoch milliseconds; nullopt when the text is no such instant.
std::optional<int64_t> parseTimestamp(std::string_view text);

}  // namespace jobtuner::core

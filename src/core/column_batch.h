#pragma once

// Columnar batches: the unit of data the runtime moves and the expression evaluator works on.
// A column keeps one vector per physical representation, so hot loops index plain arrays:
// int64, decimal (scaled by 10^scale) and timestamp share `int64s`, bools are bytes, strings a
// vector of std::string. Validity is one byte per row (1 = has a value, 0 = null).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data_type.h"

namespace jobtuner::core {

/// One named, typed column of a schema.
struct Field {
  std::string name;
  DataType type;

  bool operator==(const Field& other) const = default;
};

/// The columns of a batch, in order.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  size_t numFields() const { return fields_.size(); }
  const Field& field(size_t index) const { return fields_[index]; }
  /// Returns the index of the column named exactly `name`.
  std::optional<size_t> findField(std::string_view name) const;
  std::vector<std::string> names() const;

  bool operator==(const Schema& other) const = default;

 private:
  std::vector<Field> fields_;
};

/// A typed vector of values with nulls. The vector matching the type holds the values; the others
/// stay empty. A null row's value slot holds a default (0, "", false) so kernels can compute over
/// every row and mask by validity afterwards.
struct Column {
  DataType type;
  std::vector<uint8_t> valid;
  std::vector<int64_t> int64s;
  std::vector<double> doubles;
  std::vector<uint8_t> bools;
  std::vector<std::string> strings;

  Column() = default;
  explicit Column(DataType columnType) : type(columnType) {}
  /// Returns a column of `numRows` nulls of the given type.
  static Column nulls(DataType columnType, size_t numRows);

  size_t size() const { return valid.size(); }
  bool isNull(size_t row) const { return valid[row] == 0; }
  /// Resizes to `numRows` rows; new rows are null.
  void resize(size_t numRows);
  void reserve(size_t numRows);

  void appendNull();
  /// Appends to an int64, decimal (already scaled) or timestamp column.
  void appendInt64(int64_t value);
  void appendDouble(double value);
  void appendBool(bool value);
  void appendString(std::string_view value);

  /// Renders row `row` for tests and messages: "null", "12", "1.50", "'text'"-free plain text,
  /// "true", ISO 8601 for timestamps.
  std::string toString(size_t row) const;
};

/// Rows in columns under a schema. All columns have the same number of rows.
class ColumnBatch {
 public:
  ColumnBatch() = default;
  /// Empty columns of the schema's types.
  explicit ColumnBatch(Schema schema);
  /// Takes columns that must match the schema's types and all have the same size.
  ColumnBatch(Schema schema, std::vector<Column> columns);

  const Schema& schema() const { return schema_; }
  size_t numRows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  size_t numColumns() const { return columns_.size(); }
  const Column& column(size_t index) const { return columns_[index]; }
  Column& column(size_t index) { return columns_[index]; }

 private:
  Schema schema_;
  std::vector<Column> columns_;
};

/// Renders a decimal held as `unscaled` with `scale` digits after the point ("-1.05").
std::string formatDecimal(int64_t unscaled, int scale);

/// Renders epoch milliseconds as ISO 8601 in UTC ("2026-11-22T09:00:00.000Z"), for any instant
/// including 0 and negative ones.
std::string formatTimestamp(int64_t epochMilliseconds);

}  // namespace jobtuner::core

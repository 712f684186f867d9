#include "core/column_batch.h"

#include <fmt/format.h>

#include <stdexcept>

namespace jobtuner::core {

std::optional<size_t> Schema::findField(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> result;
  result.reserve(fields_.size());
  for (const Field& field : fields_) result.push_back(field.name);
  return result;
}

Column Column::nulls(DataType columnType, size_t numRows) {
  Column column(columnType);
  column.resize(numRows);
  return column;
}

void Column::resize(size_t numRows) {
  valid.resize(numRows, 0);
  switch (type.kind) {
    case TypeKind::kInt64:
    case TypeKind::kDecimal:
    case TypeKind::kTimestamp: int64s.resize(numRows, 0); break;
    case TypeKind::kDouble: doubles.resize(numRows, 0.0); break;
    case TypeKind::kBool: bools.resize(numRows, 0); break;
    case TypeKind::kString: strings.resize(numRows); break;
    case TypeKind::kNull: break;
  }
}

void Column::reserve(size_t numRows) {
  valid.reserve(numRows);
  switch (type.kind) {
    case TypeKind::kInt64:
    case TypeKind::kDecimal:
    case TypeKind::kTimestamp: int64s.reserve(numRows); break;
    case TypeKind::kDouble: doubles.reserve(numRows); break;
    case TypeKind::kBool: bools.reserve(numRows); break;
    case TypeKind::kString: strings.reserve(numRows); break;
    case TypeKind::kNull: break;
  }
}

void Column::appendNull() { resize(size() + 1); }

void Column::appendInt64(int64_t value) {
  valid.push_back(1);
  int64s.push_back(value);
}

void Column::appendDouble(double value) {
  valid.push_back(1);
  doubles.push_back(value);
}

void Column::appendBool(bool value) {
  valid.push_back(1);
  bools.push_back(value ? 1 : 0);
}

void Column::appendString(std::string_view value) {
  valid.push_back(1);
  strings.emplace_back(value);
}

std::string Column::toString(size_t row) const {
  if (isNull(row)) return "null";
  switch (type.kind) {
    case TypeKind::kInt64: return std::to_string(int64s[row]);
    case TypeKind::kDecimal: return formatDecimal(int64s[row], type.scale);
    case TypeKind::kTimestamp: return formatTimestamp(int64s[row]);
    case TypeKind::kDouble: return fmt::format("{}", doubles[row]);
    case TypeKind::kBool: return bools[row] ? "true" : "false";
    case TypeKind::kString: return strings[row];
    case TypeKind::kNull: return "null";
  }
  return "?";
}

ColumnBatch::ColumnBatch(Schema schema) : schema_(std::move(schema)) {
  for (const Field& field : schema_.fields()) columns_.emplace_back(field.type);
}

ColumnBatch::ColumnBatch(Schema schema, std::vector<Column> columns)
    : schema_(std::move(schema)), columns_(std::move(columns)) {
  // A mismatch is a bug in whoever built the batch, never something a user's input can cause.
  if (columns_.size() != schema_.numFields()) {
    throw std::logic_error(fmt::format("a batch needs {} columns, got {}", schema_.numFields(), columns_.size()));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (!(columns_[i].type == schema_.field(i).type) || columns_[i].size() != columns_.front().size()) {
      throw std::logic_error(fmt::format("column '{}' does not match the batch's schema or row count",
                                         schema_.field(i).name));
    }
  }
}

std::string formatDecimal(int64_t unscaled, int scale) {
  // Work in unsigned so the most negative int64 has a magnitude.
  bool negative = unscaled < 0;
  uint64_t magnitude = negative ? ~static_cast<uint64_t>(unscaled) + 1 : static_cast<uint64_t>(unscaled);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    size_t width = static_cast<size_t>(scale);
    if (digits.size() <= width) digits.insert(0, width + 1 - digits.size(), '0');
    digits.insert(digits.size() - width, ".");
  }
  return negative ? "-" + digits : digits;
}

std::string formatTimestamp(int64_t epochMilliseconds) {
  CivilTime time = civilTime(epochMilliseconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", time.year, time.month, time.day, time.hour,
                     time.minute, time.second, time.millisecond);
}

}  // namespace jobtuner::core

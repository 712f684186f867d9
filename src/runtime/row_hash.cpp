#include "runtime/row_hash.h"

#include <cmath>
#include <cstring>
#include <string_view>

namespace jobtuner::runtime {

namespace {

constexpr uint64_t kNullHash = 0x9ae16a3b2f90404fULL;

uint64_t hashDouble(double value) {
  if (value == 0) value = 0;  // -0.0 == 0.0
  if (std::isnan(value)) return 0x7ff8000000000000ULL;
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  return mix64(bits);
}

}  // namespace

void hashRows(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, std::vector<uint64_t>& out) {
  size_t rows = batch.numRows();
  out.assign(rows, 0x243f6a8885a308d3ULL);
  for (int key : keyColumns) {
    const core::Column& column = batch.column(static_cast<size_t>(key));
    const uint8_t* valid = column.valid.data();
    switch (column.type.kind) {
      case core::TypeKind::kInt64:
      case core::TypeKind::kDecimal:
      case core::TypeKind::kTimestamp: {
        const int64_t* values = column.int64s.data();
        for (size_t i = 0; i < rows; ++i) {
          uint64_t h = valid[i] ? mix64(static_cast<uint64_t>(values[i])) : kNullHash;
          out[i] = mix64(out[i] ^ h) + h;
        }
        break;
      }
      case core::TypeKind::kDouble:
        for (size_t i = 0; i < rows; ++i) {
          uint64_t h = valid[i] ? hashDouble(column.doubles[i]) : kNullHash;
          out[i] = mix64(out[i] ^ h) + h;
        }
        break;
      case core::TypeKind::kBool:
        for (size_t i = 0; i < rows; ++i) {
          uint64_t h = valid[i] ? mix64(column.bools[i] + 1) : kNullHash;
          out[i] = mix64(out[i] ^ h) + h;
        }
        break;
      case core::TypeKind::kString: {
        std::hash<std::string_view> hasher;
        for (size_t i = 0; i < rows; ++i) {
          uint64_t h = valid[i] ? mix64(hasher(column.strings[i])) : kNullHash;
          out[i] = mix64(out[i] ^ h) + h;
        }
        break;
      }
      case core::TypeKind::kNull:
        for (size_t i = 0; i < rows; ++i) out[i] = mix64(out[i] ^ kNullHash) + kNullHash;
        break;
    }
  }
  for (size_t i = 0; i < rows; ++i) out[i] = mix64(out[i]);
}

bool keysEqual(const core::ColumnBatch& left, const std::vector<int>& leftKeys, size_t a, const core::ColumnBatch& right,
               const std::vector<int>& rightKeys, size_t b) {
  for (size_t k = 0; k < leftKeys.size(); ++k) {
    const core::Column& x = left.column(static_cast<size_t>(leftKeys[k]));
    const core::Column& y = right.column(static_cast<size_t>(rightKeys[k]));
    bool xValid = x.valid[a], yValid = y.valid[b];
    if (xValid != yValid) return false;
    if (!xValid) continue;
    switch (x.type.kind) {
      case core::TypeKind::kInt64:
      case core::TypeKind::kDecimal:
      case core::TypeKind::kTimestamp:
        if (x.int64s[a] != y.int64s[b]) return false;
        break;
      case core::TypeKind::kDouble: {
        double p = x.doubles[a], q = y.doubles[b];
        if (!(p == q || (std::isnan(p) && std::isnan(q)))) return false;
        break;
      }
      case core::TypeKind::kBool:
        if (x.bools[a] != y.bools[b]) return false;
        break;
      case core::TypeKind::kString:
        if (x.strings[a] != y.strings[b]) return false;
        break;
      case core::TypeKind::kNull: break;
    }
  }
  return true;
}

bool anyKeyNull(const core::ColumnBatch& batch, const std::vector<int>& keys, size_t row) {
  for (int key : keys) {
    if (!batch.column(static_cast<size_t>(key)).valid[row]) return true;
  }
  return false;
}

std::string keyText(const core::ColumnBatch& batch, const std::vector<int>& keys, size_t row) {
  std::string text;
  for (size_t k = 0; k < keys.size(); ++k) {
    if (k > 0) text += ',';
    text += batch.column(static_cast<size_t>(keys[k])).toString(row);
  }
  return text;
}

}  // namespace jobtuner::runtime

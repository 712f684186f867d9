#include "runtime/sort_rows.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/expression_evaluator.h"

namespace jobtuner::runtime {

namespace {

/// -1, 0, 1 comparing row a of column x with row b of column y (same type), nulls by the key.
int compareValues(const core::Column& x, size_t a, const core::Column& y, size_t b, const SortKey& key) {
  bool xNull = !x.valid[a], yNull = !y.valid[b];
  if (xNull || yNull) {
    if (xNull && yNull) return 0;
    // Nulls first means a null is "smaller" in the final order whatever the direction.
    int nullOrder = key.nullsFirst ? -1 : 1;
    return xNull ? nullOrder : -nullOrder;
  }
  int order = 0;
  switch (x.type.kind) {
    case core::TypeKind::kDouble: {
      double p = x.doubles[a], q = y.doubles[b];
      bool pNan = std::isnan(p), qNan = std::isnan(q);
      order = pNan || qNan ? (pNan == qNan ? 0 : pNan ? 1 : -1) : (p < q ? -1 : p > q ? 1 : 0);
      break;
    }
    case core::TypeKind::kBool: order = x.bools[a] < y.bools[b] ? -1 : x.bools[a] > y.bools[b] ? 1 : 0; break;
    case core::TypeKind::kString: {
      int c = x.strings[a].compare(y.strings[b]);
      order = c < 0 ? -1 : c > 0 ? 1 : 0;
      break;
    }
    case core::TypeKind::kNull: order = 0; break;
    default: order = x.int64s[a] < y.int64s[b] ? -1 : x.int64s[a] > y.int64s[b] ? 1 : 0; break;
  }
  return key.ascending ? order : -order;
}

}  // namespace

std::vector<uint32_t> sortPermutation(const core::ColumnBatch& batch, const std::vector<SortKey>& keys) {
  std::vector<uint32_t> order(batch.numRows());
  std::iota(order.begin(), order.end(), 0u);
  // A single int64-like key without nulls, the common case, sorts on values directly.
  if (keys.size() == 1) {
    const core::Column& column = batch.column(static_cast<size_t>(keys[0].column));
    bool noNulls = std::all_of(column.valid.begin(), column.valid.end(), [](uint8_t v) { return v == 1; });
    if (noNulls && column.type.isStoredAsInt64()) {
      const int64_t* values = column.int64s.data();
      if (keys[0].ascending) {
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return values[a] < values[b]; });
      } else {
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return values[a] > values[b]; });
      }
      return order;
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    for (const SortKey& key : keys) {
      const core::Column& column = batch.column(static_cast<size_t>(key.column));
      int c = compareValues(column, a, column, b, key);
      if (c != 0) return c < 0;
    }
    return false;
  });
  return order;
}

core::ColumnBatch sortBatch(const core::ColumnBatch& batch, const std::vector<SortKey>& keys) {
  return core::takeRows(batch, sortPermutation(batch, keys));
}

int compareRows(const core::ColumnBatch& left, size_t a, const core::ColumnBatch& right, size_t b,
                const std::vector<SortKey>& keys) {
  for (const SortKey& key : keys) {
    auto column = static_cast<size_t>(key.column);
    int c = compareValues(left.column(column), a, right.column(column), b, key);
    if (c != 0) return c;
  }
  return 0;
}

core::ColumnBatch pickRangeBounds(const core::ColumnBatch& sample, const std::vector<SortKey>& keys, int numPartitions) {
  std::vector<uint32_t> order = sortPermutation(sample, keys);
  std::vector<uint32_t> chosen;
  size_t rows = order.size();
  for (int i = 1; i < numPartitions && rows > 0; ++i) {
    size_t position = static_cast<size_t>(static_cast<double>(i) * static_cast<double>(rows) / numPartitions);
    if (position >= rows) break;
    uint32_t candidate = order[position];
    // Equal split points would leave a range empty; keep each distinct bound once.
    if (!chosen.empty()) {
      bool same = true;
      for (size_t k = 0; k < keys.size() && same; ++k) {
        const core::Column& column = sample.column(static_cast<size_t>(keys[k].column));
        same = compareValues(column, chosen.back(), column, candidate, keys[k]) == 0;
      }
      if (same) continue;
    }
    chosen.push_back(candidate);
  }
  std::vector<core::Column> columns;
  for (size_t k = 0; k < keys.size(); ++k) {
    columns.push_back(core::takeRows(sample.column(static_cast<size_t>(keys[k].column)), chosen));
  }
  std::vector<core::Field> fields;
  for (const SortKey& key : keys) fields.push_back(sample.schema().field(static_cast<size_t>(key.column)));
  return core::ColumnBatch(core::Schema(std::move(fields)), std::move(columns));
}

std::vector<int> rangePartition(const core::ColumnBatch& batch, const std::vector<SortKey>& keys,
                                const core::ColumnBatch& bounds) {
  size_t rows = batch.numRows();
  size_t numBounds = bounds.numColumns() == 0 ? 0 : bounds.numRows();
  std::vector<int> partitions(rows, 0);
  auto compareToBound = [&](size_t row, size_t bound) {
    for (size_t k = 0; k < keys.size(); ++k) {
      int c = compareValues(batch.column(static_cast<size_t>(keys[k].column)), row, bounds.column(k), bound, keys[k]);
      if (c != 0) return c;
    }
    return 0;
  };
  for (size_t row = 0; row < rows; ++row) {
    // The first bound the row sorts before (ties go to the lower range): binary search.
    size_t low = 0, high = numBounds;
    while (low < high) {
      size_t mid = (low + high) / 2;
      if (compareToBound(row, mid) > 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    partitions[row] = static_cast<int>(low);
  }
  return partitions;
}

}  // namespace jobtuner::runtime

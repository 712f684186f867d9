#pragma once

// Sorting rows by key columns, and the range partitioning of a distributed sort. Nulls come first
// in ascending order and last in descending order (Spark's defaults); NaN sorts above every other
// double; strings compare bytewise. Sorts are stable.

#include <cstdint>
#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

struct SortKey {
  int column = 0;
  bool ascending = true;
  bool nullsFirst = true;
};

std::vector<uint32_t> sortPermutation(const core::ColumnBatch& batch, const std::vector<SortKey>& keys);
core::ColumnBatch sortBatch(const core::ColumnBatch& batch, const std::vector<SortKey>& keys);

/// -1, 0 or 1: row `a` of `left` against row `b` of `right` (batches of one schema) in the keys'
/// order; what merging sorted runs compares.
int compareRows(const core::ColumnBatch& left, size_t a, const core::ColumnBatch& right, size_t b,
                const std::vector<SortKey>& keys);

/// Split points for `numPartitions` ranges from a sample holding only the key columns (column k is
/// key k): at most numPartitions - 1 rows, ascending in the keys' order.
core::ColumnBatch pickRangeBounds(const core::ColumnBatch& sample, const std::vector<SortKey>& keys, int numPartitions);

/// The range of every row of `batch`: the number of bounds that sort before it. `keys` index
/// `batch`; bounds hold the keys' columns in order.
std::vector<int> rangePartition(const core::ColumnBatch& batch, const std::vector<SortKey>& keys,
                                const core::ColumnBatch& bounds);

}  // namespace jobtuner::runtime

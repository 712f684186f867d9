#pragma once

// A hash table from key values to dense group numbers (0, 1, 2, ... in first-seen order), with the
// keys kept as columns. Aggregation, distinct and the join's build side use it. Open addressing
// with linear probing; a single int64-like key takes a fast path that compares values directly.

#include <cstdint>
#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

class GroupTable {
 public:
  /// `keySchema` holds the key columns' fields, in order.
  explicit GroupTable(core::Schema keySchema);

  /// For every row of `batch`: the group of its values in `keyColumns` (created when new).
  /// `hashes` are hashRows() of those columns.
  void findOrInsert(const core::ColumnBatch& batch, const std::vector<int>& keyColumns,
                    const std::vector<uint64_t>& hashes, std::vector<uint32_t>& groups);

  /// The group of row `row`, or -1 when no group has its key (does not insert).
  int64_t find(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, uint64_t hash, size_t row) const;

  size_t numGroups() const { return hashes_.size(); }
  /// The keys, one row per group; moved out by takeKeys().
  const core::ColumnBatch& keys() const { return keys_; }
  core::ColumnBatch takeKeys() { return std::move(keys_); }
  size_t memoryBytes() const;

 private:
  void grow();
  bool equalsGroup(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, size_t row, uint32_t group) const;

  core::ColumnBatch keys_;
  std::vector<int> ownKeys_;        // 0..n-1: the key columns of keys_
  std::vector<uint32_t> slots_;     // group + 1, 0 = empty
  std::vector<uint64_t> hashes_;    // per group
  uint64_t mask_ = 0;
  bool singleInt64_ = false;
};

/// Appends row `row` of `source` to `target` (same type).
void appendValueFrom(core::Column& target, const core::Column& source, size_t row);

}  // namespace jobtuner::runtime

#pragma once

// A hash table from key values to dense group numbers (0, 1, 2, ... in first-seen order), with the
// keys kept as columns. Aggregation, distinct and the join's build side use it. Open addressing
// with linear probing. A single int64-like key (most joins and group-bys) takes a fast path that
// keeps the key beside its group in the slot: a lookup in a table of millions of keys then costs
// one cache miss instead of three (slot, hash, key).

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

  /// Makes room for `groups` groups without growing on the way (a join's build knows its rows).
  void reserve(size_t groups);

  size_t numGroups() const { return hashes_.size(); }
  /// The keys, one row per group; moved out by takeKeys().
  const core::ColumnBatch& keys() const { return keys_; }
  core::ColumnBatch takeKeys() { return std::move(keys_); }
  size_t memoryBytes() const;

 private:
  struct IntSlot {
    int64_t key = 0;
    uint32_t entry = 0;  // group + 1, 0 = empty
  };

  void grow();
  void rehash(size_t slots);
  uint32_t newGroup(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, size_t row, uint64_t hash);
  void findOrInsertInt64(const core::ColumnBatch& batch, const std::vector<int>& keyColumns,
                         const std::vector<uint64_t>& hashes, std::vector<uint32_t>& groups);
  bool equalsGroup(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, size_t row, uint32_t group) const;

  core::ColumnBatch keys_;
  std::vector<int> ownKeys_;        // 0..n-1: the key columns of keys_
  std::vector<uint32_t> slots_;     // group + 1, 0 = empty (keys other than a single int64)
  std::vector<IntSlot> intSlots_;   // a single int64 key: the key and its group
  std::vector<uint64_t> hashes_;    // per group
  uint64_t mask_ = 0;
  bool singleInt64_ = false;
  int64_t nullGroup_ = -1;          // a single int64 key: the group of null, kept out of intSlots_
};

/// Appends row `row` of `source` to `target` (same type).
void appendValueFrom(core::Column& target, const core::Column& source, size_t row);

}  // namespace jobtuner::runtime

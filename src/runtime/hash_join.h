#pragma once

// The hash join of a shuffle hash join and of a broadcast hash join: the build side (the step's
// `with`) goes into a JoinTable, the probe side streams through it. Output: the probe side's
// columns then the build side's non-key columns (inner, left); the probe side's only (semi, anti).
// Null keys never match: a left join keeps such rows with nulls, an anti join keeps them.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/column_batch.h"
#include "runtime/group_table.h"

namespace jobtuner::runtime {

enum class JoinType : uint8_t { kInner, kLeft, kSemi, kAnti };

/// The build side: every build row, chained per distinct key. Built once, then only read, so the
/// tasks of one executor can share a broadcast's table (see broadcast_tables.h).
class JoinTable {
 public:
  JoinTable(core::Schema build, std::vector<int> buildKeys);

  void add(const core::ColumnBatch& batch);
  void finish();

  /// The first build row whose key equals the probe row's (hash given), or -1.
  int64_t firstMatch(const core::ColumnBatch& probe, const std::vector<int>& probeKeys, uint64_t hash, size_t row) const;
  /// The build row after `row` with the same key, or -1.
  int64_t nextMatch(int64_t row) const { return uniqueKeys_ ? -1 : nextRow_[static_cast<size_t>(row)]; }
  const core::ColumnBatch& rows() const { return build_; }
  const core::Schema& schema() const { return schema_; }
  const std::vector<int>& keys() const { return keyColumns_; }
  size_t memoryBytes() const;

 private:
  core::Schema schema_;
  std::vector<int> keyColumns_;
  std::vector<core::ColumnBatch> pending_;   // build batches until finish
  core::ColumnBatch build_;                  // all build rows
  GroupTable keys_;                          // distinct build keys -> group
  std::vector<int64_t> firstRow_;            // per group: its first build row
  std::vector<int64_t> nextRow_;             // per build row: the next row of its group, or -1
  bool uniqueKeys_ = false;                  // row r is group r: no chains
};

class HashJoin {
 public:
  /// `table` must be finished.
  HashJoin(JoinType type, std::shared_ptr<const JoinTable> table, core::Schema probe, std::vector<int> probeKeys);

  core::ColumnBatch probe(const core::ColumnBatch& batch);
  size_t memoryBytes() const { return table_->memoryBytes(); }
  const core::Schema& outputSchema() const { return output_; }

 private:
  JoinType type_;
  std::shared_ptr<const JoinTable> table_;
  core::Schema probeSchema_;
  std::vector<int> probeKeys_;
  core::Schema output_;
  std::vector<int> buildPayload_;            // build columns in the output
  std::vector<uint64_t> hashes_;
};

}  // namespace jobtuner::runtime

#pragma once

// The hash join of a shuffle hash join and of a broadcast hash join: the build side (the step's
// `with`) goes into a hash table, the probe side streams through it. Output: the probe side's
// columns then the build side's non-key columns (inner, left); the probe side's only (semi, anti).
// Null keys never match: a left join keeps such rows with nulls, an anti join keeps them.

#include <cstdint>
#include <vector>

#include "core/column_batch.h"
#include "runtime/group_table.h"

namespace jobtuner::runtime {

enum class JoinType : uint8_t { kInner, kLeft, kSemi, kAnti };

class HashJoin {
 public:
  HashJoin(JoinType type, core::Schema build, std::vector<int> buildKeys, core::Schema probe, std::vector<int> probeKeys);

  void addBuild(const core::ColumnBatch& batch);
  void finishBuild();
  core::ColumnBatch probe(const core::ColumnBatch& batch);
  size_t memoryBytes() const;
  const core::Schema& outputSchema() const { return output_; }

 private:
  JoinType type_;
  core::Schema buildSchema_;
  std::vector<int> buildKeys_;
  core::Schema probeSchema_;
  std::vector<int> probeKeys_;
  core::Schema output_;
  std::vector<int> buildPayload_;            // build columns in the output
  std::vector<core::ColumnBatch> pending_;   // build batches until finishBuild
  core::ColumnBatch build_;                  // all build rows
  GroupTable keys_;                          // distinct build keys -> group
  std::vector<int64_t> firstRow_;            // per group: its first build row
  std::vector<int64_t> nextRow_;             // per build row: the next row of its group, or -1
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> groups_;
};

}  // namespace jobtuner::runtime

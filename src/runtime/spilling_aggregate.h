#pragma once

// Hash aggregation (and distinct) in bounded memory. Groups accumulate in a HashAggregator whose
// memory is reserved from the task, a chunk at a time. When the memory manager refuses a chunk,
// the groups are spilled as one sorted run: their state rows ordered by the hash of their keys.
// The aggregator is then emptied and aggregation continues. At finish the runs and the groups
// still in memory are merged with a streaming k-way merge on the hash: all rows of a hash (one
// per run at most, collisions aside) meet in the same merge batch, so a merge batch holds the
// groups of a few thousand hashes however many groups there are. Spilled rows are state rows
// whatever the mode, so the merge is an intermediate round (partial, intermediate) or the final
// one (final); the result equals the in-memory result, rows in another order.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "runtime/hash_aggregate.h"
#include "runtime/task_memory.h"

namespace jobtuner::runtime {

class SpillingAggregate {
 public:
  SpillingAggregate(AggregateMode mode, core::Schema input, std::vector<int> keys, std::vector<AggregateCall> calls,
                    TaskMemory& memory);

  void add(const core::ColumnBatch& batch);
  /// Hands every result batch to `emit`: one batch when nothing spilled, else a batch per merge
  /// step. The aggregate is spent.
  void finish(const std::function<void(core::ColumnBatch)>& emit);

  size_t numRuns() const { return runs_.size(); }

 private:
  HashAggregator freshAggregator() const;
  void spill();

  AggregateMode mode_;
  core::Schema input_;
  std::vector<int> keys_;
  std::vector<AggregateCall> calls_;
  core::Schema stateSchema_;
  std::vector<int> stateKeys_;  // 0..keys-1: the keys lead a state row
  std::optional<HashAggregator> aggregator_;
  MemoryReservation reservation_;
  std::vector<std::filesystem::path> runs_;
};

}  // namespace jobtuner::runtime

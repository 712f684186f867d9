#pragma once

// Hash aggregation in three modes, so an aggregate can run on both sides of a shuffle:
//   partial       input rows -> one row per group of keys and *state* columns
//   intermediate  state rows -> merged state rows (the first round of a salted aggregate)
//   final         state rows -> keys and results
// State per call: count -> int64; sum -> the sum's type; min/max -> the input's type; avg -> sum
// (double, or an exact decimal) and count; count_distinct -> the distinct values themselves,
// encoded in one string column. SQL semantics: nulls are skipped by every function but count(*);
// a group whose values are all null sums to null; null keys form a group of their own; a global
// aggregate (no keys) over no rows still yields one row.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/column_batch.h"
#include "runtime/group_table.h"

namespace jobtuner::runtime {

enum class AggregateMode : uint8_t { kPartial, kIntermediate, kFinal };

enum class AggregateFunction : uint8_t { kCount, kCountStar, kCountDistinct, kSum, kMin, kMax, kAvg };

struct AggregateCall {
  AggregateFunction function = AggregateFunction::kCountStar;
  int column = -1;  // in the raw input; -1 for count(*)
  std::string outputName;
};

/// Keys, then each call's state columns.
core::Schema partialSchema(const core::Schema& input, const std::vector<int>& keys, const std::vector<AggregateCall>& calls);

/// Keys (the first keys.size() columns of the state), then one result per call.
core::Schema finalSchema(const core::Schema& stateSchema, const std::vector<int>& keys,
                         const std::vector<AggregateCall>& calls);

class HashAggregator {
 public:
  /// `input` is the raw input's schema for kPartial and the state schema otherwise; `keys` index it.
  HashAggregator(AggregateMode mode, core::Schema input, std::vector<int> keys, std::vector<AggregateCall> calls);
  ~HashAggregator();
  HashAggregator(HashAggregator&&) noexcept;

  void add(const core::ColumnBatch& batch);
  /// Every group: state rows (partial, intermediate) or results (final). The aggregator is spent.
  core::ColumnBatch finish();
  /// Every group as a state row, whatever the mode (what a spill writes; a final-mode aggregator
  /// merges such rows back). The aggregator is spent.
  core::ColumnBatch takeState();
  /// Keys (columns 0..keys-1), then each call's state columns: the rows takeState() returns.
  core::Schema stateSchema() const;
  size_t memoryBytes() const;
  size_t numGroups() const { return groups_.numGroups(); }

 private:
  struct CallState;

  void growStates(size_t groups);
  core::ColumnBatch emit(bool emitState);

  AggregateMode mode_;
  core::Schema input_;
  std::vector<int> keys_;
  std::vector<AggregateCall> calls_;
  std::vector<int> stateColumns_;  // per call: its first state column in the input (merge modes)
  GroupTable groups_;
  std::vector<std::unique_ptr<CallState>> states_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> groupOfRow_;
};

}  // namespace jobtuner::runtime

#pragma once

// Hashing rows by key columns, the same way on every executor of a run: shuffles partition by it,
// hash tables find groups and matches by it. Equal keys of one type hash equally (nulls alike,
// -0.0 like 0.0, every NaN like every other).

#include <cstdint>
#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

/// out[row] = the hash of the row's values in `keyColumns`.
void hashRows(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, std::vector<uint64_t>& out);

/// The partition in [0, n) of a hash, from its high bits (the low bits also pick hash-table slots).
inline int partitionOf(uint64_t hash, int n) {
  return static_cast<int>(((hash >> 32) * static_cast<uint64_t>(n)) >> 32);
}

/// A 64-bit finalizer (murmur3's): spreads every input bit over the output.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/// True when row `a` of `left` (columns `leftKeys`) equals row `b` of `right` (columns
/// `rightKeys`); nulls equal nulls here (grouping), callers that join skip null keys first.
bool keysEqual(const core::ColumnBatch& left, const std::vector<int>& leftKeys, size_t a, const core::ColumnBatch& right,
               const std::vector<int>& rightKeys, size_t b);

/// True when any of the row's key columns is null.
bool anyKeyNull(const core::ColumnBatch& batch, const std::vector<int>& keys, size_t row);

/// The key columns of a row as text ("17", "c42", "a,b" for two columns): how profiles name hot keys.
std::string keyText(const core::ColumnBatch& batch, const std::vector<int>& keys, size_t row);

}  // namespace jobtuner::runtime

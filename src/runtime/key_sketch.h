#pragma once

// The heaviest keys a map task wrote to a shuffle, in bounded memory: the Misra-Gries summary
// weighted by each row's bytes (at most `capacity` counters; a key holding more than 1/capacity
// of the bytes is always kept, and its bytes are low by at most bytes/capacity). Bytes, not rows:
// a partial aggregate writes one row per key and map task, and a count_distinct's row carries the
// key's whole distinct set, so the key that skews a stage can be one of few, very large rows.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

class KeySketch {
 public:
  struct Entry {
    std::string key;
    int64_t records = 0;
    int64_t bytes = 0;
  };

  explicit KeySketch(size_t capacity = 64) : capacity_(capacity) {}

  /// Counts the rows of `batch` by their keys (hashes from hashRows on `keys`) and their bytes
  /// (an estimate of each row's serialized size).
  void addBatch(const core::ColumnBatch& batch, const std::vector<int>& keys, const std::vector<uint64_t>& hashes);

  /// The counted keys, most bytes first, at most `n`.
  std::vector<Entry> top(size_t n) const;

 private:
  size_t capacity_;
  std::unordered_map<uint64_t, Entry> counters_;
  std::vector<int64_t> weights_;  // the current batch's row bytes
};

}  // namespace jobtuner::runtime

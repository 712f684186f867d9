#pragma once

// Key salting, what the advisor rewrites to spread a hot key over several tasks. Hot keys are
// named as users write them in a profile: the key's value as text ("17", "c42"; several key
// columns joined with ","). No hot keys listed means every key is salted.

#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

/// Salts in [0, buckets) for the rows of hot keys, 0 for the others: random, or the hash of one
/// column's value (valueColumn >= 0), so that equal values always share a salt.
class SaltAssigner {
 public:
  SaltAssigner(int64_t buckets, const std::vector<std::string>& hotKeys, uint64_t seed);
  core::Column assign(const core::ColumnBatch& batch, const std::vector<int>& keys, int valueColumn = -1);

 private:
  int64_t buckets_;
  std::unordered_set<std::string> hot_;
  std::mt19937_64 random_;
};

/// The build side of a salted join: each row of a hot key once per salt value (salt column
/// appended), every other row once with salt 0.
core::ColumnBatch replicateForSalt(const core::ColumnBatch& batch, const std::vector<int>& keys,
                                   const std::vector<std::string>& hotKeys, int64_t buckets);

}  // namespace jobtuner::runtime

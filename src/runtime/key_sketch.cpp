#include "runtime/key_sketch.h"

#include <algorithm>

#include "runtime/row_hash.h"

namespace jobtuner::runtime {

namespace {

/// A cheap estimate of each row's serialized size into `bytes`: 9 bytes per fixed-width value,
/// strings by length.
void rowBytes(const core::ColumnBatch& batch, std::vector<int64_t>& bytes) {
  bytes.assign(batch.numRows(), 0);
  for (size_t c = 0; c < batch.numColumns(); ++c) {
    const core::Column& column = batch.column(c);
    if (column.type.kind == core::TypeKind::kString) {
      for (size_t row = 0; row < bytes.size(); ++row) bytes[row] += static_cast<int64_t>(column.strings[row].size()) + 5;
    } else {
      for (int64_t& row : bytes) row += 9;
    }
  }
}

}  // namespace

void KeySketch::addBatch(const core::ColumnBatch& batch, const std::vector<int>& keys, const std::vector<uint64_t>& hashes) {
  rowBytes(batch, weights_);  // a member: the shuffle writer calls this for every batch
  for (size_t row = 0; row < batch.numRows(); ++row) {
    int64_t weight = weights_[row];
    auto found = counters_.find(hashes[row]);
    if (found != counters_.end()) {
      ++found->second.records;
      found->second.bytes += weight;
      continue;
    }
    // Full: every counter loses the smallest weight (or the new row's, if smaller), the ones at
    // zero make room, and the new row keeps what is left of its weight. Each pass either removes a
    // counter or uses up the row, so a row costs O(capacity) amortized.
    while (counters_.size() >= capacity_ && weight > 0) {
      int64_t least = weight;
      for (const auto& [hash, entry] : counters_) least = std::min(least, entry.bytes);
      weight -= least;
      for (auto it = counters_.begin(); it != counters_.end();) {
        Entry& entry = it->second;
        // Records shrink in proportion, so a kept key's records stay a lower bound.
        entry.records -= static_cast<int64_t>(static_cast<double>(entry.records) * static_cast<double>(least) / static_cast<double>(entry.bytes));
        entry.bytes -= least;
        if (entry.bytes <= 0) {
          it = counters_.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (weight > 0) counters_.emplace(hashes[row], Entry{keyText(batch, keys, row), 1, weight});
  }
}

std::vector<KeySketch::Entry> KeySketch::top(size_t n) const {
  std::vector<Entry> entries;
  for (const auto& [hash, entry] : counters_) entries.push_back(entry);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.key < b.key;
  });
  if (entries.size() > n) entries.resize(n);
  return entries;
}

}  // namespace jobtuner::runtime

#include "runtime/key_sketch.h"

#include <algorithm>

#include "runtime/row_hash.h"

namespace jobtuner::runtime {

namespace {

/// A cheap estimate of a row's serialized size: 9 bytes per fixed-width value, strings by length.
int64_t averageRowBytes(const core::ColumnBatch& batch) {
  if (batch.numRows() == 0) return 0;
  int64_t bytes = 0;
  for (size_t c = 0; c < batch.numColumns(); ++c) {
    const core::Column& column = batch.column(c);
    if (column.type.kind == core::TypeKind::kString) {
      for (const std::string& value : column.strings) bytes += static_cast<int64_t>(value.size()) + 5;
    } else {
      bytes += 9 * static_cast<int64_t>(batch.numRows());
    }
  }
  return bytes / static_cast<int64_t>(batch.numRows());
}

}  // namespace

void KeySketch::addBatch(const core::ColumnBatch& batch, const std::vector<int>& keys, const std::vector<uint64_t>& hashes) {
  int64_t rowBytes = averageRowBytes(batch);
  for (size_t row = 0; row < batch.numRows(); ++row) {
    auto found = counters_.find(hashes[row]);
    if (found != counters_.end()) {
      ++found->second.records;
      found->second.bytes += rowBytes;
      continue;
    }
    if (counters_.size() < capacity_) {
      counters_.emplace(hashes[row], Entry{keyText(batch, keys, row), 1, rowBytes});
      continue;
    }
    // Full: every counter loses one, and the ones at zero make room (amortized O(1) per row).
    for (auto it = counters_.begin(); it != counters_.end();) {
      it->second.bytes -= it->second.records > 0 ? it->second.bytes / it->second.records : 0;
      if (--it->second.records == 0) {
        it = counters_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::vector<KeySketch::Entry> KeySketch::top(size_t n) const {
  std::vector<Entry> entries;
  for (const auto& [hash, entry] : counters_) entries.push_back(entry);
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.records != b.records ? a.records > b.records : a.key < b.key;
  });
  if (entries.size() > n) entries.resize(n);
  return entries;
}

}  // namespace jobtuner::runtime

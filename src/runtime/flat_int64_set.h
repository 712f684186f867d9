#pragma once

// A set of 8-byte values in one flat array (open addressing, linear probing): count_distinct's
// state. A node-based std::unordered_set allocates once per value, which made counting a million
// distinct users mostly malloc.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace jobtuner::runtime {

class FlatInt64Set {
 public:
  /// True when `value` was not in the set yet.
  bool insert(int64_t value) {
    if (value == kEmpty) {
      bool added = !hasEmptyValue_;
      hasEmptyValue_ = true;
      size_ += added ? 1 : 0;
      return added;
    }
    if ((slotsUsed_ + 1) * 2 > slots_.size()) grow();
    uint64_t slot = slotOf(value);
    while (slots_[slot] != kEmpty) {
      if (slots_[slot] == value) return false;
      slot = (slot + 1) & mask_;
    }
    slots_[slot] = value;
    ++slotsUsed_;
    ++size_;
    return true;
  }

  /// Room for `values` values without growing. Merging another set's values calls it first:
  /// they come in that set's hash order, and growing while inserting in hash order piles them
  /// into long runs (linear probing's worst case).
  void reserve(size_t values) {
    while ((values + 1) * 2 > slots_.size()) grow();
  }

  size_t size() const { return size_; }
  size_t memoryBytes() const { return slots_.size() * sizeof(int64_t); }

  template <typename Visit>
  void forEach(Visit&& visit) const {
    if (hasEmptyValue_) visit(kEmpty);
    for (int64_t value : slots_) {
      if (value != kEmpty) visit(value);
    }
  }

 private:
  // The one value that marks a free slot; whether the set holds it is kept apart.
  static constexpr int64_t kEmpty = std::numeric_limits<int64_t>::min();

  uint64_t slotOf(int64_t value) const {
    // Fibonacci hashing: the high bits of the product, so that keys in a run spread out.
    return (static_cast<uint64_t>(value) * 0x9E3779B97F4A7C15ULL) >> shift_;
  }

  void grow() {
    std::vector<int64_t> old = std::move(slots_);
    size_t capacity = old.empty() ? 8 : old.size() * 2;
    slots_.assign(capacity, kEmpty);
    mask_ = capacity - 1;
    shift_ = 64;
    for (size_t bits = capacity; bits > 1; bits >>= 1) --shift_;
    for (int64_t value : old) {
      if (value == kEmpty) continue;
      uint64_t slot = slotOf(value);
      while (slots_[slot] != kEmpty) slot = (slot + 1) & mask_;
      slots_[slot] = value;
    }
  }

  std::vector<int64_t> slots_;
  uint64_t mask_ = 0;
  int shift_ = 64;
  size_t slotsUsed_ = 0;
  size_t size_ = 0;
  bool hasEmptyValue_ = false;
};

}  // namespace jobtuner::runtime

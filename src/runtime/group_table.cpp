#include "runtime/group_table.h"

#include "runtime/row_hash.h"

namespace jobtuner::runtime {

void appendValueFrom(core::Column& target, const core::Column& source, size_t row) {
  target.valid.push_back(source.valid[row]);
  switch (source.type.kind) {
    case core::TypeKind::kInt64:
    case core::TypeKind::kDecimal:
    case core::TypeKind::kTimestamp: target.int64s.push_back(source.int64s[row]); break;
    case core::TypeKind::kDouble: target.doubles.push_back(source.doubles[row]); break;
    case core::TypeKind::kBool: target.bools.push_back(source.bools[row]); break;
    case core::TypeKind::kString: target.strings.push_back(source.strings[row]); break;
    case core::TypeKind::kNull: break;
  }
}

GroupTable::GroupTable(core::Schema keySchema) : keys_(keySchema) {
  for (size_t i = 0; i < keySchema.numFields(); ++i) ownKeys_.push_back(static_cast<int>(i));
  singleInt64_ = keySchema.numFields() == 1 && keySchema.field(0).type.isStoredAsInt64();
  rehash(1024);
}

size_t GroupTable::memoryBytes() const {
  size_t bytes = slots_.size() * sizeof(uint32_t) + intSlots_.size() * sizeof(IntSlot) + hashes_.size() * 8;
  for (size_t c = 0; c < keys_.numColumns(); ++c) {
    const core::Column& column = keys_.column(c);
    bytes += column.valid.size() + column.int64s.size() * 8 + column.doubles.size() * 8 + column.bools.size();
    for (const std::string& value : column.strings) bytes += sizeof(std::string) + (value.size() > 15 ? value.size() : 0);
  }
  return bytes;
}

bool GroupTable::equalsGroup(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, size_t row,
                             uint32_t group) const {
  return keysEqual(batch, keyColumns, row, keys_, ownKeys_, group);
}

void GroupTable::reserve(size_t groups) {
  size_t slots = slots_.size() + intSlots_.size();
  while (groups * 2 > slots) slots *= 2;
  if (slots != slots_.size() + intSlots_.size()) rehash(slots);
}

void GroupTable::grow() { rehash((slots_.size() + intSlots_.size()) * 2); }

// Slots are a power of two, at most half full.
void GroupTable::rehash(size_t slots) {
  mask_ = slots - 1;
  if (singleInt64_) {
    std::vector<IntSlot> bigger(slots);
    const std::vector<int64_t>& keys = keys_.column(0).int64s;
    for (uint32_t group = 0; group < hashes_.size(); ++group) {
      if (static_cast<int64_t>(group) == nullGroup_) continue;
      uint64_t slot = hashes_[group] & mask_;
      while (bigger[slot].entry != 0) slot = (slot + 1) & mask_;
      bigger[slot] = IntSlot{keys[group], group + 1};
    }
    intSlots_ = std::move(bigger);
    return;
  }
  std::vector<uint32_t> bigger(slots, 0);
  for (uint32_t group = 0; group < hashes_.size(); ++group) {
    uint64_t slot = hashes_[group] & mask_;
    while (bigger[slot] != 0) slot = (slot + 1) & mask_;
    bigger[slot] = group + 1;
  }
  slots_ = std::move(bigger);
}

uint32_t GroupTable::newGroup(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, size_t row,
                              uint64_t hash) {
  auto group = static_cast<uint32_t>(hashes_.size());
  hashes_.push_back(hash);
  for (size_t k = 0; k < keyColumns.size(); ++k) {
    appendValueFrom(keys_.column(k), batch.column(static_cast<size_t>(keyColumns[k])), row);
  }
  return group;
}

void GroupTable::findOrInsertInt64(const core::ColumnBatch& batch, const std::vector<int>& keyColumns,
                                   const std::vector<uint64_t>& hashes, std::vector<uint32_t>& groups) {
  const core::Column& column = batch.column(static_cast<size_t>(keyColumns[0]));
  size_t rows = batch.numRows();
  for (size_t row = 0; row < rows; ++row) {
    if (!column.valid[row]) {
      if (nullGroup_ < 0) nullGroup_ = newGroup(batch, keyColumns, row, hashes[row]);
      groups[row] = static_cast<uint32_t>(nullGroup_);
      continue;
    }
    int64_t key = column.int64s[row];
    uint64_t slot = hashes[row] & mask_;
    while (true) {
      IntSlot& entry = intSlots_[slot];
      if (entry.entry == 0) {
        uint32_t group = newGroup(batch, keyColumns, row, hashes[row]);
        entry = IntSlot{key, group + 1};
        groups[row] = group;
        if (hashes_.size() * 2 > intSlots_.size()) grow();
        break;
      }
      if (entry.key == key) {
        groups[row] = entry.entry - 1;
        break;
      }
      slot = (slot + 1) & mask_;
    }
  }
}

void GroupTable::findOrInsert(const core::ColumnBatch& batch, const std::vector<int>& keyColumns,
                              const std::vector<uint64_t>& hashes, std::vector<uint32_t>& groups) {
  size_t rows = batch.numRows();
  groups.resize(rows);
  if (singleInt64_) {
    findOrInsertInt64(batch, keyColumns, hashes, groups);
    return;
  }
  for (size_t row = 0; row < rows; ++row) {
    uint64_t hash = hashes[row];
    uint64_t slot = hash & mask_;
    while (true) {
      uint32_t entry = slots_[slot];
      if (entry == 0) {
        uint32_t group = newGroup(batch, keyColumns, row, hash);
        slots_[slot] = group + 1;
        groups[row] = group;
        if (hashes_.size() * 2 > slots_.size()) grow();
        break;
      }
      uint32_t group = entry - 1;
      if (hashes_[group] == hash && equalsGroup(batch, keyColumns, row, group)) {
        groups[row] = group;
        break;
      }
      slot = (slot + 1) & mask_;
    }
  }
}

int64_t GroupTable::find(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, uint64_t hash,
                         size_t row) const {
  uint64_t slot = hash & mask_;
  if (singleInt64_) {
    const core::Column& column = batch.column(static_cast<size_t>(keyColumns[0]));
    if (!column.valid[row]) return nullGroup_;
    int64_t key = column.int64s[row];
    while (true) {
      const IntSlot& entry = intSlots_[slot];
      if (entry.entry == 0) return -1;
      if (entry.key == key) return entry.entry - 1;
      slot = (slot + 1) & mask_;
    }
  }
  while (true) {
    uint32_t entry = slots_[slot];
    if (entry == 0) return -1;
    uint32_t group = entry - 1;
    if (hashes_[group] == hash && equalsGroup(batch, keyColumns, row, group)) return group;
    slot = (slot + 1) & mask_;
  }
}

}  // namespace jobtuner::runtime

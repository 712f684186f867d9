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
  slots_.assign(1024, 0);
  mask_ = slots_.size() - 1;
}

size_t GroupTable::memoryBytes() const {
  size_t bytes = slots_.size() * 4 + hashes_.size() * 8;
  for (size_t c = 0; c < keys_.numColumns(); ++c) {
    const core::Column& column = keys_.column(c);
    bytes += column.valid.size() + column.int64s.size() * 8 + column.doubles.size() * 8 + column.bools.size();
    for (const std::string& value : column.strings) bytes += sizeof(std::string) + (value.size() > 15 ? value.size() : 0);
  }
  return bytes;
}

bool GroupTable::equalsGroup(const core::ColumnBatch& batch, const std::vector<int>& keyColumns, size_t row,
                             uint32_t group) const {
  if (singleInt64_) {
    const core::Column& input = batch.column(static_cast<size_t>(keyColumns[0]));
    const core::Column& stored = keys_.column(0);
    if (input.valid[row] != stored.valid[group]) return false;
    return !input.valid[row] || input.int64s[row] == stored.int64s[group];
  }
  return keysEqual(batch, keyColumns, row, keys_, ownKeys_, group);
}

void GroupTable::grow() {
  std::vector<uint32_t> bigger(slots_.size() * 2, 0);
  uint64_t mask = bigger.size() - 1;
  for (uint32_t group = 0; group < hashes_.size(); ++group) {
    uint64_t slot = hashes_[group] & mask;
    while (bigger[slot] != 0) slot = (slot + 1) & mask;
    bigger[slot] = group + 1;
  }
  slots_ = std::move(bigger);
  mask_ = mask;
}

void GroupTable::findOrInsert(const core::ColumnBatch& batch, const std::vector<int>& keyColumns,
                              const std::vector<uint64_t>& hashes, std::vector<uint32_t>& groups) {
  size_t rows = batch.numRows();
  groups.resize(rows);
  for (size_t row = 0; row < rows; ++row) {
    uint64_t hash = hashes[row];
    uint64_t slot = hash & mask_;
    while (true) {
      uint32_t entry = slots_[slot];
      if (entry == 0) {
        auto group = static_cast<uint32_t>(hashes_.size());
        slots_[slot] = group + 1;
        hashes_.push_back(hash);
        for (size_t k = 0; k < keyColumns.size(); ++k) {
          appendValueFrom(keys_.column(k), batch.column(static_cast<size_t>(keyColumns[k])), row);
        }
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
  while (true) {
    uint32_t entry = slots_[slot];
    if (entry == 0) return -1;
    uint32_t group = entry - 1;
    if (hashes_[group] == hash && equalsGroup(batch, keyColumns, row, group)) return group;
    slot = (slot + 1) & mask_;
  }
}

}  // namespace jobtuner::runtime

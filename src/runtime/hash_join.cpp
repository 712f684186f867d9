#include "runtime/hash_join.h"

#include <algorithm>

#include "core/expression_evaluator.h"
#include "runtime/batch_concat.h"
#include "runtime/row_hash.h"

namespace jobtuner::runtime {

namespace {

core::Schema keySchemaOf(const core::Schema& schema, const std::vector<int>& keys) {
  std::vector<core::Field> fields;
  for (int key : keys) fields.push_back(schema.field(static_cast<size_t>(key)));
  return core::Schema(std::move(fields));
}

/// Rows `rows` of `column`, where -1 means null (a left join's row without a match). A join's
/// output is most of its cost, so each type gets its own loop.
core::Column takeOrNull(const core::Column& column, const std::vector<int64_t>& rows) {
  size_t count = rows.size();
  core::Column out(column.type);
  out.valid.resize(count);
  for (size_t i = 0; i < count; ++i) out.valid[i] = rows[i] < 0 ? 0 : column.valid[static_cast<size_t>(rows[i])];
  auto gather = [&](auto& target, const auto& source) {
    target.resize(count);
    for (size_t i = 0; i < count; ++i) {
      if (rows[i] >= 0) target[i] = source[static_cast<size_t>(rows[i])];
    }
  };
  switch (column.type.kind) {
    case core::TypeKind::kInt64:
    case core::TypeKind::kDecimal:
    case core::TypeKind::kTimestamp: gather(out.int64s, column.int64s); break;
    case core::TypeKind::kDouble: gather(out.doubles, column.doubles); break;
    case core::TypeKind::kBool: gather(out.bools, column.bools); break;
    case core::TypeKind::kString: gather(out.strings, column.strings); break;
    case core::TypeKind::kNull: break;
  }
  return out;
}

}  // namespace

JoinTable::JoinTable(core::Schema build, std::vector<int> buildKeys)
    : schema_(std::move(build)),
      keyColumns_(std::move(buildKeys)),
      build_(schema_),
      keys_(keySchemaOf(schema_, keyColumns_)) {}

void JoinTable::add(const core::ColumnBatch& batch) {
  if (batch.numRows() > 0) pending_.push_back(batch);
}

void JoinTable::finish() {
  if (!pending_.empty()) build_ = concatenateBatches(schema_, pending_);
  pending_.clear();
  size_t rows = build_.numRows();
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> groups;
  hashRows(build_, keyColumns_, hashes);
  keys_.reserve(rows);
  keys_.findOrInsert(build_, keyColumns_, hashes, groups);
  // Groups are numbered in first-seen order: when every row has a key of its own (a dimension
  // table), row r is group r, and the chains would only cost two cache misses per probe.
  uniqueKeys_ = keys_.numGroups() == rows;
  if (uniqueKeys_) return;
  firstRow_.assign(keys_.numGroups(), -1);
  nextRow_.assign(rows, -1);
  // Chain each group's rows in build order (walk backwards, pushing onto the front).
  for (size_t row = rows; row-- > 0;) {
    if (anyKeyNull(build_, keyColumns_, row)) continue;
    uint32_t group = groups[row];
    nextRow_[row] = firstRow_[group];
    firstRow_[group] = static_cast<int64_t>(row);
  }
}

int64_t JoinTable::firstMatch(const core::ColumnBatch& probe, const std::vector<int>& probeKeys, uint64_t hash,
                              size_t row) const {
  if (anyKeyNull(probe, probeKeys, row)) return -1;
  int64_t group = keys_.find(probe, probeKeys, hash, row);
  if (group < 0 || uniqueKeys_) return group;
  return firstRow_[static_cast<size_t>(group)];
}

size_t JoinTable::memoryBytes() const {
  size_t bytes = keys_.memoryBytes() + firstRow_.size() * 8 + nextRow_.size() * 8;
  for (size_t c = 0; c < build_.numColumns(); ++c) {
    const core::Column& column = build_.column(c);
    bytes += column.valid.size() + column.int64s.size() * 8 + column.doubles.size() * 8 + column.bools.size() +
             column.strings.size() * sizeof(std::string);
  }
  return bytes;
}

HashJoin::HashJoin(JoinType type, std::shared_ptr<const JoinTable> table, core::Schema probe, std::vector<int> probeKeys)
    : type_(type), table_(std::move(table)), probeSchema_(std::move(probe)), probeKeys_(std::move(probeKeys)) {
  std::vector<core::Field> fields = probeSchema_.fields();
  const core::Schema& build = table_->schema();
  const std::vector<int>& buildKeys = table_->keys();
  if (type_ == JoinType::kInner || type_ == JoinType::kLeft) {
    for (size_t i = 0; i < build.numFields(); ++i) {
      if (std::find(buildKeys.begin(), buildKeys.end(), static_cast<int>(i)) != buildKeys.end()) continue;
      buildPayload_.push_back(static_cast<int>(i));
      fields.push_back(build.field(i));
    }
  }
  output_ = core::Schema(std::move(fields));
}

core::ColumnBatch HashJoin::probe(const core::ColumnBatch& batch) {
  size_t rows = batch.numRows();
  hashRows(batch, probeKeys_, hashes_);
  std::vector<uint32_t> probeRows;
  std::vector<int64_t> buildRows;
  probeRows.reserve(rows);
  const JoinTable& table = *table_;
  for (size_t row = 0; row < rows; ++row) {
    int64_t first = table.firstMatch(batch, probeKeys_, hashes_[row], row);
    switch (type_) {
      case JoinType::kInner:
        for (int64_t match = first; match >= 0; match = table.nextMatch(match)) {
          probeRows.push_back(static_cast<uint32_t>(row));
          buildRows.push_back(match);
        }
        break;
      case JoinType::kLeft:
        if (first < 0) {
          probeRows.push_back(static_cast<uint32_t>(row));
          buildRows.push_back(-1);
        }
        for (int64_t match = first; match >= 0; match = table.nextMatch(match)) {
          probeRows.push_back(static_cast<uint32_t>(row));
          buildRows.push_back(match);
        }
        break;
      case JoinType::kSemi:
        if (first >= 0) probeRows.push_back(static_cast<uint32_t>(row));
        break;
      case JoinType::kAnti:
        if (first < 0) probeRows.push_back(static_cast<uint32_t>(row));
        break;
    }
  }
  std::vector<core::Column> columns;
  for (size_t c = 0; c < batch.numColumns(); ++c) columns.push_back(core::takeRows(batch.column(c), probeRows));
  for (int payload : buildPayload_) {
    columns.push_back(takeOrNull(table.rows().column(static_cast<size_t>(payload)), buildRows));
  }
  return core::ColumnBatch(output_, std::move(columns));
}

}  // namespace jobtuner::runtime

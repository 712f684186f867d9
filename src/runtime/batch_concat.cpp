#include "runtime/batch_concat.h"

#include <iterator>

namespace jobtuner::runtime {

core::ColumnBatch concatenateBatches(const core::Schema& schema, std::vector<core::ColumnBatch>& batches) {
  if (batches.size() == 1) {
    core::ColumnBatch only = std::move(batches.front());
    batches.clear();
    return only;
  }
  size_t rows = 0;
  for (const core::ColumnBatch& batch : batches) rows += batch.numRows();
  std::vector<core::Column> columns;
  for (size_t c = 0; c < schema.numFields(); ++c) {
    core::Column column(schema.field(c).type);
    column.reserve(rows);
    for (core::ColumnBatch& batch : batches) {
      core::Column& part = batch.column(c);
      column.valid.insert(column.valid.end(), part.valid.begin(), part.valid.end());
      column.int64s.insert(column.int64s.end(), part.int64s.begin(), part.int64s.end());
      column.doubles.insert(column.doubles.end(), part.doubles.begin(), part.doubles.end());
      column.bools.insert(column.bools.end(), part.bools.begin(), part.bools.end());
      std::move(part.strings.begin(), part.strings.end(), std::back_inserter(column.strings));
    }
    columns.push_back(std::move(column));
  }
  batches.clear();
  return core::ColumnBatch(schema, std::move(columns));
}

}  // namespace jobtuner::runtime

#include "runtime/external_sort.h"

#include <memory>
#include <optional>
#include <queue>

#include "core/expression_evaluator.h"
#include "runtime/batch_concat.h"
#include "runtime/clock.h"
#include "runtime/group_table.h"
#include "runtime/resident_memory.h"
#include "runtime/spill_files.h"

namespace jobtuner::runtime {

namespace {

/// Rows per batch of a run, and per batch the merge hands on.
constexpr size_t kRunBatchRows = 1024;
constexpr size_t kOutputBatchRows = 4096;

/// Batches of kRunBatchRows of a sorted batch.
void forEachSlice(const core::ColumnBatch& sorted, const std::function<void(core::ColumnBatch)>& use) {
  for (size_t from = 0; from < sorted.numRows(); from += kRunBatchRows) {
    std::vector<uint32_t> rows;
    for (size_t row = from; row < std::min(sorted.numRows(), from + kRunBatchRows); ++row) {
      rows.push_back(static_cast<uint32_t>(row));
    }
    use(core::takeRows(sorted, rows));
  }
}

/// One run during the merge: its current batch and row.
struct RunCursor {
  std::function<std::optional<core::ColumnBatch>()> nextBatch;
  core::ColumnBatch batch;
  size_t row = 0;

  bool load() {
    for (;;) {
      std::optional<core::ColumnBatch> loaded = nextBatch();
      if (!loaded) return false;
      if (loaded->numRows() == 0) continue;
      batch = std::move(*loaded);
      row = 0;
      return true;
    }
  }
};

}  // namespace

size_t batchMemoryBytes(const core::ColumnBatch& batch) {
  size_t bytes = 0;
  for (size_t c = 0; c < batch.numColumns(); ++c) {
    const core::Column& column = batch.column(c);
    bytes += column.valid.size() + column.int64s.size() * 8 + column.doubles.size() * 8 + column.bools.size();
    for (const std::string& value : column.strings) bytes += sizeof(std::string) + (value.size() > 15 ? value.size() : 0);
  }
  return bytes;
}

ExternalSort::ExternalSort(core::Schema schema, std::vector<SortKey> keys, TaskMemory& memory)
    : schema_(std::move(schema)), keys_(std::move(keys)), reservation_(memory) {}

void ExternalSort::add(core::ColumnBatch batch) {
  if (batch.numRows() == 0) return;
  bufferedBytes_ += batchMemoryBytes(batch);
  buffered_.push_back(std::move(batch));
  if (!reservation_.cover(bufferedBytes_)) spill();
}

core::ColumnBatch ExternalSort::sortBuffered() {
  core::ColumnBatch all = concatenateBatches(schema_, buffered_);
  bufferedBytes_ = 0;
  return sortBatch(all, keys_);
}

void ExternalSort::spill() {
  TaskMemory& memory = reservation_.task();
  int64_t start = steadyNs();
  auto held = static_cast<int64_t>(bufferedBytes_);
  int64_t written = 0;
  {
    core::ColumnBatch sorted = sortBuffered();
    runs_.push_back(memory.newSpillFile());
    SpillWriter writer(runs_.back());
    forEachSlice(sorted, [&](core::ColumnBatch slice) { writer.write(slice); });
    written = writer.close();
  }
  returnFreedMemory();
  reservation_.releaseAll();
  memory.recordSpill(held, written, steadyNs() - start);
}

void ExternalSort::finish(const std::function<void(core::ColumnBatch)>& emit) {
  if (runs_.empty()) {
    if (!buffered_.empty()) emit(sortBuffered());
    return;
  }
  std::vector<SpillReader> readers;
  readers.reserve(runs_.size());
  std::vector<RunCursor> cursors;
  for (const std::filesystem::path& run : runs_) {
    readers.emplace_back(run, schema_);
    SpillReader* reader = &readers.back();
    cursors.push_back(RunCursor{[reader] { return reader->next(); }, {}, 0});
  }
  // The rows still buffered are the last run, merged from memory.
  auto remainder = std::make_shared<std::vector<core::ColumnBatch>>();
  if (!buffered_.empty()) forEachSlice(sortBuffered(), [&](core::ColumnBatch slice) { remainder->push_back(std::move(slice)); });
  cursors.push_back(RunCursor{[remainder, next = size_t{0}]() mutable -> std::optional<core::ColumnBatch> {
                                if (next == remainder->size()) return std::nullopt;
                                return std::move((*remainder)[next++]);
                              },
                              {}, 0});

  // Cursor indices are run order: an earlier run wins a tie, which keeps the sort stable.
  auto after = [&](size_t a, size_t b) {
    int c = compareRows(cursors[a].batch, cursors[a].row, cursors[b].batch, cursors[b].row, keys_);
    return c != 0 ? c > 0 : a > b;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(after)> heap(after);
  for (size_t c = 0; c < cursors.size(); ++c) {
    if (cursors[c].load()) heap.push(c);
  }
  core::ColumnBatch out(schema_);
  auto handOn = [&] {
    if (out.numRows() == 0) return;
    emit(std::move(out));
    out = core::ColumnBatch(schema_);
  };
  while (!heap.empty()) {
    size_t c = heap.top();
    heap.pop();
    RunCursor& cursor = cursors[c];
    for (size_t column = 0; column < schema_.numFields(); ++column) {
      appendValueFrom(out.column(column), cursor.batch.column(column), cursor.row);
    }
    if (++cursor.row < cursor.batch.numRows() || cursor.load()) heap.push(c);
    if (out.numRows() >= kOutputBatchRows) handOn();
  }
  handOn();
  runs_.clear();
}

}  // namespace jobtuner::runtime

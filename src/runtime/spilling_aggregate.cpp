#include "runtime/spilling_aggregate.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <queue>

#include "core/expression_evaluator.h"
#include "runtime/batch_concat.h"
#include "runtime/clock.h"
#include "runtime/resident_memory.h"
#include "runtime/row_hash.h"
#include "runtime/spill_files.h"

namespace jobtuner::runtime {

namespace {

/// Rows per batch of a run, written and read back: small enough that a merge over many runs
/// holds little (one batch per run), large enough that batches cost little each.
constexpr size_t kRunBatchRows = 1024;
/// Rows fed to one merge step's aggregator.
constexpr size_t kMergeBatchRows = 8192;

/// State rows in hash order, and their hashes: `next` hands out batches of the run in order.
struct SortedState {
  core::ColumnBatch rows;
  std::vector<uint32_t> order;
  size_t position = 0;

  SortedState(core::ColumnBatch state, const std::vector<int>& keys) : rows(std::move(state)) {
    std::vector<uint64_t> hashes;
    hashRows(rows, keys, hashes);
    order.resize(rows.numRows());
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return hashes[a] < hashes[b]; });
  }

  std::optional<core::ColumnBatch> next() {
    if (position >= order.size()) return std::nullopt;
    size_t end = std::min(order.size(), position + kRunBatchRows);
    std::vector<uint32_t> slice(order.begin() + static_cast<std::ptrdiff_t>(position),
                                order.begin() + static_cast<std::ptrdiff_t>(end));
    position = end;
    return core::takeRows(rows, slice);
  }
};

/// One run during the merge: its current batch, the batch's hashes, and the rows of it the merge
/// step being gathered takes.
struct RunCursor {
  std::function<std::optional<core::ColumnBatch>()> nextBatch;
  core::ColumnBatch batch;
  std::vector<uint64_t> hashes;
  size_t row = 0;
  std::vector<uint32_t> taken;

  bool load(const std::vector<int>& keys) {
    for (;;) {
      std::optional<core::ColumnBatch> loaded = nextBatch();
      if (!loaded) return false;
      if (loaded->numRows() == 0) continue;
      batch = std::move(*loaded);
      hashRows(batch, keys, hashes);
      row = 0;
      return true;
    }
  }
  uint64_t hash() const { return hashes[row]; }
};

}  // namespace

SpillingAggregate::SpillingAggregate(AggregateMode mode, core::Schema input, std::vector<int> keys,
                                     std::vector<AggregateCall> calls, TaskMemory& memory)
    : mode_(mode), input_(std::move(input)), keys_(std::move(keys)), calls_(std::move(calls)), reservation_(memory) {
  aggregator_.emplace(freshAggregator());
  stateSchema_ = aggregator_->stateSchema();
  for (size_t k = 0; k < keys_.size(); ++k) stateKeys_.push_back(static_cast<int>(k));
}

HashAggregator SpillingAggregate::freshAggregator() const { return HashAggregator(mode_, input_, keys_, calls_); }

void SpillingAggregate::add(const core::ColumnBatch& batch) {
  aggregator_->add(batch);
  if (!reservation_.cover(aggregator_->memoryBytes()) && aggregator_->numGroups() > 0) spill();
}

void SpillingAggregate::spill() {
  TaskMemory& memory = reservation_.task();
  int64_t start = steadyNs();
  auto held = static_cast<int64_t>(aggregator_->memoryBytes());
  int64_t written = 0;
  {
    SortedState run(aggregator_->takeState(), stateKeys_);
    aggregator_.emplace(freshAggregator());
    runs_.push_back(memory.newSpillFile());
    SpillWriter writer(runs_.back());
    while (std::optional<core::ColumnBatch> batch = run.next()) writer.write(*batch);
    written = writer.close();
  }
  returnFreedMemory();
  reservation_.releaseAll();
  memory.recordSpill(held, written, steadyNs() - start);
}

void SpillingAggregate::finish(const std::function<void(core::ColumnBatch)>& emit) {
  if (runs_.empty()) {
    emit(aggregator_->finish());
    return;
  }
  // The merge aggregates state rows: an intermediate round, or the final one in final mode.
  AggregateMode mergeMode = mode_ == AggregateMode::kFinal ? AggregateMode::kFinal : AggregateMode::kIntermediate;
  std::vector<RunCursor> cursors;
  std::vector<SpillReader> readers;
  readers.reserve(runs_.size());
  for (const std::filesystem::path& run : runs_) {
    readers.emplace_back(run, stateSchema_);
    SpillReader* reader = &readers.back();
    cursors.push_back(RunCursor{[reader] { return reader->next(); }, {}, {}, 0, {}});
  }
  auto inMemory = std::make_shared<SortedState>(aggregator_->takeState(), stateKeys_);
  cursors.push_back(RunCursor{[inMemory] { return inMemory->next(); }, {}, {}, 0, {}});

  auto later = [&](size_t a, size_t b) { return cursors[a].hash() > cursors[b].hash(); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t c = 0; c < cursors.size(); ++c) {
    if (cursors[c].load(stateKeys_)) heap.push(c);
  }
  std::vector<core::ColumnBatch> pieces;
  size_t pendingRows = 0;
  auto takePieces = [&](RunCursor& cursor) {
    if (cursor.taken.empty()) return;
    pieces.push_back(core::takeRows(cursor.batch, cursor.taken));
    cursor.taken.clear();
  };
  auto mergeStep = [&] {
    for (RunCursor& cursor : cursors) takePieces(cursor);
    if (pieces.empty()) return;
    HashAggregator merge(mergeMode, stateSchema_, stateKeys_, calls_);
    merge.add(concatenateBatches(stateSchema_, pieces));
    emit(merge.finish());
    pendingRows = 0;
  };
  while (!heap.empty()) {
    // A step ends only between hashes, so every group is whole in the step that merges it.
    if (pendingRows >= kMergeBatchRows) mergeStep();
    uint64_t hash = cursors[heap.top()].hash();
    while (!heap.empty() && cursors[heap.top()].hash() == hash) {
      size_t c = heap.top();
      heap.pop();
      RunCursor& cursor = cursors[c];
      bool more = true;
      while (more && cursor.hash() == hash) {
        cursor.taken.push_back(static_cast<uint32_t>(cursor.row++));
        ++pendingRows;
        if (cursor.row == cursor.batch.numRows()) {
          takePieces(cursor);
          more = cursor.load(stateKeys_);
        }
      }
      if (more) heap.push(c);
    }
  }
  mergeStep();
  runs_.clear();
}

}  // namespace jobtuner::runtime

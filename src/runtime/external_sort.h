#pragma once

// Sorting more rows than fit in memory: an external merge sort. Batches are buffered while the
// task's memory reservation covers them; when the memory manager refuses more, the buffered rows
// are sorted and spilled as a run, and buffering starts again. At finish the runs and the rows
// still buffered are merged, a row at a time from a heap over the runs' current rows, into
// batches handed on as they fill. Ties go to the earlier run, and each run is sorted stably, so
// the whole sort is stable like the in-memory one.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "core/column_batch.h"
#include "runtime/sort_rows.h"
#include "runtime/task_memory.h"

namespace jobtuner::runtime {

class ExternalSort {
 public:
  ExternalSort(core::Schema schema, std::vector<SortKey> keys, TaskMemory& memory);

  void add(core::ColumnBatch batch);
  /// Hands the rows in order to `emit`: one batch when nothing spilled, else batches of a few
  /// thousand rows. The sort is spent.
  void finish(const std::function<void(core::ColumnBatch)>& emit);

  size_t numRuns() const { return runs_.size(); }

 private:
  /// The buffered rows, sorted (the buffer is emptied).
  core::ColumnBatch sortBuffered();
  void spill();

  core::Schema schema_;
  std::vector<SortKey> keys_;
  MemoryReservation reservation_;
  std::vector<core::ColumnBatch> buffered_;
  size_t bufferedBytes_ = 0;
  std::vector<std::filesystem::path> runs_;
};

/// The bytes a batch's values take in memory (what buffering it costs).
size_t batchMemoryBytes(const core::ColumnBatch& batch);

}  // namespace jobtuner::runtime

#pragma once

// A map task's shuffle output: one data file holding each partition's blocks one after the other,
// and an index of numPartitions + 1 offsets into it (little-endian u64) followed by each block's
// Adler-32 checksum (u32, Spark's default shuffle checksum), so a reduce task reads exactly its
// block and knows it intact. Within a partition's block, batches are u32-length-prefixed.
//
// An attempt writes both files under names of its own (`.attempt-N`); the driver renames the
// first successful attempt's files into place (data, then index), so a retried or speculative
// map task never mixes its files with another attempt's. A reader that finds a map output missing
// or a block damaged throws FetchFailedError, and the driver recomputes that map task.
//
// The writer buffers serialized blocks per partition in memory reserved from the task. When the
// memory manager refuses more, it spills what it buffers to a spill file, partition after
// partition, and buffers again; at finish each partition's block is its spilled pieces in order
// followed by what is still buffered (as Spark's sort-shuffle writer merges its spills), so
// readers see the same format either way.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/column_batch.h"
#include "runtime/fetch_failure.h"
#include "runtime/task_memory.h"

namespace jobtuner::runtime {

struct ShuffleWriteResult {
  std::vector<int64_t> partitionBytes;
  std::vector<int64_t> partitionRecords;
  int64_t totalBytes = 0;
  int64_t totalRecords = 0;
  int64_t writeTimeNs = 0;
  /// The attempt's files and the names that commit them, data first.
  std::vector<std::pair<std::string, std::string>> commits;
};

class ShuffleWriter {
 public:
  ShuffleWriter(std::filesystem::path shuffleDir, int shuffleId, int mapId, int attempt, int numPartitions,
                TaskMemory& memory);
  /// Buffers `batch` for `partition`, spilling the buffers when the memory manager refuses them.
  void add(int partition, const core::ColumnBatch& batch);
  /// Bytes buffered now (not spilled).
  size_t bufferedBytes() const { return buffered_; }
  /// Writes the attempt's data and index files.
  ShuffleWriteResult finish();

 private:
  /// Where one spill put each partition's piece.
  struct SpilledBlocks {
    std::filesystem::path file;
    std::vector<int64_t> offsets;  // numPartitions + 1
  };

  void spill();

  std::filesystem::path dir_;
  int shuffleId_;
  int mapId_;
  int attempt_;
  MemoryReservation reservation_;
  std::vector<std::string> blocks_;
  std::vector<int64_t> records_;
  std::vector<SpilledBlocks> spills_;
  size_t buffered_ = 0;
};

struct ShuffleReadResult {
  int64_t localBytes = 0;
  int64_t localBlocks = 0;
  int64_t records = 0;
  int64_t fetchWaitNs = 0;
};

/// Reads `partition` from the map outputs `mapIds` of shuffle `shuffleId`, in that order, handing
/// each batch to `consume` as it is read: a reader holds one map output's block at a time, not the
/// whole partition. Throws FetchFailedError for a missing map output or a damaged block.
ShuffleReadResult readShufflePartition(const std::filesystem::path& shuffleDir, int shuffleId,
                                       const std::vector<int>& mapIds, int partition, const core::Schema& schema,
                                       const std::function<void(core::ColumnBatch)>& consume);

std::filesystem::path shuffleDataFile(const std::filesystem::path& shuffleDir, int shuffleId, int mapId);
std::filesystem::path shuffleIndexFile(const std::filesystem::path& shuffleDir, int shuffleId, int mapId);

}  // namespace jobtuner::runtime

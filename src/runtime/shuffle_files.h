#pragma once

// A map task's shuffle output: one data file holding each partition's blocks one after the other,
// and an index of numPartitions + 1 offsets into it (little-endian u64), so a reduce task reads
// exactly its block. Both are written under temporary names and renamed, so a reader never sees a
// half-written map output. Within a partition's block, batches are u32-length-prefixed.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

struct ShuffleWriteResult {
  std::vector<int64_t> partitionBytes;
  std::vector<int64_t> partitionRecords;
  int64_t totalBytes = 0;
  int64_t totalRecords = 0;
  int64_t writeTimeNs = 0;
};

class ShuffleWriter {
 public:
  ShuffleWriter(std::filesystem::path shuffleDir, int shuffleId, int mapId, int numPartitions, core::Schema schema);
  /// Buffers `batch` for `partition`.
  void add(int partition, const core::ColumnBatch& batch);
  /// Bytes buffered so far.
  size_t bufferedBytes() const { return buffered_; }
  /// Writes the data and index files.
  ShuffleWriteResult finish();

 private:
  std::filesystem::path dir_;
  int shuffleId_;
  int mapId_;
  std::vector<std::string> blocks_;
  std::vector<int64_t> records_;
  size_t buffered_ = 0;
};

struct ShuffleReadResult {
  std::vector<core::ColumnBatch> batches;
  int64_t localBytes = 0;
  int64_t localBlocks = 0;
  int64_t records = 0;
  int64_t fetchWaitNs = 0;
};

/// Reads `partition` from the map outputs `mapIds` of shuffle `shuffleId`, in that order.
ShuffleReadResult readShufflePartition(const std::filesystem::path& shuffleDir, int shuffleId,
                                       const std::vector<int>& mapIds, int partition, const core::Schema& schema);

std::filesystem::path shuffleDataFile(const std::filesystem::path& shuffleDir, int shuffleId, int mapId);
std::filesystem::path shuffleIndexFile(const std::filesystem::path& shuffleDir, int shuffleId, int mapId);

}  // namespace jobtuner::runtime

#include "runtime/shuffle_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/errors.h"
#include "runtime/batch_serializer.h"
#include "runtime/clock.h"
#include "runtime/resident_memory.h"
#include "runtime/spill_files.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

namespace {

/// Writes a file under a temporary name, piece by piece, and renames it into place at commit.
class FileUnderTempName {
 public:
  explicit FileUnderTempName(fs::path path) : path_(std::move(path)), temp_(path_) {
    temp_ += ".tmp";
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw core::SystemError(fmt::format("cannot create {}: {}", temp_.string(), std::strerror(errno)));
  }
  ~FileUnderTempName() {
    if (fd_ < 0) return;
    ::close(fd_);
    std::error_code ignored;
    fs::remove(temp_, ignored);
  }
  FileUnderTempName(const FileUnderTempName&) = delete;
  FileUnderTempName& operator=(const FileUnderTempName&) = delete;

  void write(std::string_view bytes) {
    size_t written = 0;
    while (written < bytes.size()) {
      ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw core::SystemError(fmt::format("cannot write {}: {}", temp_.string(), std::strerror(n < 0 ? errno : ENOSPC)));
      }
      written += static_cast<size_t>(n);
    }
  }

  void commit() {
    int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) throw core::SystemError(fmt::format("cannot write {}: {}", temp_.string(), std::strerror(errno)));
    fs::rename(temp_, path_);
  }

 private:
  fs::path path_;
  fs::path temp_;
  int fd_ = -1;
};

/// Adler-32 (RFC 1950), the checksum Spark's shuffle writes by default.
uint32_t adler32(uint32_t checksum, std::string_view bytes) {
  constexpr uint32_t kModulus = 65521;
  constexpr size_t kChunk = 5552;  // the most bytes before the sums can overflow 32 bits
  uint32_t a = checksum & 0xffff;
  uint32_t b = checksum >> 16;
  for (size_t start = 0; start < bytes.size(); start += kChunk) {
    size_t end = std::min(bytes.size(), start + kChunk);
    for (size_t i = start; i < end; ++i) {
      a += static_cast<unsigned char>(bytes[i]);
      b += a;
    }
    a %= kModulus;
    b %= kModulus;
  }
  return (b << 16) | a;
}

/// A map output that cannot be read: the driver recomputes the map task that wrote it.
[[noreturn]] void fetchFailed(int shuffleId, int mapId, std::string message) {
  throw FetchFailedError(FetchFailure{shuffleId, mapId, std::move(message)});
}

/// Reads `length` bytes at `offset`; false when the file is shorter.
bool readRange(int fd, uint64_t offset, uint64_t length, std::string& bytes) {
  bytes.assign(length, '\0');
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

/// Closes a descriptor when it goes out of scope.
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

fs::path shuffleDataFile(const fs::path& shuffleDir, int shuffleId, int mapId) {
  return shuffleDir / fmt::format("shuffle_{}_{}.data", shuffleId, mapId);
}

fs::path shuffleIndexFile(const fs::path& shuffleDir, int shuffleId, int mapId) {
  return shuffleDir / fmt::format("shuffle_{}_{}.index", shuffleId, mapId);
}

ShuffleWriter::ShuffleWriter(fs::path shuffleDir, int shuffleId, int mapId, int attempt, int numPartitions,
                             TaskMemory& memory)
    : dir_(std::move(shuffleDir)), shuffleId_(shuffleId), mapId_(mapId), attempt_(attempt), reservation_(memory) {
  blocks_.resize(static_cast<size_t>(numPartitions));
  records_.assign(static_cast<size_t>(numPartitions), 0);
}

void ShuffleWriter::add(int partition, const core::ColumnBatch& batch) {
  if (batch.numRows() == 0) return;
  std::string& block = blocks_[static_cast<size_t>(partition)];
  size_t before = block.size();
  block.append(4, '\0');
  appendSerialized(block, batch);
  auto length = static_cast<uint32_t>(block.size() - before - 4);
  std::memcpy(block.data() + before, &length, 4);
  records_[static_cast<size_t>(partition)] += static_cast<int64_t>(batch.numRows());
  buffered_ += block.size() - before;
  if (!reservation_.cover(buffered_)) spill();
}

void ShuffleWriter::spill() {
  TaskMemory& memory = reservation_.task();
  int64_t start = steadyNs();
  SpilledBlocks spilled{memory.newSpillFile(), {0}};
  SpillWriter writer(spilled.file);
  for (std::string& block : blocks_) {
    writer.writeBytes(block);
    spilled.offsets.push_back(writer.bytesWritten());
    std::string().swap(block);
  }
  int64_t written = writer.close();
  spills_.push_back(std::move(spilled));
  memory.recordSpill(static_cast<int64_t>(buffered_), written, steadyNs() - start);
  buffered_ = 0;
  returnFreedMemory();
  reservation_.releaseAll();
}

ShuffleWriteResult ShuffleWriter::finish() {
  int64_t start = steadyNs();
  ShuffleWriteResult result;
  fs::path dataPath = shuffleDataFile(dir_, shuffleId_, mapId_);
  fs::path indexPath = shuffleIndexFile(dir_, shuffleId_, mapId_);
  std::string suffix = fmt::format(".attempt-{}", attempt_);
  FileUnderTempName data(dataPath.string() + suffix);
  std::vector<SpillRangeReader> spilledFiles;
  spilledFiles.reserve(spills_.size());
  for (const SpilledBlocks& spilled : spills_) spilledFiles.emplace_back(spilled.file);
  std::string index;
  std::string checksums;
  uint64_t offset = 0;
  index.append(reinterpret_cast<const char*>(&offset), 8);
  for (size_t p = 0; p < blocks_.size(); ++p) {
    int64_t bytes = 0;
    uint32_t checksum = 1;  // Adler-32 of nothing
    for (size_t s = 0; s < spills_.size(); ++s) {
      int64_t from = spills_[s].offsets[p], length = spills_[s].offsets[p + 1] - from;
      spilledFiles[s].copy(from, length, [&](std::string_view piece) {
        checksum = adler32(checksum, piece);
        data.write(piece);
      });
      bytes += length;
    }
    checksum = adler32(checksum, blocks_[p]);
    checksums.append(reinterpret_cast<const char*>(&checksum), 4);
    data.write(blocks_[p]);
    bytes += static_cast<int64_t>(blocks_[p].size());
    std::string().swap(blocks_[p]);
    offset += static_cast<uint64_t>(bytes);
    index.append(reinterpret_cast<const char*>(&offset), 8);
    result.partitionBytes.push_back(bytes);
    result.partitionRecords.push_back(records_[p]);
    result.totalBytes += bytes;
    result.totalRecords += records_[p];
  }
  data.commit();
  FileUnderTempName indexFile(indexPath.string() + suffix);
  indexFile.write(index);
  indexFile.write(checksums);
  indexFile.commit();
  result.commits = {{dataPath.string() + suffix, dataPath.string()}, {indexPath.string() + suffix, indexPath.string()}};
  spills_.clear();
  buffered_ = 0;
  reservation_.releaseAll();
  result.writeTimeNs = steadyNs() - start;
  return result;
}

ShuffleReadResult readShufflePartition(const fs::path& shuffleDir, int shuffleId, const std::vector<int>& mapIds,
                                       int partition, const core::Schema& schema,
                                       const std::function<void(core::ColumnBatch)>& consume) {
  ShuffleReadResult result;
  for (int mapId : mapIds) {
    int64_t start = steadyNs();
    fs::path indexPath = shuffleIndexFile(shuffleDir, shuffleId, mapId);
    fs::path dataPath = shuffleDataFile(shuffleDir, shuffleId, mapId);
    FileDescriptor index{::open(indexPath.c_str(), O_RDONLY | O_CLOEXEC)};
    if (index.fd < 0) fetchFailed(shuffleId, mapId, fmt::format("missing map output {}", indexPath.string()));
    // (numPartitions + 1) offsets of 8 bytes, then numPartitions checksums of 4.
    off_t indexSize = ::lseek(index.fd, 0, SEEK_END);
    uint64_t partitions = indexSize >= 8 ? (static_cast<uint64_t>(indexSize) - 8) / 12 : 0;
    std::string offsets;
    std::string checksumBytes;
    if (static_cast<uint64_t>(indexSize) != partitions * 12 + 8 || static_cast<uint64_t>(partition) >= partitions ||
        !readRange(index.fd, static_cast<uint64_t>(partition) * 8, 16, offsets) ||
        !readRange(index.fd, (partitions + 1) * 8 + static_cast<uint64_t>(partition) * 4, 4, checksumBytes)) {
      fetchFailed(shuffleId, mapId, fmt::format("corrupt map output index {}", indexPath.string()));
    }
    uint64_t from, to;
    uint32_t expected;
    std::memcpy(&from, offsets.data(), 8);
    std::memcpy(&to, offsets.data() + 8, 8);
    std::memcpy(&expected, checksumBytes.data(), 4);
    if (to == from) {  // an empty block: most of them, with many partitions and little data
      result.fetchWaitNs += steadyNs() - start;
      continue;
    }
    FileDescriptor data{::open(dataPath.c_str(), O_RDONLY | O_CLOEXEC)};
    if (data.fd < 0) fetchFailed(shuffleId, mapId, fmt::format("missing map output {}", dataPath.string()));
    off_t size = ::lseek(data.fd, 0, SEEK_END);
    std::string block;
    if (to < from || static_cast<off_t>(to) > size || !readRange(data.fd, from, to - from, block)) {
      fetchFailed(shuffleId, mapId, fmt::format("corrupt shuffle block in {}: its index points past the data",
                                                dataPath.string()));
    }
    if (adler32(1, block) != expected) {
      fetchFailed(shuffleId, mapId, fmt::format("corrupt shuffle block in {}: partition {} fails its checksum",
                                                dataPath.string(), partition));
    }
    result.fetchWaitNs += steadyNs() - start;
    if (!block.empty()) ++result.localBlocks;
    result.localBytes += static_cast<int64_t>(block.size());
    size_t position = 0;
    while (position < block.size()) {
      if (block.size() - position < 4) fetchFailed(shuffleId, mapId, fmt::format("corrupt shuffle block in {}", dataPath.string()));
      uint32_t length;
      std::memcpy(&length, block.data() + position, 4);
      position += 4;
      if (length > block.size() - position) {
        fetchFailed(shuffleId, mapId, fmt::format("corrupt shuffle block in {}", dataPath.string()));
      }
      core::ColumnBatch batch = deserialize(std::string_view(block).substr(position, length), schema);
      position += length;
      result.records += static_cast<int64_t>(batch.numRows());
      consume(std::move(batch));
    }
  }
  return result;
}

}  // namespace jobtuner::runtime

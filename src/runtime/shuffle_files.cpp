#include "runtime/shuffle_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/errors.h"
#include "runtime/batch_serializer.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

namespace {

int64_t steadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void writeWhole(const fs::path& path, const std::string& bytes) {
  fs::path temp = path;
  temp += ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw core::SystemError(fmt::format("cannot create {}: {}", temp.string(), std::strerror(errno)));
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      ::close(fd);
      throw core::SystemError(fmt::format("cannot write {}: {}", temp.string(), std::strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  fs::rename(temp, path);
}

std::string readRange(int fd, const fs::path& path, uint64_t offset, uint64_t length) {
  std::string bytes(length, '\0');
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, bytes.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw core::SystemError(fmt::format("corrupt shuffle block in {}: short read", path.string()));
    done += static_cast<size_t>(n);
  }
  return bytes;
}

}  // namespace

fs::path shuffleDataFile(const fs::path& shuffleDir, int shuffleId, int mapId) {
  return shuffleDir / fmt::format("shuffle_{}_{}.data", shuffleId, mapId);
}

fs::path shuffleIndexFile(const fs::path& shuffleDir, int shuffleId, int mapId) {
  return shuffleDir / fmt::format("shuffle_{}_{}.index", shuffleId, mapId);
}

ShuffleWriter::ShuffleWriter(fs::path shuffleDir, int shuffleId, int mapId, int numPartitions, core::Schema)
    : dir_(std::move(shuffleDir)), shuffleId_(shuffleId), mapId_(mapId) {
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
}

ShuffleWriteResult ShuffleWriter::finish() {
  int64_t start = steadyNs();
  ShuffleWriteResult result;
  std::string data;
  data.reserve(buffered_);
  std::string index;
  uint64_t offset = 0;
  index.append(reinterpret_cast<const char*>(&offset), 8);
  for (size_t p = 0; p < blocks_.size(); ++p) {
    data += blocks_[p];
    offset += blocks_[p].size();
    index.append(reinterpret_cast<const char*>(&offset), 8);
    result.partitionBytes.push_back(static_cast<int64_t>(blocks_[p].size()));
    result.partitionRecords.push_back(records_[p]);
    result.totalBytes += static_cast<int64_t>(blocks_[p].size());
    result.totalRecords += records_[p];
    std::string().swap(blocks_[p]);
  }
  writeWhole(shuffleDataFile(dir_, shuffleId_, mapId_), data);
  writeWhole(shuffleIndexFile(dir_, shuffleId_, mapId_), index);
  result.writeTimeNs = steadyNs() - start;
  return result;
}

ShuffleReadResult readShufflePartition(const fs::path& shuffleDir, int shuffleId, const std::vector<int>& mapIds,
                                       int partition, const core::Schema& schema) {
  ShuffleReadResult result;
  for (int mapId : mapIds) {
    int64_t start = steadyNs();
    fs::path indexPath = shuffleIndexFile(shuffleDir, shuffleId, mapId);
    fs::path dataPath = shuffleDataFile(shuffleDir, shuffleId, mapId);
    int indexFd = ::open(indexPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (indexFd < 0) throw core::SystemError(fmt::format("missing map output {}", indexPath.string()));
    std::string offsets;
    try {
      offsets = readRange(indexFd, indexPath, static_cast<uint64_t>(partition) * 8, 16);
    } catch (...) {
      ::close(indexFd);
      throw;
    }
    ::close(indexFd);
    uint64_t from, to;
    std::memcpy(&from, offsets.data(), 8);
    std::memcpy(&to, offsets.data() + 8, 8);
    int dataFd = ::open(dataPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (dataFd < 0) throw core::SystemError(fmt::format("missing map output {}", dataPath.string()));
    off_t size = ::lseek(dataFd, 0, SEEK_END);
    if (to < from || static_cast<off_t>(to) > size) {
      ::close(dataFd);
      throw core::SystemError(fmt::format("corrupt shuffle block in {}: bad index", indexPath.string()));
    }
    std::string block;
    try {
      block = readRange(dataFd, dataPath, from, to - from);
    } catch (...) {
      ::close(dataFd);
      throw;
    }
    ::close(dataFd);
    result.fetchWaitNs += steadyNs() - start;
    if (!block.empty()) ++result.localBlocks;
    result.localBytes += static_cast<int64_t>(block.size());
    size_t position = 0;
    while (position < block.size()) {
      if (block.size() - position < 4) throw core::SystemError(fmt::format("corrupt shuffle block in {}", dataPath.string()));
      uint32_t length;
      std::memcpy(&length, block.data() + position, 4);
      position += 4;
      if (length > block.size() - position) throw core::SystemError(fmt::format("corrupt shuffle block in {}", dataPath.string()));
      core::ColumnBatch batch = deserialize(std::string_view(block).substr(position, length), schema);
      position += length;
      result.records += static_cast<int64_t>(batch.numRows());
      result.batches.push_back(std::move(batch));
    }
  }
  return result;
}

}  // namespace jobtuner::runtime

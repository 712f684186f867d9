#include "runtime/spill_files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/errors.h"
#include "runtime/batch_serializer.h"

namespace jobtuner::runtime {

namespace {

/// A merge reads many runs at once, each through its own buffer: small buffers keep a merge over
/// dozens of runs within a few megabytes, and still read a run's batches a few at a time.
constexpr size_t kReadBufferBytes = 64 << 10;
constexpr size_t kWriteBufferBytes = 256 << 10;

[[noreturn]] void failWrite(const std::filesystem::path& path, int error) {
  throw core::SystemError(fmt::format("cannot write spill file {}: {}; free disk space there, or give executors "
                                      "more memory (executor_memory, memory_fraction) so they spill less",
                                      path.string(), std::strerror(error)));
}

[[noreturn]] void failRead(const std::filesystem::path& path, std::string_view why) {
  throw core::SystemError(fmt::format("cannot read spill file {}: {}", path.string(), why));
}

/// Reads up to `length` bytes at `offset` (or the current position when offset < 0); returns the
/// bytes read, 0 at the end of the file.
size_t readSome(int fd, const std::filesystem::path& path, char* to, size_t length, int64_t offset) {
  for (;;) {
    ssize_t n = offset < 0 ? ::read(fd, to, length) : ::pread(fd, to, length, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) failRead(path, std::strerror(errno));
    return static_cast<size_t>(n);
  }
}

}  // namespace

SpillWriter::SpillWriter(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) failWrite(path_, errno);
  buffer_.reserve(kWriteBufferBytes);
}

SpillWriter::~SpillWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void SpillWriter::write(const core::ColumnBatch& batch) {
  size_t before = buffer_.size();
  buffer_.append(4, '\0');
  appendSerialized(buffer_, batch);
  auto length = static_cast<uint32_t>(buffer_.size() - before - 4);
  std::memcpy(buffer_.data() + before, &length, 4);
  if (buffer_.size() >= kWriteBufferBytes) flush();
}

void SpillWriter::writeBytes(std::string_view bytes) {
  if (buffer_.size() + bytes.size() > kWriteBufferBytes) flush();
  if (bytes.size() >= kWriteBufferBytes) {
    writeToFile(bytes);  // not copied through the buffer
    return;
  }
  buffer_.append(bytes);
}

void SpillWriter::flush() {
  writeToFile(buffer_);
  buffer_.clear();
  if (buffer_.capacity() > kWriteBufferBytes) std::string().swap(buffer_);
}

void SpillWriter::writeToFile(std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) failWrite(path_, n < 0 ? errno : ENOSPC);
    done += static_cast<size_t>(n);
  }
  written_ += static_cast<int64_t>(bytes.size());
}

int64_t SpillWriter::close() {
  flush();
  if (::close(fd_) != 0) {
    fd_ = -1;
    failWrite(path_, errno);
  }
  fd_ = -1;
  return written_;
}

SpillReader::SpillReader(std::filesystem::path path, core::Schema schema)
    : path_(std::move(path)), schema_(std::move(schema)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) failRead(path_, std::strerror(errno));
}

SpillReader::SpillReader(SpillReader&& other) noexcept
    : path_(std::move(other.path_)),
      schema_(std::move(other.schema_)),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      position_(other.position_) {}

SpillReader::~SpillReader() {
  if (fd_ < 0) return;  // moved from
  ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

bool SpillReader::fill(size_t bytes) {
  if (buffer_.size() - position_ >= bytes) return true;
  buffer_.erase(0, position_);
  position_ = 0;
  size_t want = std::max(bytes, kReadBufferBytes);
  size_t have = buffer_.size();
  buffer_.resize(want);
  while (have < bytes) {
    size_t n = readSome(fd_, path_, buffer_.data() + have, want - have, -1);
    if (n == 0) break;
    have += n;
  }
  buffer_.resize(have);
  return have >= bytes;
}

std::optional<core::ColumnBatch> SpillReader::next() {
  if (!fill(4)) {
    if (buffer_.size() != position_) failRead(path_, "it ends inside a batch");
    return std::nullopt;
  }
  uint32_t length;
  std::memcpy(&length, buffer_.data() + position_, 4);
  if (!fill(4 + static_cast<size_t>(length))) failRead(path_, "it ends inside a batch");
  core::ColumnBatch batch = deserialize(std::string_view(buffer_).substr(position_ + 4, length), schema_);
  position_ += 4 + static_cast<size_t>(length);
  return batch;
}

SpillRangeReader::SpillRangeReader(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) failRead(path_, std::strerror(errno));
}

SpillRangeReader::SpillRangeReader(SpillRangeReader&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), chunk_(std::move(other.chunk_)) {}

SpillRangeReader::~SpillRangeReader() {
  if (fd_ < 0) return;  // moved from
  ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void SpillRangeReader::copy(int64_t offset, int64_t length, const std::function<void(std::string_view)>& sink) {
  chunk_.resize(kWriteBufferBytes);
  while (length > 0) {
    size_t n = readSome(fd_, path_, chunk_.data(), std::min(chunk_.size(), static_cast<size_t>(length)), offset);
    if (n == 0) failRead(path_, "it is shorter than what was spilled to it");
    sink(std::string_view(chunk_.data(), n));
    offset += static_cast<int64_t>(n);
    length -= static_cast<int64_t>(n);
  }
}

}  // namespace jobtuner::runtime

#include "collector/byte_source.h"

#include "collector/codec_sources.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace jobtuner::collector {

namespace fs = std::filesystem;

namespace {

// Big enough that a read costs one system call per 256 KiB of compressed data, small enough to
// stay negligible next to the line reader's chunk.
constexpr size_t kCompressedBufferBytes = size_t{256} << 10;

class FileByteSource final : public ByteSource {
 public:
  explicit FileByteSource(const fs::path& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      std::string reason = std::strerror(errno);
      throw core::UserError(core::SourceLocation{path.string()}, "cannot open the event log: " + reason,
                            "check the path and the file's permissions");
    }
    struct stat info {};
    if (::fstat(fd_, &info) == 0 && S_ISDIR(info.st_mode)) {
      ::close(fd_);
      throw core::UserError(core::SourceLocation{path.string()}, "is a directory, not an event-log file",
                            "name the directory itself to ingest the logs in it");
    }
    // The kernel reads ahead more aggressively for files that announce sequential access.
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~FileByteSource() override { ::close(fd_); }
  FileByteSource(const FileByteSource&) = delete;
  FileByteSource& operator=(const FileByteSource&) = delete;

  size_t read(char* buffer, size_t capacity) override {
    if (ended_ || capacity == 0) return 0;
    for (;;) {
      ssize_t count = ::read(fd_, buffer, capacity);
      if (count > 0) {
        bytesRead_ += static_cast<uint64_t>(count);
        return static_cast<size_t>(count);
      }
      if (count < 0 && errno == EINTR) continue;
      if (count < 0) {
        damage_ = "read failed after " + std::to_string(bytesRead_) + " bytes: " + std::strerror(errno);
      }
      ended_ = true;
      return 0;
    }
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return bytesRead_; }

 private:
  int fd_ = -1;
  bool ended_ = false;
  uint64_t bytesRead_ = 0;
  std::string damage_;
};

class MemoryByteSource final : public ByteSource {
 public:
  explicit MemoryByteSource(std::string_view bytes) : bytes_(bytes) {}

  size_t read(char* buffer, size_t capacity) override {
    size_t count = std::min(capacity, bytes_.size() - position_);
    if (count == 0) return 0;  // an empty view may hold a null pointer, which memcpy must not see
    std::memcpy(buffer, bytes_.data() + position_, count);
    position_ += count;
    return count;
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return position_; }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
  std::string damage_;
};

class ZstdByteSource final : public ByteSource {
 public:
  explicit ZstdByteSource(std::unique_ptr<ByteSource> compressed)
      : compressed_(std::move(compressed)),
        context_(ZSTD_createDCtx()),
        inputBuffer_(std::make_unique_for_overwrite<char[]>(kCompressedBufferBytes)) {
    if (!context_) throw core::SystemError("cannot allocate a zstd decompression context");
    // The default window limit (128 MiB) bounds the memory a hostile frame header can demand;
    // Spark's zstd streams use far smaller windows.
    input_ = {inputBuffer_.get(), 0, 0};
  }
  ~ZstdByteSource() override { ZSTD_freeDCtx(context_); }
  ZstdByteSource(const ZstdByteSource&) = delete;
  ZstdByteSource& operator=(const ZstdByteSource&) = delete;

  size_t read(char* buffer, size_t capacity) override {
    if (ended_ || capacity == 0) return 0;
    ZSTD_outBuffer output{buffer, capacity, 0};
    while (output.pos == 0) {
      if (input_.pos == input_.size && !inputEnded_) refill();
      bool noInput = input_.pos == input_.size;
      // Between frames with nothing left to read is the only clean end.
      if (noInput && frameDone_) {
        if (!compressed_->damage().empty()) damage_ = compressed_->damage();
        ended_ = true;
        return 0;
      }
      size_t result = ZSTD_decompressStream(context_, &output, &input_);
      if (ZSTD_isError(result)) {
        damage_ = "zstd data is corrupt after " + std::to_string(rawBytesRead()) + " bytes: " +
                  ZSTD_getErrorName(result);
        ended_ = true;
        return output.pos;
      }
      frameDone_ = result == 0;
      // With no input left, a call that yields nothing means the frame can never be finished.
      if (noInput && output.pos == 0) {
        damage_ = compressed_->damage().empty()
                      ? "zstd stream is truncated after " + std::to_string(rawBytesRead()) + " bytes"
                      : compressed_->damage();
        ended_ = true;
        return 0;
      }
    }
    return output.pos;
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return compressed_->rawBytesRead() - (input_.size - input_.pos); }

 private:
  void refill() {
    size_t count = compressed_->read(inputBuffer_.get(), kCompressedBufferBytes);
    input_ = {inputBuffer_.get(), count, 0};
    if (count == 0) inputEnded_ = true;
  }

  std::unique_ptr<ByteSource> compressed_;
  ZSTD_DCtx* context_;
  std::unique_ptr<char[]> inputBuffer_;  // uninitialised: a small log touches only what it fills
  ZSTD_inBuffer input_{};
  bool inputEnded_ = false;
  bool frameDone_ = true;  // an empty stream is a complete (empty) one
  bool ended_ = false;
  std::string damage_;
};

std::unique_ptr<ByteSource> openDecoded(const fs::path& path, Codec codec) {
  if (codec == Codec::None) return std::make_unique<FileByteSource>(path);
  return openCompressedSource(std::make_unique<FileByteSource>(path), codec);
}

class ConcatenatedByteSource final : public ByteSource {
 public:
  ConcatenatedByteSource(std::vector<fs::path> parts, Codec codec) : parts_(std::move(parts)), codec_(codec) {
    if (!parts_.empty()) current_ = openDecoded(parts_.front(), codec_);
  }

  size_t read(char* buffer, size_t capacity) override {
    while (current_ && capacity > 0) {
      size_t count = current_->read(buffer, capacity);
      if (count > 0) return count;
      if (!current_->damage().empty()) {
        damage_ = describe(current_->damage());
        finishCurrent();
        return 0;
      }
      finishCurrent();
      if (++index_ >= parts_.size()) return 0;
      try {
        current_ = openDecoded(parts_[index_], codec_);
      } catch (const std::exception& error) {
        // The parts before were read already; losing them over a later part would lose data.
        damage_ = error.what();
        return 0;
      }
    }
    return 0;
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return finishedRawBytes_ + (current_ ? current_->rawBytesRead() : 0); }

 private:
  void finishCurrent() {
    finishedRawBytes_ += current_->rawBytesRead();
    current_.reset();
  }
  std::string describe(const std::string& problem) const {
    if (parts_.size() == 1) return problem;
    return parts_[index_].filename().string() + ": " + problem;
  }

  std::vector<fs::path> parts_;
  Codec codec_;
  size_t index_ = 0;
  std::unique_ptr<ByteSource> current_;
  uint64_t finishedRawBytes_ = 0;
  std::string damage_;
};

}  // namespace

std::unique_ptr<ByteSource> openByteSource(const fs::path& path, Codec codec) { return openDecoded(path, codec); }

std::unique_ptr<ByteSource> openConcatenated(const std::vector<fs::path>& parts, Codec codec) {
  return std::make_unique<ConcatenatedByteSource>(parts, codec);
}

std::unique_ptr<ByteSource> openMemoryByteSource(std::string_view bytes) {
  return std::make_unique<MemoryByteSource>(bytes);
}

std::unique_ptr<ByteSource> openZstdDecoder(std::unique_ptr<ByteSource> compressed) {
  return std::make_unique<ZstdByteSource>(std::move(compressed));
}

}  // namespace jobtuner::collector

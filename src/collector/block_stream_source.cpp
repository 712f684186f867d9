#include "collector/block_stream_source.h"

#include <algorithm>
#include <cstring>

namespace jobtuner::collector {

namespace {

// Large enough that a 32 KiB block rarely needs two reads of the underlying file.
constexpr size_t kInputBufferBytes = size_t{64} << 10;
// appendInput() grows its vector by at most this much before the bytes are really there.
constexpr size_t kAppendStepBytes = size_t{1} << 20;

}  // namespace

BlockStreamSource::BlockStreamSource(std::unique_ptr<ByteSource> compressed, std::string codecName,
                                     uint64_t maxDecompressedBytes)
    : compressed_(std::move(compressed)),
      codecName_(std::move(codecName)),
      maxDecompressedBytes_(maxDecompressedBytes),
      input_(kInputBufferBytes) {}

size_t BlockStreamSource::read(char* buffer, size_t capacity) {
  size_t copied = 0;
  while (copied < capacity && !ended_) {
    if (blockPosition_ == block_.size()) {
      if (limitReached_) {
        pendingDamage_ = "decompressed size exceeds the limit of " + std::to_string(maxDecompressedBytes_) + " bytes";
        ended_ = true;
        break;
      }
      block_.clear();
      blockPosition_ = 0;
      if (!decodeNextBlock(block_)) {
        // A clean end of the frames can still hide a failed read underneath.
        if (pendingDamage_.empty()) pendingDamage_ = compressed_->damage();
        block_.clear();
        ended_ = true;
        break;
      }
      uint64_t room = maxDecompressedBytes_ - decompressedBytes_;
      if (block_.size() > room) {
        block_.resize(static_cast<size_t>(room));
        limitReached_ = true;
      }
      decompressedBytes_ += block_.size();
      continue;
    }
    size_t count = std::min(capacity - copied, block_.size() - blockPosition_);
    std::memcpy(buffer + copied, block_.data() + blockPosition_, count);
    blockPosition_ += count;
    copied += count;
  }
  if (copied == 0 && ended_ && damage_.empty()) damage_ = pendingDamage_;
  return copied;
}

uint64_t BlockStreamSource::rawBytesRead() const {
  return compressed_->rawBytesRead() - (inputEnd_ - inputPosition_);
}

bool BlockStreamSource::refillInput() {
  if (inputEnded_) return false;
  size_t count = compressed_->read(input_.data(), input_.size());
  inputPosition_ = 0;
  inputEnd_ = count;
  if (count == 0) inputEnded_ = true;
  return count > 0;
}

size_t BlockStreamSource::readInput(char* destination, size_t count) {
  size_t copied = 0;
  while (copied < count) {
    if (inputPosition_ == inputEnd_ && !refillInput()) break;
    size_t step = std::min(count - copied, inputEnd_ - inputPosition_);
    std::memcpy(destination + copied, input_.data() + inputPosition_, step);
    inputPosition_ += step;
    copied += step;
  }
  return copied;
}

size_t BlockStreamSource::appendInput(std::vector<char>& destination, size_t count) {
  size_t appended = 0;
  while (appended < count) {
    size_t step = std::min(count - appended, kAppendStepBytes);
    size_t oldSize = destination.size();
    destination.resize(oldSize + step);
    size_t got = readInput(destination.data() + oldSize, step);
    appended += got;
    if (got < step) {
      destination.resize(oldSize + got);
      break;
    }
  }
  return appended;
}

void BlockStreamSource::corrupt(const std::string& problem) {
  if (pendingDamage_.empty()) {
    pendingDamage_ = codecName_ + " data is corrupt after " + std::to_string(blockOffset_) + " bytes: " + problem;
  }
}

void BlockStreamSource::truncated(const std::string& where) {
  if (!pendingDamage_.empty()) return;
  pendingDamage_ = compressed_->damage();
  if (pendingDamage_.empty()) {
    pendingDamage_ =
        codecName_ + " stream is truncated after " + std::to_string(inputOffset()) + " bytes (" + where + ")";
  }
}

uint32_t readLittleEndian32(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

uint32_t readBigEndian32(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | uint32_t{b[3]};
}

uint16_t readBigEndian16(const char* bytes) {
  const auto* b = reinterpret_cast<const unsigned char*>(bytes);
  return static_cast<uint16_t>(b[0] << 8 | b[1]);
}

}  // namespace jobtuner::collector

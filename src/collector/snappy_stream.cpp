#include "collector/snappy_stream.h"

#include <snappy.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace jobtuner::collector {

namespace {

constexpr char kMagic[] = {'\x82', 'S', 'N', 'A', 'P', 'P', 'Y', '\0'};
constexpr size_t kMagicBytes = sizeof(kMagic);
constexpr size_t kHeaderBytes = kMagicBytes + 4 + 4;
// The magic's first four bytes read as a block length: a concatenated stream's header.
constexpr uint32_t kMagicAsLength = 0x82534E41;
constexpr uint32_t kMinimumVersion = 1;
constexpr uint32_t kMaxExpansion = 32;

}  // namespace

SnappyStream::SnappyStream(std::unique_ptr<ByteSource> compressed, uint64_t maxDecompressedBytes)
    : BlockStreamSource(std::move(compressed), "snappy", maxDecompressedBytes) {}

bool SnappyStream::readHeader(const char* firstBytes, size_t firstCount) {
  char header[kHeaderBytes];
  std::memcpy(header, firstBytes, firstCount);
  size_t got = firstCount + readInput(header + firstCount, kHeaderBytes - firstCount);
  if (std::memcmp(header, kMagic, std::min(got, kMagicBytes)) != 0) {
    corrupt("the stream does not start with snappy-java's \\x82SNAPPY header");
    return false;
  }
  if (got < kHeaderBytes) {
    truncated("in the stream header");
    return false;
  }
  // snappy-java checks only the writer's version against the oldest it can read.
  uint32_t version = readBigEndian32(header + kMagicBytes);
  if (version < kMinimumVersion || version > INT32_MAX) {
    corrupt("the stream header has an unknown version " + std::to_string(static_cast<int32_t>(version)));
    return false;
  }
  return true;
}

bool SnappyStream::decodeNextBlock(std::vector<char>& block) {
  for (;;) {
    beginBlock();
    if (!headerRead_) {
      // An empty file is an empty stream: the log was created and nothing was flushed yet.
      char first;
      if (readInput(&first, 1) == 0) return false;
      if (!readHeader(&first, 1)) return false;
      headerRead_ = true;
      continue;
    }
    char lengthBytes[4];
    size_t got = readInput(lengthBytes, sizeof(lengthBytes));
    if (got == 0) return false;  // the only clean end: between two blocks
    if (got < sizeof(lengthBytes)) {
      truncated("in a block length");
      return false;
    }
    uint32_t compressedLength = readBigEndian32(lengthBytes);
    if (compressedLength == kMagicAsLength) {
      if (!readHeader(lengthBytes, sizeof(lengthBytes))) return false;
      continue;
    }
    if (compressedLength == 0 || compressedLength > snappy::MaxCompressedLength(kMaxBlockBytes)) {
      corrupt("a block declares an impossible length of " + std::to_string(compressedLength) + " bytes");
      return false;
    }
    compressedBlock_.clear();
    if (appendInput(compressedBlock_, compressedLength) < compressedLength) {
      truncated("in a block of " + std::to_string(compressedLength) + " bytes");
      return false;
    }
    size_t decompressedLength = 0;
    if (!snappy::GetUncompressedLength(compressedBlock_.data(), compressedLength, &decompressedLength) ||
        decompressedLength > kMaxBlockBytes) {
      corrupt("a block's decompressed length is missing or beyond " + std::to_string(kMaxBlockBytes) + " bytes");
      return false;
    }
    // Snappy's densest element, a 3-byte copy of 64 bytes, bounds the expansion; a length beyond
    // it is a lie that would cost a large allocation for a few bytes of input.
    if (decompressedLength > uint64_t{kMaxExpansion} * compressedLength) {
      corrupt("a block claims " + std::to_string(decompressedLength) + " bytes from only " +
              std::to_string(compressedLength));
      return false;
    }
    block.resize(decompressedLength);
    if (!snappy::RawUncompress(compressedBlock_.data(), compressedLength, block.data())) {
      block.clear();
      corrupt("a block does not decode");
      return false;
    }
    return true;
  }
}

}  // namespace jobtuner::collector

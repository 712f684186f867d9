#include "collector/lz4_block_stream.h"

#include <lz4.h>

#include <cstring>
#include <string>

// Header-only use: xxhash's functions are inlined here, so nothing extra is linked.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace jobtuner::collector {

namespace {

constexpr char kMagic[] = {'L', 'Z', '4', 'B', 'l', 'o', 'c', 'k'};
constexpr size_t kMagicBytes = sizeof(kMagic);
constexpr size_t kHeaderBytes = kMagicBytes + 1 + 4 + 4 + 4;
constexpr unsigned kMethodRaw = 0x10;
constexpr unsigned kMethodLz4 = 0x20;
constexpr unsigned kLevelBase = 10;
constexpr uint32_t kChecksumSeed = 0x9747b28c;
constexpr uint32_t kChecksumMask = 0x0FFFFFFF;
constexpr uint32_t kMaxExpansion = 255;

std::string hexByte(unsigned value) {
  constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[(value >> 4) & 0xF] + kDigits[value & 0xF];
}

}  // namespace

Lz4BlockStream::Lz4BlockStream(std::unique_ptr<ByteSource> compressed, uint64_t maxDecompressedBytes)
    : BlockStreamSource(std::move(compressed), "lz4", maxDecompressedBytes) {}

bool Lz4BlockStream::decodeNextBlock(std::vector<char>& block) {
  // End marks carry no data: skip them until a data block or the end of the input.
  for (;;) {
    beginBlock();
    char header[kHeaderBytes];
    size_t got = readInput(header, kHeaderBytes);
    if (got == 0) {
      // lz4-java (as Spark configures it) stops quietly here too, but a log without its end mark
      // was cut short or is still being written, and the reader should hear about it.
      if (insideStream_) truncated("no end-of-stream block");
      return false;
    }
    if (got < kHeaderBytes) {
      truncated("in a block header");
      return false;
    }
    if (std::memcmp(header, kMagic, kMagicBytes) != 0) {
      corrupt("a block does not start with the LZ4Block magic");
      return false;
    }
    unsigned token = static_cast<unsigned char>(header[kMagicBytes]);
    unsigned method = token & 0xF0;
    uint64_t maxBlockBytes = uint64_t{1} << (kLevelBase + (token & 0x0F));
    uint32_t compressedLength = readLittleEndian32(header + kMagicBytes + 1);
    uint32_t decompressedLength = readLittleEndian32(header + kMagicBytes + 5);
    uint32_t check = readLittleEndian32(header + kMagicBytes + 9);
    if (method != kMethodRaw && method != kMethodLz4) {
      corrupt("unknown compression method " + hexByte(method));
      return false;
    }
    if (decompressedLength > maxBlockBytes) {
      corrupt("a block of " + std::to_string(decompressedLength) + " bytes exceeds its declared maximum of " +
              std::to_string(maxBlockBytes) + " bytes");
      return false;
    }
    // LZ4 cannot expand one byte into more than 255, so a header claiming more is lying, and
    // believing it would cost a large allocation for a few bytes of input.
    if ((compressedLength == 0) != (decompressedLength == 0) ||
        (method == kMethodRaw && compressedLength != decompressedLength) ||
        (method == kMethodLz4 && (compressedLength > static_cast<uint32_t>(LZ4_compressBound(decompressedLength)) ||
                                  decompressedLength > uint64_t{kMaxExpansion} * compressedLength))) {
      corrupt("a block header has inconsistent lengths (" + std::to_string(compressedLength) + " compressed, " +
              std::to_string(decompressedLength) + " decompressed)");
      return false;
    }
    if (decompressedLength == 0) {
      if (check != 0) {
        corrupt("an end-of-stream block has a nonzero checksum");
        return false;
      }
      insideStream_ = false;
      continue;
    }
    insideStream_ = true;

    if (method == kMethodRaw) {
      if (appendInput(block, decompressedLength) < decompressedLength) {
        truncated("in a block of " + std::to_string(compressedLength) + " bytes");
        return false;
      }
    } else {
      compressedBlock_.clear();
      if (appendInput(compressedBlock_, compressedLength) < compressedLength) {
        truncated("in a block of " + std::to_string(compressedLength) + " bytes");
        return false;
      }
      block.resize(decompressedLength);
      int decoded = LZ4_decompress_safe(compressedBlock_.data(), block.data(), static_cast<int>(compressedLength),
                                        static_cast<int>(decompressedLength));
      if (decoded != static_cast<int>(decompressedLength)) {
        block.clear();
        corrupt("a block does not decode to its declared " + std::to_string(decompressedLength) + " bytes");
        return false;
      }
    }
    if ((XXH32(block.data(), block.size(), kChecksumSeed) & kChecksumMask) != check) {
      block.clear();
      corrupt("a block's checksum does not match its content");
      return false;
    }
    return true;
  }
}

}  // namespace jobtuner::collector

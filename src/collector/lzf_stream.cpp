#include "collector/lzf_stream.h"

#include <cstring>
#include <string>

namespace jobtuner::collector {

namespace {

constexpr size_t kSignatureBytes = 3;  // 'Z', 'V', type
constexpr unsigned kTypeStored = 0;
constexpr unsigned kTypeCompressed = 1;
// Control bytes below this start a literal run of (control + 1) bytes.
constexpr unsigned kLiteralLimit = 32;
// A back reference's 3-bit length field at its maximum means "an extra length byte follows".
constexpr size_t kLongMatch = 7;

}  // namespace

bool decompressLzf(const unsigned char* input, size_t inputSize, unsigned char* output, size_t outputSize) {
  size_t in = 0;
  size_t out = 0;
  while (out < outputSize) {
    if (in >= inputSize) return false;
    unsigned control = input[in++];
    if (control < kLiteralLimit) {
      size_t run = size_t{control} + 1;
      if (run > inputSize - in || run > outputSize - out) return false;
      std::memcpy(output + out, input + in, run);
      in += run;
      out += run;
      continue;
    }
    size_t length = control >> 5;
    if (length == kLongMatch) {
      if (in >= inputSize) return false;
      length += input[in++];
    }
    length += 2;
    if (in >= inputSize) return false;
    size_t distance = (size_t{control & 0x1F} << 8) + input[in++] + 1;
    if (distance > out || length > outputSize - out) return false;
    // Byte by byte on purpose: a match may overlap the bytes it is producing (distance < length).
    for (size_t i = 0; i < length; ++i, ++out) output[out] = output[out - distance];
  }
  return in == inputSize;
}

LzfStream::LzfStream(std::unique_ptr<ByteSource> compressed, uint64_t maxDecompressedBytes)
    : BlockStreamSource(std::move(compressed), "lzf", maxDecompressedBytes) {}

bool LzfStream::decodeNextBlock(std::vector<char>& block) {
  beginBlock();
  char header[kSignatureBytes + 4];
  size_t got = readInput(header, kSignatureBytes);
  if (got == 0) return false;  // the only clean end: between two chunks
  if (header[0] != 'Z' || (got > 1 && header[1] != 'V')) {
    corrupt("a chunk does not start with the ZV signature");
    return false;
  }
  if (got < kSignatureBytes) {
    truncated("in a chunk header");
    return false;
  }
  unsigned type = static_cast<unsigned char>(header[2]);
  if (type != kTypeStored && type != kTypeCompressed) {
    corrupt("unknown chunk type " + std::to_string(type));
    return false;
  }
  size_t lengthBytes = type == kTypeStored ? 2 : 4;
  if (readInput(header + kSignatureBytes, lengthBytes) < lengthBytes) {
    truncated("in a chunk header");
    return false;
  }
  uint16_t length = readBigEndian16(header + kSignatureBytes);
  if (type == kTypeStored) {
    if (appendInput(block, length) < length) {
      truncated("in a chunk of " + std::to_string(length) + " bytes");
      return false;
    }
    return true;
  }
  uint16_t decompressedLength = readBigEndian16(header + kSignatureBytes + 2);
  compressedChunk_.clear();
  if (appendInput(compressedChunk_, length) < length) {
    truncated("in a chunk of " + std::to_string(length) + " bytes");
    return false;
  }
  block.resize(decompressedLength);
  if (!decompressLzf(reinterpret_cast<const unsigned char*>(compressedChunk_.data()), length,
                     reinterpret_cast<unsigned char*>(block.data()), decompressedLength)) {
    block.clear();
    corrupt("a chunk does not decode to its declared " + std::to_string(decompressedLength) + " bytes");
    return false;
  }
  return true;
}

}  // namespace jobtuner::collector

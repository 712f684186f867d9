#pragma once

// Spark's `.lz4` event logs: lz4-java's LZ4BlockOutputStream framing, as Spark's
// LZ4CompressionCodec writes it.
//
// Each block is a 21-byte header then its payload:
//   "LZ4Block"  8 bytes of magic
//   token       1 byte: method in the high nibble (0x10 stored raw, 0x20 LZ4), and in the low
//               nibble a level L that bounds the block: decompressed length <= 1 << (10 + L)
//   compressed length, decompressed length, checksum: 32-bit little-endian each
// The checksum is XXH32 of the decompressed bytes with seed 0x9747b28c, masked to its low 28 bits
// (lz4-java's StreamingXXHash32.asChecksum() does the masking). A block with both lengths and the
// checksum zero ends a stream; Spark reads on after it, so streams may be concatenated.

#include <cstdint>
#include <memory>
#include <vector>

#include "collector/block_stream_source.h"

namespace jobtuner::collector {

class Lz4BlockStream final : public BlockStreamSource {
 public:
  /// Decodes lz4-java block streams read from `compressed`. Damage: a bad magic, method, length or
  /// checksum, a block that does not decode, input that ends inside a block or before the
  /// end-of-stream block, or more than `maxDecompressedBytes` of output.
  Lz4BlockStream(std::unique_ptr<ByteSource> compressed, uint64_t maxDecompressedBytes);

 private:
  bool decodeNextBlock(std::vector<char>& block) override;

  std::vector<char> compressedBlock_;
  bool insideStream_ = false;  // a data block was read and its stream's end mark was not yet
};

}  // namespace jobtuner::collector

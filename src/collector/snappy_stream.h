#pragma once

// Spark's `.snappy` event logs: snappy-java's SnappyOutputStream framing, as Spark's
// SnappyCompressionCodec writes it.
//
// A 16-byte header: the magic "\x82SNAPPY\0", then a version and a compatible version as 32-bit
// big-endian integers (both 1 today). Then blocks, each a 32-bit big-endian length and that many
// bytes of raw snappy data. There is no end mark: the stream ends between two blocks. A header
// where a block length is expected starts a concatenated stream; snappy-java reads on across it,
// and its first four bytes, read as a length, have the top bit set, so no real length is mistaken
// for it. A block ends wherever Spark flushed, so blocks are of any size up to the block size.

#include <cstdint>
#include <memory>
#include <vector>

#include "collector/block_stream_source.h"

namespace jobtuner::collector {

class SnappyStream final : public BlockStreamSource {
 public:
  /// Decodes snappy-java streams read from `compressed`. An empty input is an empty stream (a log
  /// that was created but never written). Damage: a bad header, a block length that is zero or
  /// beyond any block Spark writes, a block that does not decode, input that ends inside the header
  /// or a block, or more than `maxDecompressedBytes` of output.
  SnappyStream(std::unique_ptr<ByteSource> compressed, uint64_t maxDecompressedBytes);

  /// The largest decompressed block accepted: far above Spark's 32 KiB default block size and any
  /// sane spark.io.compression.snappy.blockSize, and what bounds the decoder's memory.
  static constexpr size_t kMaxBlockBytes = size_t{64} << 20;

 private:
  bool decodeNextBlock(std::vector<char>& block) override;
  bool readHeader(const char* firstBytes, size_t firstCount);

  std::vector<char> compressedBlock_;
  bool headerRead_ = false;
};

}  // namespace jobtuner::collector

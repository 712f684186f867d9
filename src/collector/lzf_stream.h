#pragma once

// Spark's `.lzf` event logs: compress-lzf's LZFOutputStream chunks, as Spark's LZFCompressionCodec
// writes them (PLZFOutputStream, Spark's parallel option, writes the same chunks).
//
// Each chunk starts with "ZV" and a type byte. Type 0 (stored): a 16-bit big-endian length and the
// bytes. Type 1 (compressed): a 16-bit big-endian compressed length, a 16-bit big-endian
// decompressed length, then LZF data. Chunks hold at most 65535 bytes; there is no end mark.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "collector/block_stream_source.h"

namespace jobtuner::collector {

class LzfStream final : public BlockStreamSource {
 public:
  /// Decodes compress-lzf chunk streams read from `compressed`. Damage: a missing "ZV" signature,
  /// an unknown chunk type, LZF data that does not decode to exactly its declared length, input
  /// that ends inside a chunk, or more than `maxDecompressedBytes` of output.
  LzfStream(std::unique_ptr<ByteSource> compressed, uint64_t maxDecompressedBytes);

 private:
  bool decodeNextBlock(std::vector<char>& block) override;

  std::vector<char> compressedChunk_;
};

/// Decodes one LZF-compressed chunk into exactly `outputSize` bytes. Returns false, having written
/// only inside `output`, when the data is malformed, refers back before the start of the output,
/// or does not fill the output exactly using all of the input.
bool decompressLzf(const unsigned char* input, size_t inputSize, unsigned char* output, size_t outputSize);

}  // namespace jobtuner::collector

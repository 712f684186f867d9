#pragma once

// What the block-framed codecs of Spark's event logs (lz4-java's LZ4Block, snappy-java's stream,
// compress-lzf's chunks) share: each is a run of independently decodable blocks, so a decoder holds
// one block at a time and memory stays bounded by the largest block the format allows.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "collector/byte_source.h"

namespace jobtuner::collector {

/// A ByteSource over a stream of compressed blocks. A subclass parses and decodes one block at a
/// time; this class buffers the compressed input, serves the decoded bytes, enforces the
/// decompressed-size limit and keeps the end sticky. A damaged block is never served in part: the
/// reader gets every block before it, then read() returns 0 and damage() says what went wrong.
class BlockStreamSource : public ByteSource {
 public:
  size_t read(char* buffer, size_t capacity) final;
  const std::string& damage() const final { return damage_; }
  uint64_t rawBytesRead() const final;

 protected:
  /// `codecName` starts every damage message ("lz4 data is corrupt after ...").
  BlockStreamSource(std::unique_ptr<ByteSource> compressed, std::string codecName, uint64_t maxDecompressedBytes);

  /// Replaces `block` with the next decoded block. Returns false at the end of the stream: a clean
  /// end, or one reported through corrupt() or truncated() first. An empty block is allowed.
  virtual bool decodeNextBlock(std::vector<char>& block) = 0;

  /// Reads `count` bytes of compressed input; fewer only when the input ends.
  size_t readInput(char* destination, size_t count);
  /// Appends `count` bytes of compressed input to `destination`; fewer only when the input ends.
  /// The vector grows as bytes arrive, so a length field that lies costs no more memory than the
  /// input really holds.
  size_t appendInput(std::vector<char>& destination, size_t count);
  /// Compressed bytes consumed so far.
  uint64_t inputOffset() const { return rawBytesRead(); }
  /// Marks where the block being parsed starts: corrupt() reports the bytes before it as good.
  void beginBlock() { blockOffset_ = inputOffset(); }

  /// Ends the stream: "<codec> data is corrupt after <block start> bytes: <problem>".
  void corrupt(const std::string& problem);
  /// Ends the stream: "<codec> stream is truncated after <bytes read> bytes (<where>)", unless the
  /// compressed input itself failed, whose own damage explains it better.
  void truncated(const std::string& where);

 private:
  bool refillInput();

  std::unique_ptr<ByteSource> compressed_;
  std::string codecName_;
  uint64_t maxDecompressedBytes_;
  std::vector<char> input_;
  size_t inputPosition_ = 0;
  size_t inputEnd_ = 0;
  bool inputEnded_ = false;
  uint64_t blockOffset_ = 0;

  std::vector<char> block_;
  size_t blockPosition_ = 0;
  uint64_t decompressedBytes_ = 0;
  bool limitReached_ = false;
  bool ended_ = false;
  // Damage is published only by the read() that returns 0, so a reader never sees damage while
  // bytes from before it are still being served.
  std::string pendingDamage_;
  std::string damage_;
};

/// Reads a 32-bit little-endian integer (lz4-java's framing).
uint32_t readLittleEndian32(const char* bytes);
/// Reads a 32-bit big-endian integer (snappy-java's framing).
uint32_t readBigEndian32(const char* bytes);
/// Reads a 16-bit big-endian integer (compress-lzf's framing).
uint16_t readBigEndian16(const char* bytes);

}  // namespace jobtuner::collector

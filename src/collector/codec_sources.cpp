#include "collector/codec_sources.h"

#include <string>

#include "collector/lz4_block_stream.h"
#include "collector/lzf_stream.h"
#include "collector/snappy_stream.h"

namespace jobtuner::collector {

namespace {

class SizeLimitedSource final : public ByteSource {
 public:
  SizeLimitedSource(std::unique_ptr<ByteSource> source, uint64_t maxBytes)
      : source_(std::move(source)), maxBytes_(maxBytes) {}

  size_t read(char* buffer, size_t capacity) override {
    if (ended_ || capacity == 0) return 0;
    uint64_t room = maxBytes_ - delivered_;
    if (room == 0) {
      // At the limit: one more byte means too many; none means the stream fit exactly.
      char probe;
      if (source_->read(&probe, 1) > 0) {
        damage_ = "decompressed size exceeds the limit of " + std::to_string(maxBytes_) + " bytes";
      } else {
        damage_ = source_->damage();
      }
      ended_ = true;
      return 0;
    }
    size_t count = source_->read(buffer, room < capacity ? static_cast<size_t>(room) : capacity);
    if (count == 0) {
      damage_ = source_->damage();
      ended_ = true;
    }
    delivered_ += count;
    return count;
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return source_->rawBytesRead(); }

 private:
  std::unique_ptr<ByteSource> source_;
  uint64_t maxBytes_;
  uint64_t delivered_ = 0;
  bool ended_ = false;
  std::string damage_;
};

}  // namespace

std::unique_ptr<ByteSource> openCompressedSource(std::unique_ptr<ByteSource> compressed, Codec codec,
                                                 uint64_t maxDecompressedBytes) {
  switch (codec) {
    case Codec::Lz4: return std::make_unique<Lz4BlockStream>(std::move(compressed), maxDecompressedBytes);
    case Codec::Snappy: return std::make_unique<SnappyStream>(std::move(compressed), maxDecompressedBytes);
    case Codec::Lzf: return std::make_unique<LzfStream>(std::move(compressed), maxDecompressedBytes);
    case Codec::Zstd: compressed = openZstdDecoder(std::move(compressed)); break;
    case Codec::None: break;
  }
  if (maxDecompressedBytes == kNoDecompressedLimit) return compressed;
  return openSizeLimited(std::move(compressed), maxDecompressedBytes);
}

std::unique_ptr<ByteSource> openSizeLimited(std::unique_ptr<ByteSource> source, uint64_t maxBytes) {
  return std::make_unique<SizeLimitedSource>(std::move(source), maxBytes);
}

}  // namespace jobtuner::collector

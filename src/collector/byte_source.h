#pragma once

// A stream of decompressed bytes from one file, whatever its codec.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/log_layout.h"

namespace jobtuner::collector {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to `capacity` bytes into `buffer`; returns 0 only at the end of the stream.
  /// A damaged stream ends early: read() returns 0 and damage() describes what went wrong.
  virtual size_t read(char* buffer, size_t capacity) = 0;
  /// Empty while the stream is intact; otherwise what was wrong (e.g. "zstd frame is truncated").
  virtual const std::string& damage() const = 0;
  /// Compressed bytes consumed so far (equal to the bytes returned for plain files).
  virtual uint64_t rawBytesRead() const = 0;
};

/// Opens `path` decoding `codec` (plain, zstd, Spark's lz4 block stream, snappy-java's stream,
/// lzf). Throws core::UserError if the file cannot be opened.
std::unique_ptr<ByteSource> openByteSource(const std::filesystem::path& path, Codec codec);

/// Reads the parts of a log one after another as one stream. The first part is opened at once
/// (so an unreadable log throws here); a later part that cannot be opened
/// ends the stream with damage(). Damage names the part when there are several.
std::unique_ptr<ByteSource> openConcatenated(const std::vector<std::filesystem::path>& parts, Codec codec);

/// Serves bytes held in memory (tests, fuzzing, data already read). `bytes` must outlive the source.
std::unique_ptr<ByteSource> openMemoryByteSource(std::string_view bytes);

/// Decodes a zstd stream (one or more frames) read from `compressed`.
std::unique_ptr<ByteSource> openZstdDecoder(std::unique_ptr<ByteSource> compressed);

}  // namespace jobtuner::collector

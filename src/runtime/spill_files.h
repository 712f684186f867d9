#pragma once

// Spill files: what an operator writes when the memory manager refuses it more memory, read back
// once when it finishes. A file is a sequence of batches, each a u32 length then the batch in
// batch_serializer's form (the reader knows the schema), written and read sequentially through a
// buffer, so a reader holds one batch and one buffer whatever the file's size. A shuffle writer's
// spill holds raw shuffle blocks instead, read back by range.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/column_batch.h"

namespace jobtuner::runtime {

class SpillWriter {
 public:
  /// Creates (or truncates) `path`.
  explicit SpillWriter(std::filesystem::path path);
  ~SpillWriter();
  SpillWriter(const SpillWriter&) = delete;
  SpillWriter& operator=(const SpillWriter&) = delete;

  void write(const core::ColumnBatch& batch);
  /// Appends bytes as they are (no length prefix); a large piece goes to the file directly.
  void writeBytes(std::string_view bytes);
  /// Flushes and closes the file; returns its size.
  int64_t close();
  int64_t bytesWritten() const { return written_ + static_cast<int64_t>(buffer_.size()); }

 private:
  void flush();
  void writeToFile(std::string_view bytes);

  std::filesystem::path path_;
  int fd_ = -1;
  std::string buffer_;
  int64_t written_ = 0;
};

/// Reads a file of batches written by SpillWriter::write, and removes it when done with it.
class SpillReader {
 public:
  SpillReader(std::filesystem::path path, core::Schema schema);
  ~SpillReader();
  SpillReader(SpillReader&& other) noexcept;
  SpillReader(const SpillReader&) = delete;
  SpillReader& operator=(const SpillReader&) = delete;
  SpillReader& operator=(SpillReader&&) = delete;

  /// The next batch, or nothing at the end of the file.
  std::optional<core::ColumnBatch> next();

 private:
  /// Makes `bytes` unread bytes available in buffer_ from position_; false at the end of the file.
  bool fill(size_t bytes);

  std::filesystem::path path_;
  core::Schema schema_;
  int fd_ = -1;
  std::string buffer_;
  size_t position_ = 0;
};

/// Reads a file of raw bytes by range (a shuffle writer's spilled blocks, copied into its map
/// output partition by partition), and removes it when done with it.
class SpillRangeReader {
 public:
  explicit SpillRangeReader(std::filesystem::path path);
  ~SpillRangeReader();
  SpillRangeReader(SpillRangeReader&& other) noexcept;
  SpillRangeReader(const SpillRangeReader&) = delete;
  SpillRangeReader& operator=(const SpillRangeReader&) = delete;
  SpillRangeReader& operator=(SpillRangeReader&&) = delete;

  /// Hands `length` bytes from `offset` to `sink`, a few hundred kilobytes at a time.
  void copy(int64_t offset, int64_t length, const std::function<void(std::string_view)>& sink);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::string chunk_;
};

}  // namespace jobtuner::runtime

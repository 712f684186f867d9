#pragma once

// Writes batches to one output file as CSV (with a header) or JSON lines, through a large buffer.
// CSV: null is an empty field, an empty string is "", strings are quoted only when they must be;
// decimals print exactly, doubles in their shortest round-trip form, timestamps as ISO 8601 UTC.
// JSON lines: one object per row, decimals as exact numbers, timestamps as ISO strings.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/column_batch.h"

namespace jobtuner::runtime {

enum class OutputFormat : uint8_t { kCsv, kJsonl };

class RowWriter {
 public:
  /// Creates (truncates) `path`. Throws core::SystemError when it cannot.
  RowWriter(const std::filesystem::path& path, core::Schema schema, OutputFormat format);
  ~RowWriter();
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  void write(const core::ColumnBatch& batch);
  /// Flushes and closes; errors (a full disk) surface here as core::SystemError.
  void close();

  int64_t bytesWritten() const { return bytes_; }
  int64_t recordsWritten() const { return records_; }

 private:
  void appendValue(const core::Column& column, size_t row);
  void flush();

  std::filesystem::path path_;
  core::Schema schema_;
  OutputFormat format_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  int64_t bytes_ = 0;
  int64_t records_ = 0;
};

/// Appends `text` as a JSON string literal (quotes, escapes; invalid UTF-8 becomes U+FFFD).
void appendJsonString(std::string& out, std::string_view text);

}  // namespace jobtuner::runtime

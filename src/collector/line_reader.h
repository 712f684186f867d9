#pragma once

// Splits a byte stream into lines in bounded memory. Each line handed out is followed by at
// least kLinePadding readable bytes, so simdjson can parse it in place without a copy.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/byte_source.h"

namespace jobtuner::collector {

inline constexpr size_t kLinePadding = 64;  // >= SIMDJSON_PADDING

struct LineLimits {
  size_t maxLineBytes = size_t{256} << 20;  // longer lines are skipped, never buffered whole
  size_t chunkBytes = size_t{4} << 20;      // read size; longer lines are assembled separately
};

struct Line {
  std::string_view text;   // without the trailing newline (and without a trailing '\r')
  int64_t number = 0;      // 1-based
  bool lastWithoutNewline = false;  // the stream ended inside this line: it may be cut
};

class LineReader {
 public:
  LineReader(ByteSource& source, LineLimits limits = {});

  /// Returns the next line, false at the end. Lines over the limit are skipped: they are counted
  /// in skippedLongLines() with their numbers, and never held in memory whole. line.text stays
  /// valid until the next call.
  bool next(Line& line);

  const std::vector<int64_t>& skippedLongLines() const { return skippedLongLines_; }
  uint64_t bytesRead() const { return bytesRead_; }

 private:
  void fill();
  bool assembleLongLine(Line& line);
  bool finishLine(char* start, size_t length, bool lastWithoutNewline, Line& line);
  void startDiscarding();
  void growLongLine(size_t needed, size_t keep);

  ByteSource& source_;
  LineLimits limits_;
  size_t chunkBytes_;
  // chunkBytes_ + kLinePadding, left uninitialised so that reading a small log touches only the
  // pages it needs; [begin_, end_) holds unread bytes and the kLinePadding after end_ are zeroed.
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  size_t scanned_ = 0;         // [begin_, scanned_) is known to hold no newline
  bool eof_ = false;
  bool discarding_ = false;    // inside a line over the limit: drop bytes up to its newline
  int64_t lineNumber_ = 0;
  uint64_t bytesRead_ = 0;
  // A line longer than one chunk, padded; allocated uninitialised because it may be hundreds of
  // MB and every byte gets written before it is read.
  std::unique_ptr<char[]> longLine_;
  size_t longLineCapacity_ = 0;
  std::vector<int64_t> skippedLongLines_;
};

}  // namespace jobtuner::collector

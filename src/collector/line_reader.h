#pragma once

// Splits a byte stream into lines in bounded memory. Each line handed out is followed by at
// least kLinePadding readable bytes, so simdjson can parse it in place without a copy.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/byte_source.h"

namespace jobtuner::collector {

inline constexpr size_t kLinePadding = 64;  // >= SIMDJSON_PADDING

struct LineLimits {
  size_t maxLineBytes = size_t{256} << 20;  // longer lines are skipped, never buffered whole
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
  /// in skippedLongLines() with their numbers, and never held in memory whole.
  bool next(Line& line);

  const std::vector<int64_t>& skippedLongLines() const { return skippedLongLines_; }
  uint64_t bytesRead() const { return bytesRead_; }

 private:
  bool fill();

  ByteSource& source_;
  LineLimits limits_;
  std::vector<char> buffer_;   // chunk buffer; [begin_, end_) holds unread bytes
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t lineNumber_ = 0;
  uint64_t bytesRead_ = 0;
  std::string longLine_;       // a line that spans chunks, padded
  std::vector<int64_t> skippedLongLines_;
};

}  // namespace jobtuner::collector

#include "collector/line_reader.h"

#include <algorithm>
#include <cstring>

namespace jobtuner::collector {

namespace {

// True when `length` bytes without their newline may still be a line within `limit` once a
// trailing '\r' is stripped; written to stay correct for a limit of SIZE_MAX.
bool mayFitLimit(size_t length, size_t limit) { return length <= limit || length - limit <= 1; }

}  // namespace

LineReader::LineReader(ByteSource& source, LineLimits limits)
    : source_(source),
      limits_(limits),
      chunkBytes_(std::max<size_t>(limits.chunkBytes, 1)),
      buffer_(std::make_unique_for_overwrite<char[]>(chunkBytes_ + kLinePadding)) {
  std::memset(buffer_.get(), 0, kLinePadding);
}

bool LineReader::next(Line& line) {
  // A buffer grown for one huge line is not kept for the rest of the log.
  if (longLineCapacity_ > 4 * (chunkBytes_ + kLinePadding)) {
    longLine_.reset();
    longLineCapacity_ = 0;
  }
  for (;;) {
    char* base = buffer_.get();
    if (auto* newline = static_cast<char*>(std::memchr(base + scanned_, '\n', end_ - scanned_))) {
      size_t start = begin_;
      begin_ = scanned_ = static_cast<size_t>(newline - base) + 1;
      if (discarding_) {
        discarding_ = false;
      } else if (finishLine(base + start, static_cast<size_t>(newline - base) - start, false, line)) {
        return true;
      }
      continue;
    }
    scanned_ = end_;
    size_t pending = end_ - begin_;
    if (!discarding_ && !mayFitLimit(pending, limits_.maxLineBytes)) startDiscarding();
    if (discarding_) {
      begin_ = scanned_ = end_ = pending = 0;
    }
    if (eof_) {
      if (pending == 0) return false;
      size_t start = begin_;
      begin_ = scanned_ = end_;
      if (finishLine(base + start, pending, true, line)) return true;
      continue;
    }
    if (end_ == chunkBytes_) {
      if (begin_ == 0) {
        if (assembleLongLine(line)) return true;
        continue;
      }
      std::memmove(base, base + begin_, pending);
      begin_ = 0;
      end_ = scanned_ = pending;
    }
    fill();
  }
}

void LineReader::fill() {
  size_t count = source_.read(buffer_.get() + end_, chunkBytes_ - end_);
  if (count == 0) {
    eof_ = true;
    return;
  }
  end_ += count;
  bytesRead_ += count;
  // The padding past the last line must be readable, and initialised so that checkers such as
  // valgrind stay quiet when a parser peeks at it.
  std::memset(buffer_.get() + end_, 0, kLinePadding);
}

bool LineReader::finishLine(char* start, size_t length, bool lastWithoutNewline, Line& line) {
  ++lineNumber_;
  if (length > 0 && start[length - 1] == '\r') --length;
  if (length > limits_.maxLineBytes) {
    skippedLongLines_.push_back(lineNumber_);
    return false;
  }
  line.text = std::string_view(start, length);
  line.number = lineNumber_;
  line.lastWithoutNewline = lastWithoutNewline;
  return true;
}

void LineReader::startDiscarding() {
  ++lineNumber_;
  skippedLongLines_.push_back(lineNumber_);
  discarding_ = true;
}

void LineReader::growLongLine(size_t needed, size_t keep) {
  if (longLineCapacity_ >= needed) return;
  size_t capacity = std::max(needed, longLineCapacity_ * 2);
  auto grown = std::make_unique_for_overwrite<char[]>(capacity);
  if (keep > 0) std::memcpy(grown.get(), longLine_.get(), keep);
  longLine_ = std::move(grown);
  longLineCapacity_ = capacity;
}

// The chunk buffer is full and holds no newline: the rest of the line is read straight into the
// long-line buffer (no second copy), and whatever follows its newline goes back to the chunk.
bool LineReader::assembleLongLine(Line& line) {
  size_t length = end_;
  growLongLine(length + chunkBytes_ + kLinePadding, 0);
  std::memcpy(longLine_.get(), buffer_.get(), length);
  begin_ = scanned_ = end_ = 0;
  for (;;) {
    if (!mayFitLimit(length, limits_.maxLineBytes)) {
      startDiscarding();
      return false;
    }
    growLongLine(length + chunkBytes_ + kLinePadding, length);
    char* fresh = longLine_.get() + length;
    size_t count = source_.read(fresh, chunkBytes_);
    if (count == 0) {
      eof_ = true;
      // The padding of the long-line buffer is never written otherwise; tools like valgrind
      // would rightly flag a parser peeking at it.
      std::memset(longLine_.get() + length, 0, kLinePadding);
      return finishLine(longLine_.get(), length, true, line);
    }
    bytesRead_ += count;
    if (auto* newline = static_cast<char*>(std::memchr(fresh, '\n', count))) {
      size_t used = static_cast<size_t>(newline - fresh);
      size_t rest = count - used - 1;
      std::memcpy(buffer_.get(), newline + 1, rest);
      end_ = rest;
      std::memset(buffer_.get() + end_, 0, kLinePadding);
      std::memset(longLine_.get() + length + used, 0, kLinePadding);
      return finishLine(longLine_.get(), length + used, false, line);
    }
    length += count;
  }
}

}  // namespace jobtuner::collector

#pragma once

// A buffered writer of compact JSON text for the event-log generator. Events are assembled from
// literal fragments and numbers straight into one large buffer: the generator must write a
// gigabyte in seconds, which rules out building DOM objects per event.

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace jobtuner::bench {

class JsonLineWriter {
 public:
  explicit JsonLineWriter(std::FILE* file) : file_(file) { buffer_.reserve(kFlushAt + kSlack); }
  JsonLineWriter(const JsonLineWriter&) = delete;
  JsonLineWriter& operator=(const JsonLineWriter&) = delete;

  /// Appends text that is already valid JSON (keys, punctuation, fixed strings).
  JsonLineWriter& raw(std::string_view text) {
    buffer_.append(text);
    return *this;
  }

  JsonLineWriter& number(int64_t value) {
    char digits[24];
    auto result = std::to_chars(digits, digits + sizeof digits, value);
    buffer_.append(digits, result.ptr);
    return *this;
  }

  /// A number written as a JSON string, as Spark writes SQL accumulator values.
  JsonLineWriter& quotedNumber(int64_t value) {
    buffer_.push_back('"');
    number(value);
    buffer_.push_back('"');
    return *this;
  }

  JsonLineWriter& boolean(bool value) { return raw(value ? "true" : "false"); }

  /// A JSON string with escaping, for text that did not come from this program (names, ids).
  JsonLineWriter& string(std::string_view text) {
    buffer_.push_back('"');
    for (char c : text) {
      switch (c) {
        case '"': buffer_.append("\\\""); break;
        case '\\': buffer_.append("\\\\"); break;
        case '\n': buffer_.append("\\n"); break;
        case '\t': buffer_.append("\\t"); break;
        case '\r': buffer_.append("\\r"); break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            buffer_.append(escaped);
          } else {
            buffer_.push_back(c);
          }
      }
    }
    buffer_.push_back('"');
    return *this;
  }

  /// Ends the current event line and hands full buffers to the file.
  void endLine() {
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushAt) flush();
  }

  /// Bytes written so far, flushed or not.
  int64_t bytesWritten() const { return flushedBytes_ + static_cast<int64_t>(buffer_.size()); }

  void flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
      throw std::runtime_error(std::string("cannot write the event log: ") + std::strerror(errno));
    }
    flushedBytes_ += static_cast<int64_t>(buffer_.size());
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushAt = size_t{8} << 20;
  static constexpr size_t kSlack = size_t{1} << 20;  // one event never exceeds this

  std::FILE* file_;
  std::string buffer_;
  int64_t flushedBytes_ = 0;
};

}  // namespace jobtuner::bench

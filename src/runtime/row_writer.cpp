#include "runtime/row_writer.h"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

void appendDouble(std::string& out, double value, bool json) {
  if (std::isnan(value)) {
    out += json ? "null" : "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += json ? "null" : (value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char digits[32];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

void appendInt64(std::string& out, int64_t value) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

/// Length of the valid UTF-8 sequence starting at `i`, or 0.
size_t utf8Length(std::string_view text, size_t i) {
  unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += fmt::format("\\u{:04x}", c); break;
      }
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else {
      size_t length = utf8Length(text, i);
      if (length == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
    }
  }
  out.push_back('"');
}

RowWriter::RowWriter(const std::filesystem::path& path, core::Schema schema, OutputFormat format)
    : path_(path), schema_(std::move(schema)), format_(format) {
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw core::SystemError(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  buffer_.reserve(kFlushBytes + 4096);
  if (format_ == OutputFormat::kCsv) {
    for (size_t c = 0; c < schema_.numFields(); ++c) {
      if (c > 0) buffer_.push_back(',');
      const std::string& name = schema_.field(c).name;
      if (name.find_first_of(",\"\r\n") != std::string::npos) {
        buffer_.push_back('"');
        for (char ch : name) {
          if (ch == '"') buffer_.push_back('"');
          buffer_.push_back(ch);
        }
        buffer_.push_back('"');
      } else {
        buffer_ += name;
      }
    }
    buffer_.push_back('\n');
  }
}

RowWriter::~RowWriter() {
  if (file_) std::fclose(file_);
}

void RowWriter::appendValue(const core::Column& column, size_t row) {
  bool json = format_ == OutputFormat::kJsonl;
  if (!column.valid[row]) {
    if (json) buffer_ += "null";
    return;
  }
  switch (column.type.kind) {
    case core::TypeKind::kInt64: appendInt64(buffer_, column.int64s[row]); break;
    case core::TypeKind::kDecimal: buffer_ += core::formatDecimal(column.int64s[row], column.type.scale); break;
    case core::TypeKind::kTimestamp:
      if (json) {
        appendJsonString(buffer_, core::formatTimestamp(column.int64s[row]));
      } else {
        buffer_ += core::formatTimestamp(column.int64s[row]);
      }
      break;
    case core::TypeKind::kDouble: appendDouble(buffer_, column.doubles[row], json); break;
    case core::TypeKind::kBool: buffer_ += column.bools[row] ? "true" : "false"; break;
    case core::TypeKind::kString: {
      const std::string& text = column.strings[row];
      if (json) {
        appendJsonString(buffer_, text);
      } else if (text.empty() || text.find_first_of(",\"\r\n") != std::string::npos) {
        buffer_.push_back('"');
        for (char ch : text) {
          if (ch == '"') buffer_.push_back('"');
          buffer_.push_back(ch);
        }
        buffer_.push_back('"');
      } else {
        buffer_ += text;
      }
      break;
    }
    case core::TypeKind::kNull: break;
  }
}

void RowWriter::write(const core::ColumnBatch& batch) {
  size_t rows = batch.numRows();
  bool json = format_ == OutputFormat::kJsonl;
  for (size_t row = 0; row < rows; ++row) {
    if (json) buffer_.push_back('{');
    for (size_t c = 0; c < batch.numColumns(); ++c) {
      if (c > 0) buffer_.push_back(',');
      if (json) {
        appendJsonString(buffer_, schema_.field(c).name);
        buffer_.push_back(':');
      }
      appendValue(batch.column(c), row);
    }
    if (json) buffer_.push_back('}');
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushBytes) flush();
  }
  records_ += static_cast<int64_t>(rows);
}

void RowWriter::flush() {
  if (buffer_.empty()) return;
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    throw core::SystemError(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
  }
  bytes_ += static_cast<int64_t>(buffer_.size());
  buffer_.clear();
}

void RowWriter::close() {
  if (!file_) return;
  flush();
  int result = std::fclose(file_);
  file_ = nullptr;
  if (result != 0) throw core::SystemError(fmt::format("cannot write {}: {}", path_.string(), std::strerror(errno)));
}

}  // namespace jobtuner::runtime

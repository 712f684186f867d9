#include "runtime/jsonl_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "core/expression_evaluator.h"

namespace jobtuner::runtime {

JsonlReader::JsonlReader(const FileSplit& split, core::Schema schema, BadRecordPolicy policy, size_t batchRows)
    : split_(split), schema_(std::move(schema)), policy_(policy), batchRows_(batchRows), file_(split.path) {
  end_ = std::min<size_t>(file_.size(), static_cast<size_t>(split.start + split.length));
  if (split.start > 0) {
    size_t from = static_cast<size_t>(split.start) - 1;
    const void* newline = std::memchr(file_.data() + from, '\n', file_.size() - from);
    position_ = newline ? static_cast<size_t>(static_cast<const char*>(newline) - file_.data()) + 1 : file_.size();
  }
}

bool JsonlReader::appendLine(std::string_view line, core::ColumnBatch& batch, std::string& problem) {
  if (line.size() > kMaxJsonLineBytes) {
    problem = fmt::format("the line is longer than {} bytes", kMaxJsonLineBytes);
    return false;
  }
  nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
  if (!object.is_object()) {
    problem = "the line is not a JSON object";
    return false;
  }
  for (size_t c = 0; c < schema_.numFields(); ++c) {
    const core::Field& field = schema_.field(c);
    core::Column& column = batch.column(c);
    auto found = object.find(field.name);
    if (found == object.end() || found->is_null()) {
      column.appendNull();
      continue;
    }
    std::string text;
    if (found->is_string()) {
      text = found->get<std::string>();
    } else if (found->is_number() || found->is_boolean()) {
      text = found->dump();
    } else {
      problem = fmt::format("key '{}' holds a {}, not a {}", field.name, found->type_name(), field.type.name());
      return false;
    }
    if (field.type.kind == core::TypeKind::kString) {
      column.appendString(text);
      continue;
    }
    int64_t int64Value = 0;
    double doubleValue = 0;
    bool boolValue = false;
    if (!core::castStringTo(text, field.type, int64Value, doubleValue, boolValue)) {
      problem = fmt::format("key '{}': '{}' is not a {}", field.name, text.substr(0, 60), field.type.name());
      return false;
    }
    if (field.type.isStoredAsInt64()) column.appendInt64(int64Value);
    else if (field.type.kind == core::TypeKind::kDouble) column.appendDouble(doubleValue);
    else column.appendBool(boolValue);
  }
  return true;
}

std::optional<core::ColumnBatch> JsonlReader::next() {
  if (position_ >= end_) return std::nullopt;
  core::ColumnBatch batch(schema_);
  size_t rows = 0;
  size_t start = position_;
  std::string problem;
  const char* data = file_.data();
  while (position_ < end_ && rows < batchRows_) {
    size_t lineStart = position_;
    const void* newline = std::memchr(data + lineStart, '\n', file_.size() - lineStart);
    size_t lineEnd = newline ? static_cast<size_t>(static_cast<const char*>(newline) - data) : file_.size();
    position_ = newline ? lineEnd + 1 : file_.size();
    std::string_view line(data + lineStart, lineEnd - lineStart);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (appendLine(line, batch, problem)) {
      ++rows;
      continue;
    }
    if (policy_ == BadRecordPolicy::kFail) {
      int64_t lineNumber = 1 + std::count(data, data + lineStart, '\n');
      throw core::UserError(core::SourceLocation{split_.path, lineNumber}, problem,
                            "fix the line, or set on_bad_record: skip on the source to skip and count such lines");
    }
    ++badRecords_;
    for (size_t c = 0; c < batch.numColumns(); ++c) batch.column(c).resize(rows);
  }
  bytesRead_ += static_cast<int64_t>(position_ - start);
  if (rows == 0) return std::nullopt;
  return batch;
}

}  // namespace jobtuner::runtime

#include "runtime/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "core/errors.h"
#include "core/expression_evaluator.h"

namespace jobtuner::runtime {

namespace {

std::string_view withoutCarriageReturn(std::string_view record) {
  if (!record.empty() && record.back() == '\r') record.remove_suffix(1);
  return record;
}

/// Parses one non-null value into the column's storage; false when it does not parse.
bool appendValue(core::Column& column, std::string_view text) {
  switch (column.type.kind) {
    case core::TypeKind::kInt64: {
      int64_t value = 0;
      const char* begin = text.data();
      if (!text.empty() && text.front() == '+') ++begin;
      auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) return false;
      column.valid.push_back(1);
      column.int64s.push_back(value);
      return true;
    }
    case core::TypeKind::kString:
      column.valid.push_back(1);
      column.strings.emplace_back(text);
      return true;
    default: {
      int64_t int64Value = 0;
      double doubleValue = 0;
      bool boolValue = false;
      if (!core::castStringTo(text, column.type, int64Value, doubleValue, boolValue)) return false;
      column.valid.push_back(1);
      if (column.type.isStoredAsInt64()) column.int64s.push_back(int64Value);
      else if (column.type.kind == core::TypeKind::kDouble) column.doubles.push_back(doubleValue);
      else column.bools.push_back(boolValue ? 1 : 0);
      return true;
    }
  }
}

}  // namespace

CsvReader::CsvReader(const FileSplit& split, core::Schema schema, CsvOptions options)
    : split_(split), schema_(std::move(schema)), options_(options), file_(split.path) {
  const char* data = file_.data();
  size_t size = file_.size();
  size_t headerEnd = size == 0 ? 0 : csvRecordEnd(data, 0, size);
  std::string_view header(data, headerEnd);
  if (!header.empty() && header.back() == '\n') header.remove_suffix(1);
  header = withoutCarriageReturn(header);
  if (header.empty()) {
    throw core::UserError(core::SourceLocation{split.path, 1, 1}, "the CSV file has no header line",
                          "the first line must name the columns");
  }
  if (!splitCsvRecord(header, options_.delimiter, fields_, scratch_)) {
    throw core::UserError(core::SourceLocation{split.path, 1, 1}, "the header line has an unclosed quote");
  }
  headerFields_ = fields_.size();
  headerToColumn_.assign(headerFields_, -1);
  for (size_t c = 0; c < schema_.numFields(); ++c) {
    const std::string& name = schema_.field(c).name;
    auto found = std::find_if(fields_.begin(), fields_.end(), [&](const CsvField& f) { return f.text == name; });
    if (found == fields_.end()) {
      std::vector<std::string> names;
      for (const CsvField& field : fields_) names.emplace_back(field.text);
      throw core::UserError(core::SourceLocation{split.path, 1, 1},
                            fmt::format("the header has no column '{}' that the schema declares", name),
                            "header columns: " + fmt::format("{}", fmt::join(names, ", ")));
    }
    headerToColumn_[static_cast<size_t>(found - fields_.begin())] = static_cast<int>(c);
  }
  end_ = std::min<size_t>(size, static_cast<size_t>(split.start + split.length));
  if (split.start == 0) {
    position_ = headerEnd;
  } else {
    // The record that straddles the split's start belongs to the previous split.
    size_t from = static_cast<size_t>(split.start) - 1;
    const void* newline = std::memchr(data + from, '\n', size - from);
    position_ = newline ? static_cast<size_t>(static_cast<const char*>(newline) - data) + 1 : size;
  }
}

bool CsvReader::appendRecord(std::string_view record, core::ColumnBatch& batch, std::string& problem) {
  if (!splitCsvRecord(record, options_.delimiter, fields_, scratch_)) {
    problem = "a quoted field is not closed";
    return false;
  }
  if (fields_.size() != headerFields_) {
    problem = fmt::format("expected {} fields, found {}", headerFields_, fields_.size());
    return false;
  }
  for (size_t f = 0; f < fields_.size(); ++f) {
    int column = headerToColumn_[f];
    if (column < 0) continue;
    core::Column& target = batch.column(static_cast<size_t>(column));
    const CsvField& field = fields_[f];
    if (field.text.empty() && !field.quoted) {
      target.appendNull();
      continue;
    }
    if (!appendValue(target, field.text)) {
      problem = fmt::format("column '{}': '{}' is not a {}", schema_.field(static_cast<size_t>(column)).name,
                            field.text.substr(0, 60), target.type.name());
      return false;
    }
  }
  return true;
}

void CsvReader::failAt(size_t recordStart, const std::string& problem) const {
  int64_t line = 1 + std::count(file_.data(), file_.data() + recordStart, '\n');
  throw core::UserError(core::SourceLocation{split_.path, line}, problem,
                        "fix the row, or set on_bad_record: skip on the source to skip and count such rows");
}

std::optional<core::ColumnBatch> CsvReader::next() {
  if (position_ >= end_) return std::nullopt;
  core::ColumnBatch batch(schema_);
  for (size_t c = 0; c < batch.numColumns(); ++c) batch.column(c).reserve(options_.batchRows);
  const char* data = file_.data();
  size_t size = file_.size();
  size_t rows = 0;
  std::string problem;
  size_t start = position_;
  while (position_ < end_ && rows < options_.batchRows) {
    size_t recordStart = position_;
    size_t recordEnd = csvRecordEnd(data, recordStart, size);
    position_ = recordEnd;
    std::string_view record(data + recordStart, recordEnd - recordStart);
    if (!record.empty() && record.back() == '\n') record.remove_suffix(1);
    record = withoutCarriageReturn(record);
    if (record.empty()) continue;  // blank lines carry no row
    if (appendRecord(record, batch, problem)) {
      ++rows;
      continue;
    }
    if (options_.policy == BadRecordPolicy::kFail) failAt(recordStart, problem);
    ++badRecords_;
    for (size_t c = 0; c < batch.numColumns(); ++c) batch.column(c).resize(rows);  // drop the partial row
  }
  bytesRead_ += static_cast<int64_t>(position_ - start);
  if (rows == 0 && position_ >= end_) return std::nullopt;
  return batch;
}

}  // namespace jobtuner::runtime

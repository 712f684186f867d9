#include "runtime/input_files.h"

#include <fmt/format.h>
#include <glob.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "core/expression_evaluator.h"
#include "runtime/csv_records.h"
#include "runtime/mapped_file.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

std::vector<fs::path> resolveInputFiles(const std::string& path, const core::SourceLocation& location) {
  std::vector<fs::path> files;
  std::error_code error;
  if (fs::is_directory(path, error)) {
    for (const auto& entry : fs::directory_iterator(path, error)) {
      std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || name[0] == '_') continue;
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  } else if (path.find_first_of("*?[") != std::string::npos) {
    glob_t matches{};
    if (::glob(path.c_str(), 0, nullptr, &matches) == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) {
        if (fs::is_regular_file(matches.gl_pathv[i], error)) files.emplace_back(matches.gl_pathv[i]);
      }
    }
    globfree(&matches);
  } else if (fs::is_regular_file(path, error)) {
    files.emplace_back(path);
  } else {
    throw core::UserError(location, fmt::format("the input file {} does not exist", path),
                          "check the path (a file, a directory or a glob such as data/*.csv)");
  }
  if (files.empty()) {
    throw core::UserError(location, fmt::format("no input files match {}", path),
                          "check the path (a file, a directory or a glob such as data/*.csv)");
  }
  std::sort(files.begin(), files.end());
  return files;
}

namespace {

/// The narrowest type every sampled value of a column fits, widened value by value.
class TypeGuess {
 public:
  void observe(std::string_view text) {
    if (text.empty()) return;
    seen_ = true;
    if (integer_) {
      int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size()) return;
      integer_ = false;
    }
    if (decimal_) {
      size_t point = text.find('.');
      size_t digits = 0;
      bool plain = true;
      for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
          ++digits;
        } else if (!(c == '.' && i == point) && !(c == '-' && i == 0)) {
          plain = false;
        }
      }
      if (plain && digits > 0 && digits <= 18) {
        if (point != std::string_view::npos) scale_ = std::max(scale_, static_cast<int>(text.size() - point - 1));
        return;
      }
      decimal_ = false;
    }
    if (number_) {
      double value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size()) return;
      number_ = false;
    }
    if (boolean_) {
      if (text == "true" || text == "false" || text == "TRUE" || text == "FALSE" || text == "True" || text == "False") return;
      boolean_ = false;
    }
    if (timestamp_) {
      if (core::parseTimestamp(text)) return;
      timestamp_ = false;
    }
  }

  core::DataType type() const {
    if (!seen_) return core::DataType::string();
    if (integer_) return core::DataType::int64();
    if (decimal_) return core::DataType::decimal(18, std::min(scale_, 18));
    if (number_) return core::DataType::float64();
    if (boolean_) return core::DataType::boolean();
    if (timestamp_) return core::DataType::timestamp();
    return core::DataType::string();
  }

 private:
  bool seen_ = false;
  bool integer_ = true;
  bool decimal_ = true;
  bool number_ = true;
  bool boolean_ = true;
  bool timestamp_ = true;
  int scale_ = 0;
};

}  // namespace

core::Schema inferCsvSchema(const fs::path& file, char delimiter, size_t sampleRows) {
  MappedFile mapped(file);
  const char* data = mapped.data();
  size_t size = mapped.size();
  std::vector<CsvField> fields;
  std::string scratch;
  auto recordAt = [&](size_t begin, size_t& next) {
    next = csvRecordEnd(data, begin, size);
    std::string_view record(data + begin, next - begin);
    while (!record.empty() && (record.back() == '\n' || record.back() == '\r')) record.remove_suffix(1);
    return record;
  };
  size_t position = 0;
  std::string_view header = size == 0 ? std::string_view() : recordAt(0, position);
  if (header.empty() || !splitCsvRecord(header, delimiter, fields, scratch)) {
    throw core::UserError(core::SourceLocation{file.string(), 1, 1}, "the CSV file has no header line",
                          "the first line must name the columns, or declare a schema in the job");
  }
  std::vector<std::string> names;
  for (const CsvField& field : fields) names.emplace_back(field.text);
  std::vector<TypeGuess> guesses(names.size());
  for (size_t row = 0; row < sampleRows && position < size; ++row) {
    std::string_view record = recordAt(position, position);
    if (record.empty() || !splitCsvRecord(record, delimiter, fields, scratch) || fields.size() != names.size()) continue;
    for (size_t i = 0; i < fields.size(); ++i) guesses[i].observe(fields[i].text);
  }
  std::vector<core::Field> schema;
  for (size_t i = 0; i < names.size(); ++i) schema.push_back({names[i], guesses[i].type()});
  return core::Schema(std::move(schema));
}

core::Schema inferJsonlSchema(const fs::path& file, size_t sampleRows) {
  MappedFile mapped(file);
  std::string_view text = mapped.view();
  std::vector<std::string> names;
  std::vector<TypeGuess> guesses;
  size_t position = 0;
  for (size_t row = 0; row < sampleRows && position < text.size(); ++row) {
    size_t newline = text.find('\n', position);
    std::string_view line = text.substr(position, newline == std::string_view::npos ? std::string_view::npos : newline - position);
    position = newline == std::string_view::npos ? text.size() : newline + 1;
    nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    if (!object.is_object()) continue;
    for (const auto& [key, value] : object.items()) {
      auto found = std::find(names.begin(), names.end(), key);
      size_t index = static_cast<size_t>(found - names.begin());
      if (found == names.end()) {
        names.push_back(key);
        guesses.emplace_back();
      }
      if (value.is_null()) continue;
      guesses[index].observe(value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  if (names.empty()) {
    throw core::UserError(core::SourceLocation{file.string(), 1, 1}, "no JSON object found to infer a schema from",
                          "declare the schema in the job");
  }
  std::vector<core::Field> schema;
  for (size_t i = 0; i < names.size(); ++i) schema.push_back({names[i], guesses[i].type()});
  return core::Schema(std::move(schema));
}

}  // namespace jobtuner::runtime

#include "core/output_rows.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

namespace jobtuner::core {

using Row = OutputRow;

namespace {

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::vector<Row> parseCsv(const std::string& text, bool skipHeader) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  if (skipHeader && !rows.empty()) rows.erase(rows.begin());
  return rows;
}

std::vector<Row> readOutputRows(const std::filesystem::path& outputDir) {
  std::vector<Row> rows;
  std::vector<std::filesystem::path> parts;
  for (const auto& entry : std::filesystem::directory_iterator(outputDir)) {
    if (entry.path().filename().string().rfind("part-", 0) == 0) parts.push_back(entry.path());
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& part : parts) {
    if (part.extension() == ".json" || part.extension() == ".jsonl") {
      std::istringstream lines(readText(part));
      for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) rows.push_back({line});
      }
      continue;
    }
    std::vector<Row> partRows = parseCsv(readText(part), true);
    rows.insert(rows.end(), partRows.begin(), partRows.end());
  }
  return rows;
}

namespace {

std::optional<double> numberOf(const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool sameField(const std::string& a, const std::string& b) {
  if (a == b) return true;
  std::optional<double> x = numberOf(a);
  std::optional<double> y = numberOf(b);
  if (!x || !y) return false;
  double scale = std::max({std::fabs(*x), std::fabs(*y), 1e-300});
  return std::fabs(*x - *y) <= 1e-9 * scale;
}

bool sameRow(const Row& a, const Row& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!sameField(a[i], b[i])) return false;
  }
  return true;
}

std::string render(const Row& row) {
  std::string text;
  for (const std::string& field : row) text += (text.empty() ? "" : ",") + field;
  return text;
}

/// Orders rows so that rows equal under sameField sort next to each other: numbers by value.
bool rowLess(const Row& a, const Row& b) {
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    std::optional<double> x = numberOf(a[i]);
    std::optional<double> y = numberOf(b[i]);
    if (x && y) {
      if (sameField(a[i], b[i])) continue;
      return *x < *y;
    }
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return a.size() < b.size();
}

}  // namespace

std::string compareRows(std::vector<Row> actual, std::vector<Row> expected) {
  std::sort(actual.begin(), actual.end(), rowLess);
  std::sort(expected.begin(), expected.end(), rowLess);
  std::ostringstream differences;
  if (actual.size() != expected.size()) {
    differences << "row counts differ: " << actual.size() << " written, " << expected.size() << " expected\n";
  }
  int shown = 0;
  for (size_t i = 0; i < std::max(actual.size(), expected.size()) && shown < 5; ++i) {
    const Row* a = i < actual.size() ? &actual[i] : nullptr;
    const Row* e = i < expected.size() ? &expected[i] : nullptr;
    if (a && e && sameRow(*a, *e)) continue;
    differences << "row " << i << ": written [" << (a ? render(*a) : "none") << "], expected ["
                << (e ? render(*e) : "none") << "]\n";
    ++shown;
  }
  return differences.str();
}

}  // namespace jobtuner::core

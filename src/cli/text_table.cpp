#include "cli/text_table.h"

#include <algorithm>

namespace jobtuner::cli {

TextTable::TextTable(std::vector<std::string> header)
    : header_(std::move(header)), rightAligned_(header_.size(), false) {}

void TextTable::alignRight(std::vector<size_t> columns) {
  for (size_t column : columns) {
    if (column < rightAligned_.size()) rightAligned_[column] = true;
  }
}

void TextTable::addRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::print(std::ostream& out, const std::string& indent) const {
  std::vector<size_t> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  auto printRow = [&](const std::vector<std::string>& cells) {
    std::string line = indent;
    for (size_t i = 0; i < cells.size(); ++i) {
      std::string padding(widths[i] - cells[i].size(), ' ');
      bool last = i + 1 == cells.size();
      line += rightAligned_[i] ? padding + cells[i] : cells[i] + (last ? "" : padding);
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
  };
  printRow(header_);
  for (const auto& row : rows_) printRow(row);
}

}  // namespace jobtuner::cli

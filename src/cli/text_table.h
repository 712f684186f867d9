#pragma once

// Column-aligned text tables for the terminal.

#include <ostream>
#include <string>
#include <vector>

namespace jobtuner::cli {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  /// Marks columns (by index) whose cells are aligned to the right, as numbers read best.
  void alignRight(std::vector<size_t> columns);
  void addRow(std::vector<std::string> cells);
  void print(std::ostream& out, const std::string& indent = "") const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> rightAligned_;
};

}  // namespace jobtuner::cli

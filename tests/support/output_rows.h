#pragma once

// Output equality, the definition every runtime test uses: the sorted multiset of output rows,
// compared exactly, except that two numbers that are not both integers match within a relative
// 1e-9 (doubles summed in another order differ in their last bits; decimals print exactly, so
// they still compare exactly when both sides print the same digits).

#include <filesystem>
#include <string>
#include <vector>

#include "core/output_rows.h"

namespace jobtuner::testing {

using Row = core::OutputRow;
using core::compareRows;
using core::parseCsv;
using core::readOutputRows;

/// The rows the sqlite3 shell prints (CSV mode, no header) for `script` (dot-commands and SQL).
std::vector<Row> sqliteRows(const std::string& script);


struct CommandResult;

/// Requires that the run `result` succeeded and committed `output` (with _SUCCESS), and that its
/// rows equal `expected`; prints the run's output and the differences when not.
void requireSameOutput(const CommandResult& result, const std::filesystem::path& output,
                       const std::vector<Row>& expected);

}  // namespace jobtuner::testing

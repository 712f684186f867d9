#pragma once

// Output equality, the definition every runtime test uses: the sorted multiset of output rows,
// compared exactly, except that two numbers that are not both integers match within a relative
// 1e-9 (doubles summed in another order differ in their last bits; decimals print exactly, so
// they still compare exactly when both sides print the same digits).

#include <filesystem>
#include <string>
#include <vector>

namespace jobtuner::testing {

using Row = std::vector<std::string>;

/// Splits CSV text (RFC 4180 quoting) into rows of fields; `skipHeader` drops the first row.
std::vector<Row> parseCsv(const std::string& text, bool skipHeader);

/// The rows of every part file (part-*.csv) of a job's output directory, headers dropped.
std::vector<Row> readOutputRows(const std::filesystem::path& outputDir);

/// The rows the sqlite3 shell prints (CSV mode, no header) for `script` (dot-commands and SQL).
std::vector<Row> sqliteRows(const std::string& script);

/// Empty when the multisets are equal; else a description of the first differences.
std::string compareRows(std::vector<Row> actual, std::vector<Row> expected);

struct CommandResult;

/// Requires that the run `result` succeeded and committed `output` (with _SUCCESS), and that its
/// rows equal `expected`; prints the run's output and the differences when not.
void requireSameOutput(const CommandResult& result, const std::filesystem::path& output,
                       const std::vector<Row>& expected);

}  // namespace jobtuner::testing

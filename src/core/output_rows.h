#pragma once

// Output equality, the one definition the runtime's tests, the advisor's `tune` and the Spark
// export use: the sorted multiset of output rows, compared exactly, except that two numbers that
// are not both integers match within a relative 1e-9 (doubles summed in another order differ in
// their last bits; decimals print exactly, so they still compare exactly when both sides print the
// same digits).

#include <filesystem>
#include <string>
#include <vector>

namespace jobtuner::core {

using OutputRow = std::vector<std::string>;

/// Splits CSV text (RFC 4180 quoting) into rows of fields; `skipHeader` drops the first row.
std::vector<OutputRow> parseCsv(const std::string& text, bool skipHeader);

/// The rows of every part file (part-*) of a job's output directory: CSV parts without their
/// header, JSON-lines parts a line to a row.
std::vector<OutputRow> readOutputRows(const std::filesystem::path& outputDir);

/// Empty when the multisets are equal; else a description of the first differences.
std::string compareRows(std::vector<OutputRow> actual, std::vector<OutputRow> expected);

}  // namespace jobtuner::core

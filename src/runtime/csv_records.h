#pragma once

// Splitting CSV text (RFC 4180) into records and fields without copying: fields are views into
// the text, except quoted fields with doubled quotes, which are unescaped into a scratch buffer.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace jobtuner::runtime {

struct CsvField {
  std::string_view text;
  bool quoted = false;  // "" is an empty string; an unquoted empty field is null
};

/// The offset just past the record that starts at `begin` (after its newline, or `size`). A
/// newline inside quotes belongs to the record.
size_t csvRecordEnd(const char* data, size_t begin, size_t size);

/// Splits one record (its newline and a CR before it already removed) into `fields`. Views point
/// into `record` or into `scratch`, which is cleared first and must outlive their use. Returns
/// false when a quote is not closed.
bool splitCsvRecord(std::string_view record, char delimiter, std::vector<CsvField>& fields, std::string& scratch);

}  // namespace jobtuner::runtime

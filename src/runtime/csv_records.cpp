#include "runtime/csv_records.h"

#include <cstring>

namespace jobtuner::runtime {

size_t csvRecordEnd(const char* data, size_t begin, size_t size) {
  const char* start = data + begin;
  const char* newline = static_cast<const char*>(std::memchr(start, '\n', size - begin));
  size_t lineEnd = newline ? static_cast<size_t>(newline - data) : size;
  // The common case: no quote before the newline, so the newline ends the record.
  if (!std::memchr(start, '"', lineEnd - begin)) return newline ? lineEnd + 1 : size;
  bool inQuotes = false;
  for (size_t i = begin; i < size; ++i) {
    char c = data[i];
    if (c == '"') inQuotes = !inQuotes;  // a doubled quote toggles twice
    if (c == '\n' && !inQuotes) return i + 1;
  }
  return size;
}

bool splitCsvRecord(std::string_view record, char delimiter, std::vector<CsvField>& fields, std::string& scratch) {
  fields.clear();
  scratch.clear();
  scratch.reserve(record.size());  // views into scratch stay valid: it never grows past this
  size_t i = 0;
  const size_t n = record.size();
  while (true) {
    if (i < n && record[i] == '"') {
      size_t from = scratch.size();
      ++i;
      bool closed = false;
      while (i < n) {
        char c = record[i];
        if (c == '"') {
          if (i + 1 < n && record[i + 1] == '"') {
            scratch.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        scratch.push_back(c);
        ++i;
      }
      if (!closed) return false;
      fields.push_back({std::string_view(scratch.data() + from, scratch.size() - from), true});
      // Anything between the closing quote and the delimiter is kept as Excel does: ignored.
      while (i < n && record[i] != delimiter) ++i;
    } else {
      const void* found = i < n ? std::memchr(record.data() + i, delimiter, n - i) : nullptr;
      size_t end = found ? static_cast<size_t>(static_cast<const char*>(found) - record.data()) : n;
      fields.push_back({record.substr(i, end - i), false});
      i = end;
    }
    if (i >= n) break;
    ++i;  // the delimiter
    if (i == n) {
      fields.push_back({std::string_view(), false});
      break;
    }
  }
  return true;
}

}  // namespace jobtuner::runtime

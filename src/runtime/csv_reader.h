#pragma once

// Reads one split of a CSV file (with a header) into batches of the job's schema. A split owns the
// records that start inside it, so splits of one file read every record exactly once. Values parse
// as the schema says; an unquoted empty field is null, a quoted "" an empty string. A record with
// the wrong number of fields or a value that does not parse is a bad record: an error naming the
// file and line, or skipped and counted.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/column_batch.h"
#include "runtime/csv_records.h"
#include "runtime/mapped_file.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

enum class BadRecordPolicy : uint8_t { kFail, kSkip };

struct CsvOptions {
  char delimiter = ',';
  BadRecordPolicy policy = BadRecordPolicy::kFail;
  size_t batchRows = 8192;
};

class CsvReader {
 public:
  /// Throws core::UserError when the header lacks a column of `schema`.
  CsvReader(const FileSplit& split, core::Schema schema, CsvOptions options);

  /// The next batch of rows, or nullopt at the end of the split.
  std::optional<core::ColumnBatch> next();

  int64_t bytesRead() const { return bytesRead_; }
  int64_t badRecords() const { return badRecords_; }

 private:
  /// Appends the record's values; false (with `problem` set) when it is a bad record.
  bool appendRecord(std::string_view record, core::ColumnBatch& batch, std::string& problem);
  [[noreturn]] void failAt(size_t recordStart, const std::string& problem) const;

  FileSplit split_;
  core::Schema schema_;
  CsvOptions options_;
  MappedFile file_;
  std::vector<int> headerToColumn_;  // per header field: the schema column it fills, or -1
  size_t headerFields_ = 0;
  size_t position_ = 0;              // the next record's first byte
  size_t end_ = 0;                   // records starting before this belong to the split
  int64_t bytesRead_ = 0;
  int64_t badRecords_ = 0;
  std::vector<CsvField> fields_;
  std::string scratch_;
};

}  // namespace jobtuner::runtime

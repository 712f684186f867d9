#pragma once

// Reads one split of a JSON-lines file (one object per line) into batches of the job's schema:
// missing keys and JSON nulls are null; numbers and strings convert to the column's type as a
// cast would. A line that is no JSON object, longer than kMaxJsonLineBytes, or with a value that
// does not convert is a bad record (an error naming file and line, or skipped and counted).

#include <cstdint>
#include <optional>

#include "core/column_batch.h"
#include "runtime/csv_reader.h"
#include "runtime/mapped_file.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

constexpr size_t kMaxJsonLineBytes = 16 << 20;

class JsonlReader {
 public:
  JsonlReader(const FileSplit& split, core::Schema schema, BadRecordPolicy policy, size_t batchRows = 8192);
  std::optional<core::ColumnBatch> next();
  int64_t bytesRead() const { return bytesRead_; }
  int64_t badRecords() const { return badRecords_; }

 private:
  bool appendLine(std::string_view line, core::ColumnBatch& batch, std::string& problem);

  FileSplit split_;
  core::Schema schema_;
  BadRecordPolicy policy_;
  size_t batchRows_;
  MappedFile file_;
  size_t position_ = 0;
  size_t end_ = 0;
  int64_t bytesRead_ = 0;
  int64_t badRecords_ = 0;
};

}  // namespace jobtuner::runtime

#pragma once

// The files behind a source's path, and the schema of CSV and JSON-lines files when the job
// declares none.

#include <filesystem>
#include <string>
#include <vector>

#include "core/column_batch.h"
#include "core/errors.h"

namespace jobtuner::runtime {

/// A file, every regular file of a directory (names starting with . or _ skipped), or the files a
/// glob matches; sorted. None is a UserError at `location`.
std::vector<std::filesystem::path> resolveInputFiles(const std::string& path, const core::SourceLocation& location);

/// Reads the header and up to `sampleRows` rows of `file`: a column is int64 when every value is
/// an integer, else decimal(18, s) when every value is a plain decimal number, else double when
/// every value is a number, else bool, else timestamp when every value is a date or instant, else
/// string. Empty values do not count; an all-empty column is a string.
core::Schema inferCsvSchema(const std::filesystem::path& file, char delimiter, size_t sampleRows = 1000);

/// The same for JSON lines: keys in order of first appearance.
core::Schema inferJsonlSchema(const std::filesystem::path& file, size_t sampleRows = 1000);

}  // namespace jobtuner::runtime

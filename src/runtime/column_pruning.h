#pragma once

// Column pruning: which columns of each source a job actually uses — in expressions, keys, joins
// and its output. The planner narrows each source's schema to them, so the readers never build
// the others (a string column nobody reads is most of a CSV scan's cost) and shuffles and joins
// carry only what later steps need. Spark prunes CSV and JSON columns the same way
// (spark.sql.csv.parser.columnPruning.enabled), with the same consequence: a value that does not
// parse in a column the job never reads is not an error.

#include <map>
#include <set>
#include <string>

#include "core/column_batch.h"
#include "core/job_checker.h"

namespace jobtuner::runtime {

/// For each source the job reads, the names of the columns it needs (as the schema spells them).
std::map<std::string, std::set<std::string>> neededSourceColumns(const core::CheckedJob& job,
                                                                 const std::map<std::string, core::Schema>& sources);

/// `schema` with only the `needed` fields, in their order; the first field when none is needed
/// (a count still needs the rows).
core::Schema narrowSchema(const core::Schema& schema, const std::set<std::string>& needed);

}  // namespace jobtuner::runtime

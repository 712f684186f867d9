#pragma once

// Checks a job against the schemas of its sources before anything runs: every expression
// compiles and has the right type, every column a step names exists (else the nearest name is
// suggested), aggregates get numbers where they need them, join keys are comparable, unions line
// up. The result carries the schema after every step.

#include <map>
#include <string>

#include "core/column_batch.h"
#include "core/job_spec.h"

namespace jobtuner::core {

struct CheckedJob {
  JobSpec spec;
  Schema outputSchema;
  std::map<std::string, Schema> stepOutputs;  // by the step's stable name
};

/// Throws UserError (located in the job file) for the first problem found.
CheckedJob checkJob(JobSpec spec, const std::map<std::string, Schema>& sourceSchemas);

/// The type two join keys are compared in: equal types stay; int64 with decimal is a decimal wide
/// enough for both; a number with a double is a double. Callers check comparability first.
DataType commonJoinKeyType(const DataType& left, const DataType& right);

/// Whether two join key types can be compared (equal, or both numbers).
bool joinKeysComparable(const DataType& left, const DataType& right);

/// The type of an aggregate's result given its input column's type (count: none).
DataType aggregateResultType(AggregateFunctionName function, const std::optional<DataType>& input);

}  // namespace jobtuner::core

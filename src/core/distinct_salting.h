#pragma once

// Whether salting can split an aggregate's count_distinct sets. Random salts spread a hot key's
// rows, but the last round still unions its whole distinct set in one task. When every
// count_distinct counts one column and no avg rides along, the runtime salts by the hash of that
// column's value instead, so each salt counts its own share and the counts add up (the planner's
// planDistinctSaltedAggregate). The planner builds that plan from this; the advisor salts only
// when it applies.

#include <string>
#include <vector>

#include "core/job_spec.h"

namespace jobtuner::core {

/// The column every count_distinct of `calls` counts, when salting by its value splits the sets:
/// at least one count_distinct, all over the same column, and no avg (whose final value cannot be
/// combined). Empty otherwise.
std::string saltableDistinctColumn(const std::vector<AggregateCallSpec>& calls);

/// Whether `calls` count distinct values that salting cannot split (see saltableDistinctColumn).
bool distinctSetsStayWhole(const std::vector<AggregateCallSpec>& calls);

}  // namespace jobtuner::core

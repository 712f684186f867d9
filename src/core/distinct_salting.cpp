#include "core/distinct_salting.h"

#include <algorithm>

namespace jobtuner::core {

std::string saltableDistinctColumn(const std::vector<AggregateCallSpec>& calls) {
  std::string column;
  for (const AggregateCallSpec& call : calls) {
    if (call.function == AggregateFunctionName::kAvg) return "";
    if (call.function != AggregateFunctionName::kCountDistinct) continue;
    if (!column.empty() && call.column.name != column) return "";
    column = call.column.name;
  }
  return column;
}

bool distinctSetsStayWhole(const std::vector<AggregateCallSpec>& calls) {
  const bool distinct = std::any_of(calls.begin(), calls.end(),
                                    [](const AggregateCallSpec& call) { return call.function == AggregateFunctionName::kCountDistinct; });
  return distinct && saltableDistinctColumn(calls).empty();
}

}  // namespace jobtuner::core

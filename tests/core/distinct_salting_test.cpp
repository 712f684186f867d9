// Whether salting can split an aggregate's count_distinct sets.

#include "core/distinct_salting.h"

#include <catch2/catch.hpp>

using namespace jobtuner::core;

namespace {
AggregateCallSpec call(AggregateFunctionName function, const std::string& column) { return {function, {column, {}}, "out", {}}; }
}  // namespace

TEST_CASE("count_distinct sets split by value only over one column and without avg", "[core][salting]") {
  using F = AggregateFunctionName;
  CHECK(saltableDistinctColumn({call(F::kCount, ""), call(F::kCountDistinct, "viewer"), call(F::kSum, "ms")}) == "viewer");
  CHECK(saltableDistinctColumn({call(F::kCountDistinct, "viewer"), call(F::kCountDistinct, "viewer")}) == "viewer");
  CHECK(saltableDistinctColumn({call(F::kCountDistinct, "viewer"), call(F::kAvg, "ms")}).empty());
  CHECK(saltableDistinctColumn({call(F::kCountDistinct, "viewer"), call(F::kCountDistinct, "page")}).empty());
  CHECK(saltableDistinctColumn({call(F::kSum, "ms")}).empty());
  CHECK(distinctSetsStayWhole({call(F::kCountDistinct, "viewer"), call(F::kAvg, "ms")}));
  CHECK(distinctSetsStayWhole({call(F::kCountDistinct, "viewer"), call(F::kCountDistinct, "page")}));
  CHECK_FALSE(distinctSetsStayWhole({call(F::kCountDistinct, "viewer"), call(F::kMax, "ms")}));
  CHECK_FALSE(distinctSetsStayWhole({call(F::kAvg, "ms")}));  // no distinct set: random salting splits it
}

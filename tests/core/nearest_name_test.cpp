#include "core/nearest_name.h"

#include <catch2/catch.hpp>

namespace jobtuner::core {
namespace {

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps", "[core][nearest_name]") {
  CHECK(editDistance("", "") == 0);
  CHECK(editDistance("abc", "") == 3);
  CHECK(editDistance("executors", "executor") == 1);
  CHECK(editDistance("shuffle_partitons", "shuffle_partitions") == 1);
  CHECK(editDistance("exectuors", "executors") == 1);  // a swap is one edit
  CHECK(editDistance("Executor_Cores", "executor_cores") == 0);
  CHECK(editDistance("kitten", "sitting") == 3);
}

TEST_CASE("nearest name suggests only what is close enough", "[core][nearest_name]") {
  std::vector<std::string> keys = {"executors", "executor_cores", "executor_memory", "shuffle_partitions"};
  CHECK(nearestName("executor_core", keys) == "executor_cores");
  CHECK(nearestName("shuffle_partition", keys) == "shuffle_partitions");
  CHECK(nearestName("shuffle", keys) == "shuffle_partitions");  // a prefix of a longer key
  CHECK(nearestName("memory", keys) == std::nullopt);
  CHECK(nearestName("zzz", keys) == std::nullopt);
  CHECK(nearestName("anything", {}) == std::nullopt);
  CHECK(didYouMean("executor_memroy", keys) == " (did you mean 'executor_memory'?)");
  CHECK(didYouMean("colour", keys).empty());
}

}  // namespace
}  // namespace jobtuner::core

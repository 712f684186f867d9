#include "runtime/flat_int64_set.h"

#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <set>

namespace jobtuner::runtime {

TEST_CASE("the flat set holds what std::set holds, the extreme values too", "[distinct]") {
  std::mt19937_64 random(42);
  FlatInt64Set flat;
  std::set<int64_t> reference;
  std::vector<int64_t> specials = {0, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
  for (int i = 0; i < 100'000; ++i) {
    int64_t value = i % 97 == 0 ? specials[static_cast<size_t>(i / 97) % specials.size()]
                                : static_cast<int64_t>(random() % 20'000) - 10'000;
    CHECK(flat.insert(value) == reference.insert(value).second);
  }
  REQUIRE(flat.size() == reference.size());
  std::set<int64_t> visited;
  flat.forEach([&](int64_t value) { CHECK(visited.insert(value).second); });
  CHECK(visited == reference);
}

}  // namespace jobtuner::runtime

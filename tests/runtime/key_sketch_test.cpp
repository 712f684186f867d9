// The key sketch: the heaviest keys by bytes, in bounded memory. A partial aggregate writes one row
// per key and map task, so the key that skews a shuffle can be one of few, very large rows.

#include <catch2/catch.hpp>
#include <string>

#include "runtime/key_sketch.h"
#include "runtime/row_hash.h"

using namespace jobtuner;
using namespace jobtuner::runtime;

namespace {

/// Rows (key, payload): `keys` distinct keys with a short payload each, then `heavyRows` rows of
/// key "hot" carrying `heavyBytes` of payload each.
core::ColumnBatch batchOf(int keys, int heavyRows, size_t heavyBytes) {
  core::ColumnBatch batch(core::Schema({{"k", core::DataType::string()}, {"payload", core::DataType::string()}}));
  for (int i = 0; i < keys; ++i) {
    batch.column(0).appendString("k" + std::to_string(i));
    batch.column(1).appendString("x");
  }
  for (int i = 0; i < heavyRows; ++i) {
    batch.column(0).appendString("hot");
    batch.column(1).appendString(std::string(heavyBytes, 'v'));
  }
  return batch;
}

void add(KeySketch& sketch, const core::ColumnBatch& batch) {
  std::vector<uint64_t> hashes;
  hashRows(batch, {0}, hashes);
  sketch.addBatch(batch, {0}, hashes);
}

}  // namespace

TEST_CASE("key sketch: a key of few large rows outweighs many keys of small rows", "[runtime][sketch]") {
  KeySketch sketch(16);
  // 10,000 one-row keys overflow the 16 counters many times over; "hot" has 3 rows of 100 kB.
  add(sketch, batchOf(5000, 2, 100'000));
  add(sketch, batchOf(5000, 1, 100'000));
  std::vector<KeySketch::Entry> top = sketch.top(3);
  REQUIRE(!top.empty());
  CHECK(top[0].key == "hot");
  CHECK(top[0].records >= 1);
  CHECK(top[0].records <= 3);
  // Low by at most the total bytes over the capacity, never high.
  const int64_t heavy = 3 * (100'000 + 5 + 3 + 5);
  const int64_t total = heavy + 10'000 * (5 + 5 + 1 + 5);  // keys of at most 5 characters
  CHECK(top[0].bytes <= heavy);
  CHECK(top[0].bytes >= heavy - total / 16);
  for (size_t i = 1; i < top.size(); ++i) CHECK(top[i].bytes <= top[i - 1].bytes);
}

TEST_CASE("key sketch: with room for every key, counts are exact", "[runtime][sketch]") {
  KeySketch sketch(64);
  add(sketch, batchOf(10, 4, 10));
  std::vector<KeySketch::Entry> top = sketch.top(100);
  REQUIRE(top.size() == 11);
  CHECK(top[0].key == "hot");
  CHECK(top[0].records == 4);
  CHECK(top[0].bytes == 4 * (3 + 5 + 10 + 5));
  CHECK(top.back().bytes == 2 + 5 + 1 + 5);
}

// The external merge sort: with a budget of a few batches it spills many runs and merges them into
// exactly the in-memory sort's order: stable among equal keys, nulls first or last as asked.

#include <catch2/catch.hpp>

#include <random>

#include "core/expression_evaluator.h"
#include "runtime/batch_concat.h"
#include "runtime/external_sort.h"
#include "support/test_support.h"

using namespace jobtuner;
using namespace jobtuner::runtime;

namespace {

core::Schema schema() {
  return core::Schema({{"k", core::DataType::int64()}, {"s", core::DataType::string()}, {"seq", core::DataType::int64()}});
}

/// Few distinct keys, so many rows tie and stability shows; `seq` is the input order.
std::vector<core::ColumnBatch> randomBatches(uint32_t seed, int numBatches, size_t rows) {
  std::mt19937 random(seed);
  std::vector<core::ColumnBatch> batches;
  int64_t seq = 0;
  for (int b = 0; b < numBatches; ++b) {
    core::ColumnBatch batch(schema());
    for (size_t i = 0; i < rows; ++i) {
      random() % 15 == 0 ? batch.column(0).appendNull() : batch.column(0).appendInt64(static_cast<int64_t>(random() % 40));
      random() % 12 == 0 ? batch.column(1).appendNull() : batch.column(1).appendString("s" + std::to_string(random() % 9));
      batch.column(2).appendInt64(seq++);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

std::vector<std::string> rowsInOrder(const std::vector<core::ColumnBatch>& batches) {
  std::vector<std::string> rows;
  for (const core::ColumnBatch& batch : batches) {
    for (size_t row = 0; row < batch.numRows(); ++row) {
      rows.push_back(batch.column(0).toString(row) + "|" + batch.column(1).toString(row) + "|" + batch.column(2).toString(row));
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("an external sort equals the stable in-memory sort, over many runs", "[runtime][spill]") {
  jobtuner::testing::TempDir spillDir;
  std::vector<core::ColumnBatch> input = randomBatches(5, 40, 500);
  auto keys = GENERATE(std::vector<SortKey>{{0, true, true}},                    // the int64 fast path
                       std::vector<SortKey>{{0, false, false}},                  // desc, nulls last
                       std::vector<SortKey>{{1, true, false}, {0, false, true}},  // string then int
                       std::vector<SortKey>{{1, false, true}});
  std::vector<core::ColumnBatch> copy = input;
  std::vector<std::string> expected = rowsInOrder({sortBatch(concatenateBatches(schema(), copy), keys)});

  MemoryManager manager(MemoryConfig{200'000, 0.6, 0.5});  // ~90 KB: a few batches
  TaskMemory memory(manager, 1, spillDir.path(), "sort");
  ExternalSort sort(schema(), keys, memory);
  for (core::ColumnBatch& batch : input) sort.add(std::move(batch));
  CHECK(sort.numRuns() >= 5);
  std::vector<core::ColumnBatch> output;
  sort.finish([&](core::ColumnBatch batch) { output.push_back(std::move(batch)); });
  CHECK(memory.diskBytesSpilled() > 0);
  CHECK(memory.memoryBytesSpilled() > 0);
  CHECK(memory.blockedNs() > 0);  // writing forced spills counts as blocked
  std::vector<std::string> actual = rowsInOrder(output);
  REQUIRE(actual.size() == expected.size());
  CHECK(actual == expected);
  CHECK(fs::is_empty(spillDir.path()));
}

TEST_CASE("an external sort with ample memory sorts in memory and spills nothing", "[runtime][spill]") {
  jobtuner::testing::TempDir spillDir;
  std::vector<core::ColumnBatch> input = randomBatches(9, 10, 300);
  std::vector<SortKey> keys = {{0, true, true}, {1, true, true}};
  std::vector<core::ColumnBatch> copy = input;
  std::vector<std::string> expected = rowsInOrder({sortBatch(concatenateBatches(schema(), copy), keys)});
  MemoryManager manager(MemoryConfig{1LL << 30, 0.6, 0.5});
  TaskMemory memory(manager, 1, spillDir.path(), "sort");
  ExternalSort sort(schema(), keys, memory);
  for (core::ColumnBatch& batch : input) sort.add(std::move(batch));
  std::vector<core::ColumnBatch> output;
  sort.finish([&](core::ColumnBatch batch) { output.push_back(std::move(batch)); });
  CHECK(sort.numRuns() == 0);
  CHECK(memory.diskBytesSpilled() == 0);
  CHECK(memory.peakBytes() > 0);
  CHECK(rowsInOrder(output) == expected);
}

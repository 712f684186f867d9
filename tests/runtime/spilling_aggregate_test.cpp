// Hash aggregation in bounded memory: with a budget far below what the groups need, every mode
// (partial, intermediate, final) and distinct spill sorted runs and merge them into exactly the
// in-memory result, nulls, count_distinct and avg included; and leave no spill file behind.

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "runtime/spilling_aggregate.h"
#include "support/test_support.h"

using namespace jobtuner;
using namespace jobtuner::runtime;

namespace {

/// About 67 KB of execution memory: a few hundred groups.
MemoryConfig tinyBudget() { return MemoryConfig{150'000, 0.6, 0.5}; }
MemoryConfig ampleBudget() { return MemoryConfig{1LL << 30, 0.6, 0.5}; }

core::Schema inputSchema() {
  return core::Schema({{"k", core::DataType::string()},
                       {"v", core::DataType::int64()},
                       {"d", core::DataType::decimal(8, 2)},
                       {"x", core::DataType::float64()}});
}

/// Rows over ~3000 string keys and ~500 int keys, with nulls in every column. Doubles are
/// multiples of 0.25, so their sums are exact in any order.
std::vector<core::ColumnBatch> randomBatches(uint32_t seed, int numBatches, size_t rows) {
  std::mt19937 random(seed);
  std::vector<core::ColumnBatch> batches;
  for (int b = 0; b < numBatches; ++b) {
    core::ColumnBatch batch(inputSchema());
    for (size_t i = 0; i < rows; ++i) {
      uint32_t k = random() % 3000;
      k == 0 ? batch.column(0).appendNull() : batch.column(0).appendString("key-" + std::to_string(k));
      random() % 20 == 0 ? batch.column(1).appendNull() : batch.column(1).appendInt64(static_cast<int64_t>(random() % 500) - 100);
      random() % 10 == 0 ? batch.column(2).appendNull() : batch.column(2).appendInt64(static_cast<int64_t>(random() % 100000));
      random() % 10 == 0 ? batch.column(3).appendNull() : batch.column(3).appendDouble(static_cast<double>(random() % 400) * 0.25);
    }
    batches.push_back(std::move(batch));
  }
  return batches;
}

std::vector<AggregateCall> calls() {
  return {{AggregateFunction::kCountStar, -1, "n"}, {AggregateFunction::kCount, 1, "nv"},
          {AggregateFunction::kSum, 1, "sv"},       {AggregateFunction::kSum, 2, "sd"},
          {AggregateFunction::kSum, 3, "sx"},       {AggregateFunction::kMin, 0, "lo"},
          {AggregateFunction::kMax, 2, "hi"},       {AggregateFunction::kAvg, 2, "mean"},
          {AggregateFunction::kAvg, 3, "meanx"},    {AggregateFunction::kCountDistinct, 1, "distinct"}};
}

/// The rows as text, sorted: output equality regardless of row order.
std::vector<std::string> rowsOf(const std::vector<core::ColumnBatch>& batches) {
  std::vector<std::string> rows;
  for (const core::ColumnBatch& batch : batches) {
    for (size_t row = 0; row < batch.numRows(); ++row) {
      std::string text;
      for (size_t c = 0; c < batch.numColumns(); ++c) text += batch.column(c).toString(row) + "|";
      rows.push_back(text);
    }
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

/// Runs a SpillingAggregate over `input` with `budget`; returns its output and how many runs it
/// spilled.
std::pair<std::vector<core::ColumnBatch>, size_t> aggregate(AggregateMode mode, const core::Schema& schema,
                                                            const std::vector<int>& keys,
                                                            const std::vector<AggregateCall>& aggregateCalls,
                                                            const std::vector<core::ColumnBatch>& input, MemoryConfig budget,
                                                            const fs::path& spillDir) {
  MemoryManager manager(budget);
  TaskMemory memory(manager, 1, spillDir, "test");
  SpillingAggregate spilling(mode, schema, keys, aggregateCalls, memory);
  for (const core::ColumnBatch& batch : input) spilling.add(batch);
  size_t runs = spilling.numRuns();
  std::vector<core::ColumnBatch> output;
  spilling.finish([&](core::ColumnBatch batch) { output.push_back(std::move(batch)); });
  CHECK((memory.diskBytesSpilled() > 0) == (runs > 0));
  CHECK((memory.memoryBytesSpilled() > 0) == (runs > 0));
  return {std::move(output), runs};
}

/// The final results of state rows, aggregated in memory.
std::vector<core::ColumnBatch> finalOf(const std::vector<core::ColumnBatch>& states, const std::vector<int>& keys) {
  HashAggregator final(AggregateMode::kFinal, states.at(0).schema(), keys, calls());
  for (const core::ColumnBatch& state : states) final.add(state);
  return {final.finish()};
}

bool noSpillFiles(const fs::path& dir) { return fs::is_empty(dir); }

}  // namespace

TEST_CASE("a spilling aggregate equals the in-memory one in every mode", "[runtime][spill]") {
  jobtuner::testing::TempDir spillDir;
  std::vector<core::ColumnBatch> input = randomBatches(7, 24, 500);
  auto keys = GENERATE(std::vector<int>{0}, std::vector<int>{1}, std::vector<int>{0, 1}, std::vector<int>{});
  CAPTURE(keys);
  std::vector<int> stateKeys;
  for (size_t k = 0; k < keys.size(); ++k) stateKeys.push_back(static_cast<int>(k));
  // Each batch's partial state is what the intermediate and final modes read.
  std::vector<core::ColumnBatch> states;
  for (const core::ColumnBatch& batch : input) {
    HashAggregator partial(AggregateMode::kPartial, inputSchema(), keys, calls());
    partial.add(batch);
    states.push_back(partial.finish());
  }
  core::Schema stateSchema = states.front().schema();
  std::vector<std::string> expected = rowsOf(finalOf(states, stateKeys));

  SECTION("partial") {
    auto [spilled, runs] = aggregate(AggregateMode::kPartial, inputSchema(), keys, calls(), input, tinyBudget(), spillDir.path());
    if (!keys.empty()) CHECK(runs >= 2);
    CHECK(rowsOf(finalOf(spilled, stateKeys)) == expected);
  }
  SECTION("intermediate") {
    auto [spilled, runs] = aggregate(AggregateMode::kIntermediate, stateSchema, stateKeys, calls(), states, tinyBudget(), spillDir.path());
    if (!keys.empty()) CHECK(runs >= 2);
    CHECK(rowsOf(finalOf(spilled, stateKeys)) == expected);
  }
  SECTION("final") {
    auto [spilled, runs] = aggregate(AggregateMode::kFinal, stateSchema, stateKeys, calls(), states, tinyBudget(), spillDir.path());
    if (!keys.empty()) CHECK(runs >= 2);
    CHECK(rowsOf(spilled) == expected);
    auto [inMemory, none] = aggregate(AggregateMode::kFinal, stateSchema, stateKeys, calls(), states, ampleBudget(), spillDir.path());
    CHECK(none == 0);
    CHECK(rowsOf(inMemory) == expected);
  }
  CHECK(noSpillFiles(spillDir.path()));
}

TEST_CASE("a spilling distinct keeps each row once, nulls included", "[runtime][spill]") {
  jobtuner::testing::TempDir spillDir;
  std::vector<core::ColumnBatch> input = randomBatches(11, 16, 400);
  std::vector<int> all = {0, 1, 2, 3};
  auto [spilled, runs] = aggregate(AggregateMode::kPartial, inputSchema(), all, {}, input, tinyBudget(), spillDir.path());
  CHECK(runs >= 2);
  std::vector<std::string> expected = rowsOf(input);
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  CHECK(rowsOf(spilled) == expected);
  CHECK(noSpillFiles(spillDir.path()));
}

TEST_CASE("a task's spill files are removed when it ends early", "[runtime][spill]") {
  jobtuner::testing::TempDir spillDir;
  std::vector<core::ColumnBatch> input = randomBatches(3, 8, 500);
  {
    MemoryManager manager(tinyBudget());
    TaskMemory memory(manager, 1, spillDir.path(), "abandoned");
    SpillingAggregate spilling(AggregateMode::kPartial, inputSchema(), {0}, calls(), memory);
    for (const core::ColumnBatch& batch : input) spilling.add(batch);
    REQUIRE(spilling.numRuns() > 0);
    CHECK(!noSpillFiles(spillDir.path()));
  }  // as when an operator throws: the task ends without finishing
  CHECK(noSpillFiles(spillDir.path()));
}

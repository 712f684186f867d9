// Hash aggregation: partial over several batches, then final, equals a naive reference for every
// function; salting's extra round (intermediate) changes nothing.

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>

#include "runtime/hash_aggregate.h"
#include "runtime/hash_join.h"

using namespace jobtuner;
using namespace jobtuner::runtime;

namespace {

core::Schema inputSchema() {
  return core::Schema({{"k", core::DataType::string()}, {"v", core::DataType::int64()}, {"d", core::DataType::decimal(8, 2)}});
}

core::ColumnBatch randomBatch(std::mt19937& random, size_t rows) {
  core::ColumnBatch batch(inputSchema());
  for (size_t i = 0; i < rows; ++i) {
    uint32_t k = random() % 13;
    k == 12 ? batch.column(0).appendNull() : batch.column(0).appendString("k" + std::to_string(k));
    random() % 10 == 0 ? batch.column(1).appendNull() : batch.column(1).appendInt64(static_cast<int64_t>(random() % 100) - 50);
    random() % 10 == 0 ? batch.column(2).appendNull() : batch.column(2).appendInt64(static_cast<int64_t>(random() % 10000));
  }
  return batch;
}

std::vector<AggregateCall> calls() {
  return {{AggregateFunction::kCountStar, -1, "n"},   {AggregateFunction::kCount, 1, "nv"},
          {AggregateFunction::kSum, 1, "sv"},         {AggregateFunction::kSum, 2, "sd"},
          {AggregateFunction::kMin, 1, "lo"},         {AggregateFunction::kMax, 2, "hi"},
          {AggregateFunction::kAvg, 2, "mean"},       {AggregateFunction::kCountDistinct, 1, "distinct"}};
}

std::map<std::string, std::string> render(const core::ColumnBatch& batch) {
  std::map<std::string, std::string> rows;
  for (size_t row = 0; row < batch.numRows(); ++row) {
    std::string text;
    for (size_t c = 1; c < batch.numColumns(); ++c) text += batch.column(c).toString(row) + "|";
    rows[batch.column(0).toString(row)] = text;
  }
  return rows;
}

}  // namespace

TEST_CASE("partial then final aggregation equals the reference, with and without an intermediate round", "[aggregate]") {
  std::mt19937 random(42);
  std::vector<core::ColumnBatch> batches;
  for (int i = 0; i < 6; ++i) batches.push_back(randomBatch(random, 300));

  // The reference: per key, straight from the rows.
  struct Ref {
    int64_t n = 0, nv = 0, sv = 0, sd = 0, dCount = 0;
    std::optional<int64_t> lo, hi;
    std::set<int64_t> distinct;
    bool anyV = false, anyD = false;
  };
  std::map<std::string, Ref> reference;
  for (const auto& batch : batches) {
    for (size_t row = 0; row < batch.numRows(); ++row) {
      Ref& r = reference[batch.column(0).toString(row)];
      ++r.n;
      if (batch.column(1).valid[row]) {
        int64_t v = batch.column(1).int64s[row];
        ++r.nv;
        r.sv += v;
        r.anyV = true;
        r.lo = r.lo ? std::min(*r.lo, v) : v;
        r.distinct.insert(v);
      }
      if (batch.column(2).valid[row]) {
        int64_t d = batch.column(2).int64s[row];
        r.sd += d;
        r.anyD = true;
        ++r.dCount;
        r.hi = r.hi ? std::max(*r.hi, d) : d;
      }
    }
  }
  std::map<std::string, std::string> expected;
  for (const auto& [key, r] : reference) {
    char mean[64];
    std::snprintf(mean, sizeof mean, "%g", r.dCount ? static_cast<double>(r.sd) / 100.0 / static_cast<double>(r.dCount) : 0.0);
    expected[key] = std::to_string(r.n) + "|" + std::to_string(r.nv) + "|" + (r.anyV ? std::to_string(r.sv) : "null") + "|" +
                    (r.anyD ? core::formatDecimal(r.sd, 2) : "null") + "|" + (r.lo ? std::to_string(*r.lo) : "null") + "|" +
                    (r.hi ? core::formatDecimal(*r.hi, 2) : "null") + "|" + (r.dCount ? std::string(mean) : "null") + "|" +
                    std::to_string(r.distinct.size()) + "|";
  }

  auto run = [&](bool intermediate) {
    // Two map tasks, each aggregating half of the batches.
    std::vector<core::ColumnBatch> states;
    for (int task = 0; task < 2; ++task) {
      HashAggregator partial(AggregateMode::kPartial, inputSchema(), {0}, calls());
      for (size_t i = static_cast<size_t>(task); i < batches.size(); i += 2) partial.add(batches[i]);
      states.push_back(partial.finish());
    }
    core::Schema stateSchema = states[0].schema();
    if (intermediate) {
      HashAggregator merge(AggregateMode::kIntermediate, stateSchema, {0}, calls());
      for (const auto& state : states) merge.add(state);
      states = {merge.finish()};
    }
    HashAggregator final(AggregateMode::kFinal, stateSchema, {0}, calls());
    for (const auto& state : states) final.add(state);
    return final.finish();
  };
  for (bool intermediate : {false, true}) {
    CAPTURE(intermediate);
    core::ColumnBatch result = run(intermediate);
    std::map<std::string, std::string> actual = render(result);
    // Means print with full precision; compare them at the reference's %g precision.
    for (auto& [key, text] : actual) {
      size_t end = text.rfind('|', text.size() - 2);
      size_t begin = text.rfind('|', end - 1) + 1;
      std::string mean = text.substr(begin, end - begin);
      if (mean != "null") {
        char formatted[64];
        std::snprintf(formatted, sizeof formatted, "%g", std::stod(mean));
        text = text.substr(0, begin) + formatted + text.substr(end);
      }
    }
    CHECK(actual == expected);
  }
}

TEST_CASE("a global aggregate over no rows still answers one row", "[aggregate]") {
  std::vector<AggregateCall> global = {{AggregateFunction::kCountStar, -1, "n"}, {AggregateFunction::kSum, 1, "s"}};
  HashAggregator partial(AggregateMode::kPartial, inputSchema(), {}, global);
  core::ColumnBatch state = partial.finish();
  HashAggregator final(AggregateMode::kFinal, state.schema(), {}, global);
  final.add(state);
  core::ColumnBatch result = final.finish();
  REQUIRE(result.numRows() == 1);
  CHECK(result.column(0).toString(0) == "0");
  CHECK(result.column(1).toString(0) == "null");
}

TEST_CASE("hash joins match nulls never and keep every duplicate", "[join]") {
  core::Schema left({{"k", core::DataType::int64()}, {"a", core::DataType::string()}});
  core::Schema right({{"k", core::DataType::int64()}, {"b", core::DataType::string()}});
  core::ColumnBatch probe(left);
  for (auto [k, a] : std::vector<std::pair<int, const char*>>{{1, "x"}, {2, "y"}, {-1, "n"}, {3, "z"}}) {
    k < 0 ? probe.column(0).appendNull() : probe.column(0).appendInt64(k);
    probe.column(1).appendString(a);
  }
  core::ColumnBatch build(right);
  for (auto [k, b] : std::vector<std::pair<int, const char*>>{{1, "p"}, {1, "q"}, {3, "r"}, {-1, "null-key"}}) {
    k < 0 ? build.column(0).appendNull() : build.column(0).appendInt64(k);
    build.column(1).appendString(b);
  }
  auto rows = [&](JoinType type) {
    auto table = std::make_shared<JoinTable>(right, std::vector<int>{0});
    table->add(build);
    table->finish();
    HashJoin join(type, table, left, {0});
    core::ColumnBatch out = join.probe(probe);
    std::vector<std::string> text;
    for (size_t row = 0; row < out.numRows(); ++row) {
      std::string line;
      for (size_t c = 0; c < out.numColumns(); ++c) line += out.column(c).toString(row) + " ";
      text.push_back(line);
    }
    return text;
  };
  CHECK(rows(JoinType::kInner) == std::vector<std::string>{"1 x p ", "1 x q ", "3 z r "});
  CHECK(rows(JoinType::kLeft) == std::vector<std::string>{"1 x p ", "1 x q ", "2 y null ", "null n null ", "3 z r "});
  CHECK(rows(JoinType::kSemi) == std::vector<std::string>{"1 x ", "3 z "});
  CHECK(rows(JoinType::kAnti) == std::vector<std::string>{"2 y ", "null n "});
}

TEST_CASE("a hash join whose build keys are unique matches each probe row at most once", "[join]") {
  core::Schema left({{"k", core::DataType::int64()}});
  core::Schema right({{"k", core::DataType::int64()}, {"b", core::DataType::string()}});
  core::ColumnBatch build(right);
  for (int k = 0; k < 5000; ++k) {
    build.column(0).appendInt64(k * 3);
    build.column(1).appendString("v" + std::to_string(k * 3));
  }
  core::ColumnBatch probe(left);
  for (int k = 0; k < 300; ++k) probe.column(0).appendInt64(k);
  auto table = std::make_shared<JoinTable>(right, std::vector<int>{0});
  table->add(build);
  table->finish();
  HashJoin inner(JoinType::kInner, table, left, {0});
  core::ColumnBatch out = inner.probe(probe);
  REQUIRE(out.numRows() == 100);
  for (size_t row = 0; row < out.numRows(); ++row) {
    CHECK(out.column(1).toString(row) == "v" + out.column(0).toString(row));
  }
  HashJoin leftJoin(JoinType::kLeft, table, left, {0});
  CHECK(leftJoin.probe(probe).numRows() == 300);
}

// The evaluator over small batches: every operator and function, with SQL's null rules.

#include <catch2/catch.hpp>

#include "core/expression_checker.h"
#include "core/expression_evaluator.h"
#include "core/expression_parser.h"

using namespace jobtuner::core;

namespace {

/// A batch with a nullable int64 `i`, decimal(6,2) `d`, double `x`, string `s`, bool `b`, timestamp `t`.
ColumnBatch sample() {
  Schema schema({{"i", DataType::int64()}, {"d", DataType::decimal(6, 2)}, {"x", DataType::float64()},
                 {"s", DataType::string()}, {"b", DataType::boolean()}, {"t", DataType::timestamp()}});
  ColumnBatch batch(schema);
  auto row = [&](std::optional<int64_t> i, std::optional<int64_t> d, std::optional<double> x,
                 std::optional<std::string> s, std::optional<bool> b, std::optional<int64_t> t) {
    i ? batch.column(0).appendInt64(*i) : batch.column(0).appendNull();
    d ? batch.column(1).appendInt64(*d) : batch.column(1).appendNull();
    x ? batch.column(2).appendDouble(*x) : batch.column(2).appendNull();
    s ? batch.column(3).appendString(*s) : batch.column(3).appendNull();
    b ? batch.column(4).appendBool(*b) : batch.column(4).appendNull();
    t ? batch.column(5).appendInt64(*t) : batch.column(5).appendNull();
  };
  row(7, 1250, 2.5, "North", true, 0);                           // 12.50, 1970-01-01T00:00:00Z
  row(-3, -5, -0.5, "héllo wörld", false, -1);                   // -0.05, 1969-12-31T23:59:59.999Z
  row(std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt);
  row(INT64_MAX, 99999, 0.0, "", true, 1795350000000);           // 999.99, 2026-11-22
  return batch;
}

std::vector<std::string> eval(const std::string& text) {
  ColumnBatch batch = sample();
  ExprPtr expr = compileExpression(text, batch.schema());
  Column result = evaluate(*expr, batch);
  REQUIRE(result.size() == batch.numRows());
  std::vector<std::string> values;
  for (size_t row = 0; row < result.size(); ++row) values.push_back(result.toString(row));
  return values;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("arithmetic propagates nulls and turns overflow and division by zero into null", "[expression]") {
  CHECK(eval("i + 1") == V{"8", "-2", "null", "null"});  // INT64_MAX + 1 overflows
  CHECK(eval("i * 2") == V{"14", "-6", "null", "null"});
  CHECK(eval("i % 2") == V{"1", "-1", "null", "1"});
  CHECK(eval("i / 2") == V{"3.5", "-1.5", "null", "4.611686018427388e+18"});
  CHECK(eval("i / 0") == V{"null", "null", "null", "null"});
  CHECK(eval("i % 0") == V{"null", "null", "null", "null"});
  CHECK(eval("-i") == V{"-7", "3", "null", "-9223372036854775807"});
  CHECK(eval("x * 2") == V{"5", "-1", "null", "0"});
  CHECK(eval("1 / x") == V{"0.4", "-2", "null", "null"});
}

TEST_CASE("decimal arithmetic is exact with the checker's scales", "[expression]") {
  CHECK(eval("d + 1") == V{"13.50", "0.95", "null", "1000.99"});
  CHECK(eval("d * d") == V{"156.2500", "0.0025", "null", "999980.0001"});
  CHECK(eval("d - 0.005") == V{"12.495", "-0.055", "null", "999.985"});
  CHECK(eval("d % 5") == V{"2.50", "-0.05", "null", "4.99"});
  CHECK(eval("d + x") == V{"15", "-0.55", "null", "999.99"});
}

TEST_CASE("comparisons and three-valued logic follow SQL", "[expression]") {
  CHECK(eval("i > 0") == V{"true", "false", "null", "true"});
  CHECK(eval("d >= 12.5") == V{"true", "false", "null", "true"});
  CHECK(eval("s = 'North'") == V{"true", "false", "null", "false"});
  CHECK(eval("i > 0 and b") == V{"true", "false", "null", "true"});
  CHECK(eval("null and false") == V{"false", "false", "false", "false"});
  CHECK(eval("null and true") == V{"null", "null", "null", "null"});
  CHECK(eval("null or true") == V{"true", "true", "true", "true"});
  CHECK(eval("b or i > 100") == V{"true", "false", "null", "true"});
  CHECK(eval("not b") == V{"false", "true", "null", "false"});
  CHECK(eval("i is null") == V{"false", "false", "true", "false"});
  CHECK(eval("s is not null") == V{"true", "true", "false", "true"});
  CHECK(eval("i in (7, 8)") == V{"true", "false", "null", "false"});
  CHECK(eval("i in (7, null)") == V{"true", "null", "null", "null"});
  CHECK(eval("i not in (7, 8)") == V{"false", "true", "null", "true"});
  CHECK(eval("t < '1970-01-01 00:00:01'") == V{"true", "true", "null", "false"});
}

TEST_CASE("like is case-sensitive with % and _ over code points", "[expression]") {
  CHECK(eval("s like 'N%'") == V{"true", "false", "null", "false"});
  CHECK(eval("s like 'n%'") == V{"false", "false", "null", "false"});
  CHECK(eval("s like 'h_llo%'") == V{"false", "true", "null", "false"});
  CHECK(eval("s like '%'") == V{"true", "true", "null", "true"});
  CHECK(eval("s not like '%rth'") == V{"false", "true", "null", "true"});
  CHECK(eval("'50%' like '50\\%'") == V{"true", "true", "true", "true"});
}

TEST_CASE("string functions count code points and follow Spark's substr", "[expression]") {
  CHECK(eval("length(s)") == V{"5", "11", "null", "0"});
  CHECK(eval("upper(s)") == V{"NORTH", "HéLLO WöRLD", "null", ""});
  CHECK(eval("lower(s)") == V{"north", "héllo wörld", "null", ""});
  CHECK(eval("substr(s, 2, 3)") == V{"ort", "éll", "null", ""});
  CHECK(eval("substr(s, -3)") == V{"rth", "rld", "null", ""});
  CHECK(eval("substr(s, 0, 2)") == V{"No", "hé", "null", ""});
  CHECK(eval("concat(s, '!', s)") == V{"North!North", "héllo wörld!héllo wörld", "null", "!"});
  CHECK(eval("coalesce(s, 'none')") == V{"North", "héllo wörld", "none", ""});
  CHECK(eval("coalesce(i, 0)") == V{"7", "-3", "0", "9223372036854775807"});
}

TEST_CASE("casts convert or give null", "[expression]") {
  CHECK(eval("cast(s as int64)") == V{"null", "null", "null", "null"});
  CHECK(eval("cast('42' as int64) + i") == V{"49", "39", "null", "null"});
  CHECK(eval("cast(d as string)") == V{"12.50", "-0.05", "null", "999.99"});
  CHECK(eval("cast(x as string)") == V{"2.5", "-0.5", "null", "0"});
  CHECK(eval("cast(d as int64)") == V{"12", "0", "null", "999"});
  CHECK(eval("cast(x as decimal(5,1))") == V{"2.5", "-0.5", "null", "0.0"});
  CHECK(eval("cast('12.345' as decimal(6,2))") == V{"12.35", "12.35", "12.35", "12.35"});
  CHECK(eval("cast(t as int64)") == V{"0", "-1", "null", "1795350000000"});
  CHECK(eval("cast('2026-11-22' as timestamp)") ==
        V{"2026-11-22T00:00:00.000Z", "2026-11-22T00:00:00.000Z", "2026-11-22T00:00:00.000Z", "2026-11-22T00:00:00.000Z"});
  CHECK(eval("cast(b as int64)") == V{"1", "0", "null", "1"});
}

TEST_CASE("date parts and rounding", "[expression]") {
  CHECK(eval("year(t)") == V{"1970", "1969", "null", "2026"});
  CHECK(eval("month(t)") == V{"1", "12", "null", "11"});
  CHECK(eval("day(t)") == V{"1", "31", "null", "22"});
  CHECK(eval("hour(t)") == V{"0", "23", "null", "12"});
  CHECK(eval("second(t)") == V{"0", "59", "null", "0"});
  CHECK(eval("day_of_week(t)") == V{"5", "4", "null", "1"});
  CHECK(eval("round(d, 1)") == V{"12.5", "-0.1", "null", "1000.0"});
  CHECK(eval("round(x)") == V{"3", "-1", "null", "0"});
  CHECK(eval("abs(i)") == V{"7", "3", "null", "9223372036854775807"});
}

TEST_CASE("selectRows keeps rows where a predicate is true, not null", "[expression]") {
  ColumnBatch batch = sample();
  ExprPtr predicate = compilePredicate("i > 0", batch.schema());
  std::vector<uint32_t> rows = selectRows(*predicate, batch);
  CHECK(rows == std::vector<uint32_t>{0, 3});
  ColumnBatch kept = takeRows(batch, rows);
  CHECK(kept.numRows() == 2);
  CHECK(kept.column(3).toString(0) == "North");
}

TEST_CASE("the parser bounds nesting and length, so no text exhausts the stack", "[expression]") {
  auto errorOf = [](const std::string& text) {
    try {
      parseExpression(text);
    } catch (const UserError& error) {
      return std::string(error.what());
    }
    return std::string("(parsed)");
  };
  CHECK(errorOf(std::string(150, '(') + "1" + std::string(150, ')')) == "(parsed)");
  CHECK(errorOf(std::string(300, '(') + "1" + std::string(300, ')')) == "the expression nests deeper than 200 levels");
  CHECK(errorOf(std::string(250, '-') + "1") == "the expression nests deeper than 200 levels");
  CHECK(errorOf(std::string(100000, '-') + "1") == "the expression is longer than 4096 tokens");
  std::string chain = "1";
  for (int i = 0; i < 3000; ++i) chain += " + 1";
  CHECK(errorOf(chain) == "the expression is longer than 4096 tokens");
}

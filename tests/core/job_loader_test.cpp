// Reading job files: structure, stable step names, ${NAME} expansion and located errors.

#include <catch2/catch.hpp>

#include "core/errors.h"
#include "core/job_checker.h"
#include "core/job_loader.h"

using namespace jobtuner::core;

namespace {

const char* kJob = R"yaml(name: report
sources:
  sales: {path: sales.csv, schema: {customer: int64, amount: "decimal(8,2)", region: string}}
  customers: {path: customers.csv, format: csv, on_bad_record: skip}
views:
  gold:
    from: customers
    steps: [{filter: "tier = 'gold'"}]
from: sales
steps:
  - filter: amount > 0
  - aggregate: {by: [customer], compute: {total: "sum(amount)", n: "count()"}}
  - join: {with: gold, on: [customer], type: left}
  - aggregate: {name: by-customer, by: [customer], compute: {total: "max(total)"}}
  - sort: [total desc, customer]
  - limit: 5
)yaml";

UserError errorOf(const std::string& yaml) {
  try {
    parseJob(yaml, "job.yaml");
  } catch (const UserError& error) {
    return error;
  }
  FAIL("no error for:\n" << yaml);
  return UserError("unreachable");
}

}  // namespace

TEST_CASE("a job file reads into sources, views and steps with stable names", "[job]") {
  JobSpec job = parseJob(kJob, "job.yaml");
  CHECK(job.name == "report");
  REQUIRE(job.sources.size() == 2);
  CHECK(job.sources[0].schema->numFields() == 3);
  CHECK(job.sources[1].skipBadRecords);
  CHECK(job.from.name == "sales");
  REQUIRE(job.steps.size() == 6);
  CHECK(job.steps[0].stableName == "filter");
  CHECK(job.steps[1].stableName == "aggregate-by-customer");
  CHECK(job.steps[2].stableName == "join-gold");
  CHECK(job.steps[3].stableName == "by-customer");
  CHECK(job.steps[4].stableName == "sort-by-total");
  CHECK(job.steps[4].sortKeys[0].ascending == false);
  CHECK(job.steps[5].limit == 5);
  CHECK(job.views[0].steps[0].stableName == "gold-filter");
  CHECK(job.steps[1].calls[0].function == AggregateFunctionName::kSum);
  CHECK(job.steps[1].calls[1].column.name.empty());
  // Expression text points into the file: line 11, after "  - filter: ".
  CHECK(job.steps[0].condition.location.line == 11);
  CHECK(job.steps[0].condition.location.column == 13);
}

TEST_CASE("job errors name the place and the nearest valid name", "[job]") {
  UserError unknownKey = errorOf("name: x\nsources: {s: {path: a.csv, delimeter: ';'}}\n");
  CHECK(unknownKey.location().line == 2);
  CHECK(std::string(unknownKey.what()).find("did you mean 'delimiter'") != std::string::npos);
  UserError unknownSource = errorOf("name: x\nsources: {sales: {path: a.csv}}\nfrom: sale\n");
  CHECK(unknownSource.location().line == 3);
  CHECK(std::string(unknownSource.what()).find("did you mean 'sales'") != std::string::npos);
  UserError cycle = errorOf("name: x\nsources: {s: {path: a.csv}}\nviews:\n  a: {from: b}\n  b: {from: a}\nfrom: a\n");
  CHECK(std::string(cycle.what()).find("cycle") != std::string::npos);
  UserError badType = errorOf("name: x\nsources: {s: {path: a.csv, schema: {a: int65}}}\n");
  CHECK(badType.location().column > 0);
  CHECK(std::string(badType.what()).find("int65") != std::string::npos);
  UserError twoKinds = errorOf("name: x\nsources: {s: {path: a.csv}}\nsteps:\n  - {filter: a, limit: 3}\n");
  CHECK(std::string(twoKinds.what()).find("both") != std::string::npos);
  UserError badCall = errorOf("name: x\nsources: {s: {path: a.csv}}\nsteps:\n  - aggregate: {compute: {n: \"median(a)\"}}\n");
  CHECK(std::string(badCall.what()).find("unknown aggregate function 'median'") != std::string::npos);
  UserError negative = errorOf("name: x\nsources: {s: {path: a.csv}}\nsteps:\n  - limit: -1\n");
  CHECK(std::string(negative.what()).find("at least 0") != std::string::npos);
  UserError duplicateName = errorOf(
      "name: x\nsources: {s: {path: a.csv}}\nsteps:\n  - repartition: {name: r, partitions: 2}\n  - repartition: {name: r, partitions: 3}\n");
  CHECK(std::string(duplicateName.what()).find("two steps are named 'r'") != std::string::npos);
}

TEST_CASE("${NAME} expands from the environment before the YAML is read", "[job]") {
  EnvironmentLookup lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DATA_DIR") return std::string("/data");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  CHECK(expandEnvironment("path: ${DATA_DIR}/a.csv", "f", lookup) == "path: /data/a.csv");
  CHECK(expandEnvironment("out: ${OUT:-/tmp/out} ${EMPTY:-x}", "f", lookup) == "out: /tmp/out x");
  CHECK(expandEnvironment("literal: $${DATA_DIR}", "f", lookup) == "literal: ${DATA_DIR}");
  try {
    expandEnvironment("a: 1\nb: x ${MISSING}\n", "job.yaml", lookup);
    FAIL("no error");
  } catch (const UserError& error) {
    CHECK(error.location().toString() == "job.yaml:2:6");
    CHECK(std::string(error.what()).find("MISSING is not set") != std::string::npos);
  }
  CHECK_THROWS_AS(expandEnvironment("a: ${1X}", "f", lookup), UserError);
  CHECK_THROWS_AS(expandEnvironment("a: ${OPEN", "f", lookup), UserError);
}

TEST_CASE("the checker gives every step its schema and rejects what cannot run", "[job]") {
  JobSpec job = parseJob(kJob, "job.yaml");
  std::map<std::string, Schema> sources = {
      {"sales", *job.sources[0].schema},
      {"customers", Schema({{"customer", DataType::int64()}, {"tier", DataType::string()}})}};
  CheckedJob checked = checkJob(job, sources);
  CHECK(checked.outputSchema.names() == std::vector<std::string>{"customer", "total"});
  CHECK(checked.stepOutputs.at("aggregate-by-customer").field(1).type == DataType::decimal(18, 2));
  CHECK(checked.stepOutputs.at("join-gold").names() == std::vector<std::string>{"customer", "total", "n", "tier"});

  JobSpec bad = parseJob("name: x\nsources: {s: {path: a.csv}}\nsteps:\n  - aggregate: {compute: {t: \"sum(name)\"}}\n", "job.yaml");
  try {
    checkJob(bad, {{"s", Schema({{"name", DataType::string()}})}});
    FAIL("no error");
  } catch (const UserError& error) {
    CHECK(std::string(error.what()).find("sum needs a number") != std::string::npos);
    CHECK(error.location().line == 4);
  }
  JobSpec clash = parseJob("name: x\nsources: {a: {path: a.csv}, b: {path: b.csv}}\nfrom: a\nsteps:\n  - join: {with: b, on: [k]}\n", "job.yaml");
  CHECK_THROWS_WITH(checkJob(clash, {{"a", Schema({{"k", DataType::int64()}, {"v", DataType::string()}})},
                                     {"b", Schema({{"k", DataType::int64()}, {"v", DataType::string()}})}}),
                    Catch::Contains("both sides of the join have a column 'v'"));
  CHECK(commonJoinKeyType(DataType::int64(), DataType::decimal(10, 2)) == DataType::decimal(18, 2));
  CHECK(commonJoinKeyType(DataType::int64(), DataType::float64()) == DataType::float64());
}

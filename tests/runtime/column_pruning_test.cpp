// Column pruning: each source is narrowed to the columns the job uses — through filters, derives,
// selects, aggregates, joins (both sides), views read twice, and the output — and never below
// what distinct and union need.

#include "runtime/column_pruning.h"

#include <catch2/catch.hpp>

#include "core/job_checker.h"
#include "core/job_loader.h"

namespace jobtuner::runtime {
namespace {

using core::DataType;
using Names = std::set<std::string>;

std::map<std::string, core::Schema> shopSchemas() {
  return {{"events", core::Schema({{"user_id", DataType::int64()},
                                   {"ts", DataType::int64()},
                                   {"amount", DataType::decimal(12, 2)},
                                   {"category", DataType::string()}})},
          {"users", core::Schema({{"user_id", DataType::int64()},
                                  {"country", DataType::string()},
                                  {"tier", DataType::string()}})}};
}

std::map<std::string, Names> needed(const std::string& yaml) {
  std::map<std::string, core::Schema> schemas = shopSchemas();
  core::CheckedJob job = core::checkJob(core::parseJob(yaml, "job.yaml"), schemas);
  return neededSourceColumns(job, schemas);
}

const char* kSources = R"yaml(
sources:
  events: {path: e.csv}
  users: {path: u.csv}
)yaml";

}  // namespace

TEST_CASE("a join then an aggregate reads the keys, the measure and the group column only", "[pruning]") {
  auto columns = needed(std::string("name: q3\n") + kSources + R"yaml(
from: events
steps:
  - join: {with: users, on: [user_id]}
  - aggregate: {by: [country], compute: {total: "sum(amount)"}}
)yaml");
  CHECK(columns["events"] == Names{"user_id", "amount"});
  CHECK(columns["users"] == Names{"user_id", "country"});
}

TEST_CASE("filters, derives and the output keep what they reference", "[pruning]") {
  auto columns = needed(std::string("name: f\n") + kSources + R"yaml(
from: events
steps:
  - filter: "lower(category) = 'books'"
  - derive: {cents: "cast(amount * 100 as int64)"}
  - select: {user_id: user_id, cents: cents}
)yaml");
  CHECK(columns["events"] == Names{"user_id", "amount", "category"});
  CHECK(columns.count("users") == 0);  // not read at all: left alone

  auto everything = needed(std::string("name: all\n") + kSources + "from: events\nsteps:\n  - sort: [ts]\n");
  CHECK(everything["events"] == Names{"user_id", "ts", "amount", "category"});
}

TEST_CASE("distinct and union need every column; a view read twice needs what both readers need", "[pruning]") {
  auto distinct = needed(std::string("name: d\n") + kSources +
                         "from: users\nsteps:\n  - distinct: true\n  - aggregate: {by: [tier], compute: {n: \"count()\"}}\n");
  CHECK(distinct["users"] == Names{"user_id", "country", "tier"});

  auto views = needed(std::string("name: v\n") + kSources + R"yaml(
views:
  gold:
    from: users
    steps: [{filter: "tier = 'gold'"}]
from: events
steps:
  - join: {with: gold, on: [user_id], type: semi}
  - join: {with: gold, on: [user_id]}
  - aggregate: {by: [country], compute: {n: "count()"}}
)yaml");
  CHECK(views["users"] == Names{"user_id", "country", "tier"});
  CHECK(views["events"] == Names{"user_id"});
}

TEST_CASE("narrowing keeps the schema's order, and one column when none is needed", "[pruning]") {
  core::Schema users = shopSchemas().at("users");
  CHECK(narrowSchema(users, {"tier", "user_id"}).names() == std::vector<std::string>{"user_id", "tier"});
  CHECK(narrowSchema(users, {}).names() == std::vector<std::string>{"user_id"});
}

}  // namespace jobtuner::runtime

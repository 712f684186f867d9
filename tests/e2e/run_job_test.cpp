// jobtuner run, end to end through the real binary: real executor processes, real shuffle files,
// a real sidecar and store. Outputs are compared with what the sqlite3 shell computes on the same
// CSV files (output equality: sorted multisets, doubles within a relative 1e-9).

#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "support/output_rows.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

/// Sales rows where customer 7 holds about 30% of the rows, amounts with two decimals, and a few
/// rows with an empty (null) amount.
std::string salesCsv(int rows, uint32_t seed) {
  std::mt19937 random(seed);
  std::string text = "order_id,customer,amount,region,ts\n";
  const char* regions[] = {"north", "south", "east", "west", "North"};
  for (int i = 0; i < rows; ++i) {
    int customer = random() % 10 < 3 ? 7 : static_cast<int>(random() % 500);
    std::string amount = random() % 50 == 0 ? "" : fmt::format("{}.{:02d}", random() % 1000, random() % 100);
    text += fmt::format("{},{},{},{},{}\n", i, customer, amount, regions[random() % 5],
                        1700000000000LL + static_cast<int64_t>(random() % 86400000) * 30);
  }
  return text;
}

std::string customersCsv(int customers, uint32_t seed) {
  std::mt19937 random(seed);
  std::string text = "customer,name,tier\n";
  const char* tiers[] = {"gold", "silver", "bronze"};
  // Customers 0..customers-1 except every 10th (so some sales find no customer).
  for (int c = 0; c < customers; ++c) {
    if (c % 10 == 3) continue;
    text += fmt::format("{},customer {},{}\n", c, c, tiers[random() % 3]);
  }
  return text;
}

struct Workspace {
  TempDir dir;
  fs::path home = dir / "home";
  fs::path data = dir / "data";
  Workspace() {
    fs::create_directories(home);
    fs::create_directories(data);
    writeFile(data / "sales.csv", salesCsv(4000, 1));
    writeFile(data / "customers.csv", customersCsv(500, 2));
  }
  fs::path job(const std::string& name, const std::string& yaml) {
    fs::path path = dir / (name + ".yaml");
    writeFile(path, yaml);
    return path;
  }
  CommandResult run(const fs::path& job, std::vector<std::string> extra, const fs::path& output) {
    std::vector<std::string> args = {"--db", (home / "jobtuner.db").string(), "run", job.string(), "--output",
                                     output.string(), "--overwrite", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runJobtuner(args, home);
  }
  std::string sqlite(const std::string& query) const {
    return fmt::format(".import --csv {} sales\n.import --csv {} customers\n{}", (data / "sales.csv").string(),
                       (data / "customers.csv").string(), query);
  }
};

std::string sourcesYaml(const fs::path& data) {
  return fmt::format(R"yaml(sources:
  sales:
    path: {}/sales.csv
    schema: {{order_id: int64, customer: int64, amount: "decimal(10,2)", region: string, ts: timestamp}}
  customers:
    path: {}/customers.csv
)yaml",
                     data.string(), data.string());
}


}  // namespace

TEST_CASE("run aggregates like sqlite with any executor count, partition count and salting", "[run]") {
  if (!requireTool("sqlite3")) return;
  Workspace work;
  fs::path job = work.job("agg", "name: agg\n" + sourcesYaml(work.data) + R"yaml(from: sales
steps:
  - filter: region != 'east'
  - aggregate:
      name: by-customer
      by: [customer]
      compute: {orders: "count()", revenue: "sum(amount)", priced: "count(amount)", biggest: "max(amount)", mean: "avg(amount)", regions: "count_distinct(region)"}
)yaml");
  // sqlite reads every CSV field as text: empty amounts are made null and cast to numbers.
  std::vector<Row> expected = sqliteRows(work.sqlite(
      "create view s as select customer, cast(nullif(amount,'') as real) as amount, region from sales;\n"
      "select customer, count(*), printf('%.2f', sum(amount)), count(amount), max(amount), avg(amount), "
      "count(distinct region) from s where region <> 'east' group by customer;"));
  auto executors = GENERATE(1, 3);
  auto partitions = GENERATE(1, 3, 64, 200);
  auto salted = GENERATE(false, true);
  std::vector<std::string> settings = {"--set", fmt::format("executors={}", executors), "--set",
                                       fmt::format("shuffle_partitions={}", partitions), "--set",
                                       "max_partition_bytes=32k"};
  if (salted) {
    settings.insert(settings.end(), {"--set", "steps.by-customer.salting.buckets=4", "--set",
                                     "steps.by-customer.salting.keys=7"});
  }
  CAPTURE(executors, partitions, salted);
  fs::path output = work.dir / "out";
  requireSameOutput(work.run(job, settings, output), output, expected);
}

TEST_CASE("run counts distinct values of a salted key per salt and adds the counts, like sqlite", "[run]") {
  if (!requireTool("sqlite3")) return;
  Workspace work;
  // No avg: the planner salts by the distinct column's value and counts per salt.
  fs::path job = work.job("agg", "name: agg\n" + sourcesYaml(work.data) + R"yaml(from: sales
steps:
  - aggregate:
      name: by-customer
      by: [customer]
      compute: {orders: "count()", revenue: "sum(amount)", priced: "count(amount)", smallest: "min(amount)", biggest: "max(amount)", regions: "count_distinct(region)", distinct_orders: "count_distinct(region)"}
)yaml");
  std::vector<Row> expected = sqliteRows(work.sqlite(
      "create view s as select customer, cast(nullif(amount,'') as real) as amount, region from sales;\n"
      "select customer, count(*), printf('%.2f', sum(amount)), count(amount), min(amount), max(amount), "
      "count(distinct region), count(distinct region) from s group by customer;"));
  auto keys = GENERATE(std::string("7"), std::string(""));
  auto partitions = GENERATE(1, 3, 16);
  std::vector<std::string> settings = {"--set", "executors=2", "--set", fmt::format("shuffle_partitions={}", partitions), "--set",
                                       "max_partition_bytes=32k", "--set", "steps.by-customer.salting.buckets=5"};
  if (!keys.empty()) settings.insert(settings.end(), {"--set", "steps.by-customer.salting.keys=" + keys});
  CAPTURE(keys, partitions);
  fs::path output = work.dir / "out";
  requireSameOutput(work.run(job, settings, output), output, expected);
}

TEST_CASE("run joins like sqlite: every join type, broadcast or shuffled, salted or not", "[run]") {
  if (!requireTool("sqlite3")) return;
  Workspace work;
  auto type = GENERATE(std::string("inner"), std::string("left"), std::string("semi"), std::string("anti"));
  fs::path job = work.job("join", "name: join\n" + sourcesYaml(work.data) + fmt::format(R"yaml(from: sales
steps:
  - select: [order_id, customer, amount]
  - join: {{name: enrich, with: customers, on: [customer], type: {}}}
)yaml", type));
  std::string select = type == "semi" || type == "anti" ? "s.order_id, s.customer, s.amount" : "s.order_id, s.customer, s.amount, c.name, c.tier";
  std::string sql;
  if (type == "inner") sql = "select " + select + " from sales s join customers c on s.customer = c.customer;";
  if (type == "left") sql = "select " + select + " from sales s left join customers c on s.customer = c.customer;";
  if (type == "semi") sql = "select " + select + " from sales s where s.customer in (select customer from customers);";
  if (type == "anti") sql = "select " + select + " from sales s where s.customer not in (select customer from customers);";
  std::vector<Row> expected = sqliteRows(work.sqlite(sql));
  auto mode = GENERATE(std::string("broadcast"), std::string("shuffle"), std::string("salted"));
  auto executors = GENERATE(1, 3);
  std::vector<std::string> settings = {"--set", fmt::format("executors={}", executors), "--set", "shuffle_partitions=3",
                                       "--set", "max_partition_bytes=16k"};
  if (mode == "broadcast") settings.insert(settings.end(), {"--set", "steps.enrich.broadcast=true"});
  if (mode != "broadcast") settings.insert(settings.end(), {"--set", "steps.enrich.broadcast=false"});
  if (mode == "salted") settings.insert(settings.end(), {"--set", "steps.enrich.salting.buckets=5", "--set", "steps.enrich.salting.keys=7"});
  CAPTURE(type, mode, executors);
  fs::path output = work.dir / "out";
  requireSameOutput(work.run(job, settings, output), output, expected);
}

TEST_CASE("run sorts globally, limits, keeps distinct rows and unions like sqlite", "[run]") {
  if (!requireTool("sqlite3")) return;
  Workspace work;
  auto partitions = GENERATE(1, 3, 64);
  std::vector<std::string> settings = {"--set", fmt::format("shuffle_partitions={}", partitions), "--set",
                                       "max_partition_bytes=20k", "--set", "executors=3"};
  CAPTURE(partitions);
  SECTION("a sort with a limit keeps the global top rows, in order") {
    fs::path job = work.job("top", "name: top\n" + sourcesYaml(work.data) + R"yaml(from: sales
steps:
  - filter: amount is not null
  - sort: [amount desc, order_id]
  - limit: 25
  - select: [order_id, amount]
)yaml");
    fs::path output = work.dir / "out";
    CommandResult result = work.run(job, settings, output);
    std::vector<Row> expected = sqliteRows(work.sqlite(
        "select order_id, amount from sales where amount <> '' order by cast(amount as real) desc, cast(order_id as integer) limit 25;"));
    REQUIRE(result.exitCode == 0);
    std::vector<Row> written = readOutputRows(output);
    REQUIRE(compareRows(written, expected).empty());
    // Order matters here: part files in partition order are the global order.
    for (size_t i = 0; i < written.size(); ++i) {
      CAPTURE(i);
      REQUIRE(written[i][0] == expected[i][0]);
    }
  }
  SECTION("a whole-table sort writes globally ordered part files") {
    fs::path job = work.job("sorted", "name: sorted\n" + sourcesYaml(work.data) + R"yaml(from: sales
steps:
  - sort: [customer, order_id desc]
  - select: [customer, order_id]
)yaml");
    fs::path output = work.dir / "out";
    CommandResult result = work.run(job, settings, output);
    REQUIRE(result.exitCode == 0);
    std::vector<Row> expected = sqliteRows(work.sqlite(
        "select customer, order_id from sales order by cast(customer as integer), cast(order_id as integer) desc;"));
    std::vector<Row> written = readOutputRows(output);
    REQUIRE(written.size() == expected.size());
    for (size_t i = 0; i < written.size(); ++i) {
      CAPTURE(i);
      REQUIRE(written[i] == expected[i]);
    }
  }
  SECTION("distinct and union") {
    fs::path job = work.job("distinct", "name: distinct\n" + sourcesYaml(work.data) + R"yaml(views:
  gold:
    from: customers
    steps: [{filter: "tier = 'gold'"}, {select: {customer: customer, region: "'gold'"}}]
from: sales
steps:
  - select: [customer, region]
  - distinct: true
  - union: gold
)yaml");
    fs::path output = work.dir / "out";
    requireSameOutput(work.run(job, settings, output), output,
                      sqliteRows(work.sqlite("select distinct customer, region from sales union all "
                                             "select customer, 'gold' from customers where tier = 'gold';")));
  }
  SECTION("derived columns with expressions") {
    fs::path job = work.job("derive", "name: derive\n" + sourcesYaml(work.data) + R"yaml(from: sales
steps:
  - derive: {big: "amount >= 500", label: "concat(upper(substr(region, 1, 1)), lower(substr(region, 2)))", half: "amount / 2", hour: "hour(ts)"}
  - filter: region like 'n%' or region like '%st'
  - select: [order_id, big, label, half, hour]
)yaml");
    fs::path output = work.dir / "out";
    // sqlite's LIKE ignores case, the job's does not (the data has "North" and "north"): GLOB is
    // sqlite's case-sensitive match.
    requireSameOutput(
        work.run(job, settings, output), output,
        sqliteRows(work.sqlite(
            "select order_id, case when amount = '' then '' when cast(amount as real) >= 500 then 'true' else 'false' end, "
            "upper(substr(region, 1, 1)) || lower(substr(region, 2)), "
            "case when amount = '' then '' else cast(amount as real) / 2 end, "
            "cast(strftime('%H', cast(ts as integer) / 1000, 'unixepoch') as integer) "
            "from sales where region glob 'n*' or region glob '*st';")));
  }
}

TEST_CASE("salting never changes an aggregate's result, whatever the buckets and hot keys", "[run][salting]") {
  Workspace work;
  fs::path job = work.job("salted", "name: salted\n" + sourcesYaml(work.data) + R"yaml(from: sales
steps:
  - aggregate:
      name: by-region
      by: [region, customer]
      compute: {n: "count()", total: "sum(amount)", lo: "min(amount)", regions: "count_distinct(order_id)"}
)yaml");
  fs::path plainOutput = work.dir / "plain";
  CommandResult plain = work.run(job, {"--set", "shuffle_partitions=5"}, plainOutput);
  REQUIRE(plain.exitCode == 0);
  std::vector<Row> reference = readOutputRows(plainOutput);
  std::mt19937 random(7);
  for (int round = 0; round < 4; ++round) {
    int buckets = 2 + static_cast<int>(random() % 9);
    std::string keys = round % 2 == 0 ? "" : "north,7";
    std::vector<std::string> settings = {"--set", fmt::format("steps.by-region.salting.buckets={}", buckets), "--set",
                                         fmt::format("shuffle_partitions={}", 1 + random() % 7)};
    if (!keys.empty()) settings.insert(settings.end(), {"--set", "steps.by-region.salting.keys=" + keys});
    CAPTURE(buckets, keys);
    fs::path output = work.dir / "salted-out";
    CommandResult salted = work.run(job, settings, output);
    REQUIRE(salted.exitCode == 0);
    REQUIRE(compareRows(readOutputRows(output), reference).empty());
  }
}

TEST_CASE("run reads JSON-lines sources with an inferred schema and writes JSON lines", "[run]") {
  TempDir dir;
  writeFile(dir / "events.jsonl",
            "{\"user\": 1, \"amount\": 2.50, \"tag\": \"a\"}\n{\"user\": 2, \"amount\": 1.25}\n"
            "{\"user\": 1, \"amount\": 0.75, \"tag\": \"b \\\"q\\\"\"}\n\n{\"user\": null, \"amount\": 3.00, \"tag\": \"c\"}\n");
  writeFile(dir / "job.yaml", fmt::format("name: jsonl\nsources:\n  events: {{path: {}/events.jsonl, format: jsonl}}\n"
                                          "steps:\n  - aggregate: {{by: [user], compute: {{total: \"sum(amount)\", tags: \"count(tag)\"}}}}\n"
                                          "  - sort: [user]\nsink: {{format: jsonl}}\n",
                                          dir.path().string()));
  CommandResult result = runJobtuner({"--db", (dir / "db").string(), "run", (dir / "job.yaml").string(), "--output",
                                      (dir / "out").string(), "--quiet", "--set", "shuffle_partitions=1"},
                                     dir / "home");
  INFO(result.out << result.err);
  REQUIRE(result.exitCode == 0);
  REQUIRE(readFile(dir / "out" / "part-00000.jsonl") ==
          "{\"user\":null,\"total\":3.00,\"tags\":1}\n{\"user\":1,\"total\":3.25,\"tags\":2}\n{\"user\":2,\"total\":1.25,\"tags\":0}\n");
}

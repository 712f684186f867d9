// The benchmark queries (bench/runtime/q1.yaml ... q4.yaml) against an independent engine: each
// output equals what the sqlite3 shell computes on the same generated CSV files, with 1 and 3
// executors, shuffle partitions 1, 3, 64 and 200, salted and not — each value in several pairings
// rather than the whole product, which example_jobs_test runs for the example jobs.
// SQLite differences the SQL adapts to: it sums decimals as doubles (printf rounds them back to
// cents, exact at this size) and imports CSV values as text (cast where numbers compare).

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "support/output_rows.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

struct BenchQuery {
  const char* file;
  const char* saltedStep;  // the step a salted run salts
  const char* sql;         // over tables events and users
};

const BenchQuery kQueries[] = {
    {"q1.yaml", "by-user",
     "select user_id, count(*), printf('%.2f', sum(cast(amount as real))) from events group by user_id;"},
    {"q2.yaml", "by-category",
     "select category, count(*), avg(cast(amount as real)), printf('%.2f', max(cast(amount as real))) "
     "from events group by category;"},
    {"q3.yaml", "by-country",
     "select u.country, printf('%.2f', sum(cast(e.amount as real))) from events e join users u "
     "on cast(e.user_id as integer) = cast(u.user_id as integer) group by u.country;"},
    {"q4.yaml", "distinct-users", "select count(distinct cast(user_id as integer)) from events;"},
};

}  // namespace

TEST_CASE("the benchmark queries compute what sqlite computes, however they are run", "[run][bench]") {
  if (!requireTool("sqlite3")) return;
  TempDir dir;
  fs::path data = dir / "data";
  CommandResult generated =
      runProgram(JOBTUNER_DATAGEN_BINARY, {"bench", "--out", data.string(), "--rows", "30000", "--users", "3000"});
  REQUIRE(generated.exitCode == 0);
  auto query = GENERATE(0, 1, 2, 3);
  const BenchQuery& bench = kQueries[query];
  std::vector<Row> expected = sqliteRows(fmt::format(".import --csv {0}/events.csv events\n"
                                                     ".import --csv {0}/users.csv users\n{1}\n",
                                                     data.string(), bench.sql));
  REQUIRE_FALSE(expected.empty());
  auto [executors, partitions, salted] = GENERATE(table<int, int, bool>({{1, 1, false},
                                                                          {3, 3, true},
                                                                          {1, 64, true},
                                                                          {3, 200, false},
                                                                          {3, 1, true},
                                                                          {1, 200, true},
                                                                          {3, 64, false}}));
  CAPTURE(bench.file, executors, partitions, salted);
  fs::path output = dir / "out";
  std::vector<std::string> args = {"--db", (dir / "jobtuner.db").string(), "run",
                                   (fs::path(JOBTUNER_SOURCE_DIR) / "bench" / "runtime" / bench.file).string(),
                                   "--profile", (fs::path(JOBTUNER_SOURCE_DIR) / "bench" / "runtime" / "2x1.yaml").string(),
                                   "--output", output.string(), "--overwrite", "--quiet",
                                   "--set", fmt::format("executors={}", executors),
                                   "--set", fmt::format("shuffle_partitions={}", partitions),
                                   "--set", "max_partition_bytes=128k"};
  if (salted) args.insert(args.end(), {"--set", fmt::format("steps.{}.salting.buckets=4", bench.saltedStep)});
  CommandResult result = runProgram(JOBTUNER_BINARY, args, {"DATA_DIR=" + data.string(), "JOBTUNER_HOME=" + (dir / "home").string()});
  requireSameOutput(result, output, expected);
}

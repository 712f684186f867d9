// The example jobs in jobs/ against an independent engine: each job's output equals what the
// sqlite3 shell computes with the job's expected.sql on the same generated CSV files, with 1 and 3
// executors, shuffle partitions 1, 3, 64 and 200, with the example profile (salting where it
// salts) and without it.

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "support/output_rows.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

std::string substitute(std::string text, const std::string& name, const std::string& value) {
  for (size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size())) {
    text.replace(at, name.size(), value);
  }
  return text;
}

}  // namespace

TEST_CASE("the example jobs compute what sqlite computes, however they are run", "[run][examples]") {
  if (!requireTool("sqlite3")) return;
  TempDir dir;
  fs::path data = dir / "shop";
  CommandResult generated = runProgram(JOBTUNER_DATAGEN_BINARY, {"shop", "--out", data.string(), "--rows", "20000"});
  REQUIRE(generated.exitCode == 0);
  fs::path jobs = fs::path(JOBTUNER_SOURCE_DIR) / "jobs";
  auto name = GENERATE(std::string("sales-by-customer"), std::string("order-enrichment"), std::string("sessionization"),
                       std::string("daily-report"));
  std::vector<Row> expected = sqliteRows(substitute(readFile(jobs / name / "expected.sql"), "${DATA_DIR}", data.string()));
  REQUIRE_FALSE(expected.empty());
  auto executors = GENERATE(1, 3);
  auto partitions = GENERATE(1, 3, 64, 200);
  auto withProfile = GENERATE(true, false);
  CAPTURE(name, executors, partitions, withProfile);
  fs::path output = dir / "out";
  std::vector<std::string> args = {"--db", (dir / "jobtuner.db").string(), "run", (jobs / name / "job.yaml").string(),
                                   "--output", output.string(), "--overwrite", "--quiet",
                                   "--set", fmt::format("executors={}", executors),
                                   "--set", fmt::format("shuffle_partitions={}", partitions),
                                   "--set", "max_partition_bytes=256k"};
  if (withProfile) {
    args.insert(args.begin() + 6, {"--profile", (jobs / name / "profile.yaml").string()});
  }
  CommandResult result = runProgram(JOBTUNER_BINARY, args, {"DATA_DIR=" + data.string(), "JOBTUNER_HOME=" + (dir / "home").string()});
  requireSameOutput(result, output, expected);
}

// jobtuner run with bad input: each problem is a clear message naming the file, line and column
// where there is one, exit code 2, and no output directory written.

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

struct BadRun {
  TempDir dir;
  fs::path data = dir / "data";
  fs::path output = dir / "out";
  BadRun() {
    fs::create_directories(data);
    writeFile(data / "sales.csv", "id,customer,amount\n1,7,10.50\n2,8,3.25\n3,7,1.00\n");
  }
  CommandResult run(const std::string& yaml, std::vector<std::string> extra = {}) {
    fs::path job = dir / "job.yaml";
    writeFile(job, yaml);
    std::vector<std::string> args = {"--db", (dir / "jobtuner.db").string(), "run", job.string(), "--output",
                                     output.string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return runJobtuner(args, dir / "home");
  }
  std::string job(const std::string& steps, const std::string& schema = "{id: int64, customer: int64, amount: \"decimal(8,2)\"}") {
    return fmt::format("name: bad\nsources:\n  sales:\n    path: {}/sales.csv\n    schema: {}\nfrom: sales\nsteps:\n{}",
                       data.string(), schema, steps);
  }
};

void requireRejected(const CommandResult& result, const BadRun& run, const std::string& where, const std::string& what) {
  INFO(result.out << result.err);
  REQUIRE(result.exitCode == 2);
  REQUIRE(result.err.find(where) != std::string::npos);
  REQUIRE(result.err.find(what) != std::string::npos);
  REQUIRE_FALSE(fs::exists(run.output));
}

}  // namespace

TEST_CASE("run rejects a YAML syntax error with its line and column", "[run][bad-input]") {
  BadRun run;
  CommandResult result = run.run("name: bad\nsources:\n  sales: {path: [unclosed\n");
  requireRejected(result, run, "job.yaml:4:1", "YAML syntax error");
}

TEST_CASE("run rejects an unknown step and names the nearest one", "[run][bad-input]") {
  BadRun run;
  CommandResult result = run.run(run.job("  - filtre: amount > 1\n"));
  requireRejected(result, run, "job.yaml:8:5", "unknown step 'filtre' (did you mean 'filter'?)");
}

TEST_CASE("run rejects an unknown key and names the nearest one", "[run][bad-input]") {
  BadRun run;
  CommandResult result = run.run(run.job("  - aggregate: {by: [customer], compte: {n: \"count()\"}}\n"));
  requireRejected(result, run, "job.yaml:8:33", "unknown key 'compte' in aggregate (did you mean 'compute'?)");
}

TEST_CASE("run rejects an expression type error at its column", "[run][bad-input]") {
  BadRun run;
  CommandResult result = run.run(run.job("  - filter: amount + 'x' > 1\n"));
  requireRejected(result, run, "job.yaml:8:22", "'+' needs numbers, got string");
}

TEST_CASE("run rejects an unknown column and names the nearest one", "[run][bad-input]") {
  BadRun run;
  CommandResult result = run.run(run.job("  - derive: {double: \"amout * 2\"}\n"));
  requireRejected(result, run, "job.yaml:8:23", "unknown column 'amout' (did you mean 'amount'?)");
  CommandResult grouped = run.run(run.job("  - aggregate: {by: [custmer], compute: {n: \"count()\"}}\n"));
  requireRejected(grouped, run, "job.yaml:8:22", "unknown column 'custmer' (did you mean 'customer'?)");
}

TEST_CASE("run rejects a missing input file", "[run][bad-input]") {
  BadRun run;
  fs::remove(run.data / "sales.csv");
  CommandResult result = run.run(run.job("  - limit: 1\n"));
  requireRejected(result, run, "job.yaml:4:11", "does not exist");
}

TEST_CASE("run stops at a CSV row with the wrong number of fields, or skips and counts it", "[run][bad-input]") {
  BadRun run;
  writeFile(run.data / "sales.csv", "id,customer,amount\n1,7,10.50\n2,8\n3,7,abc\n4,9,2.00\n");
  CommandResult result = run.run(run.job("  - limit: 10\n"));
  requireRejected(result, run, "sales.csv:3", "expected 3 fields, found 2");
  REQUIRE(result.err.find("on_bad_record: skip") != std::string::npos);

  std::string skipping = fmt::format(
      "name: bad\nsources:\n  sales:\n    path: {}/sales.csv\n    on_bad_record: skip\n"
      "    schema: {{id: int64, customer: int64, amount: \"decimal(8,2)\"}}\nfrom: sales\nsteps:\n  - limit: 10\n",
      run.data.string());
  CommandResult skipped = run.run(skipping);
  INFO(skipped.out << skipped.err);
  REQUIRE(skipped.exitCode == 0);
  REQUIRE(skipped.out.find("Skipped 2 bad input records") != std::string::npos);
  REQUIRE(readFile(run.output / "part-00000.csv") == "id,customer,amount\n1,7,10.50\n4,9,2.00\n");
}

TEST_CASE("run refuses to replace an existing output directory without --overwrite", "[run][bad-input]") {
  BadRun run;
  fs::create_directories(run.output);
  writeFile(run.output / "keep.txt", "mine");
  CommandResult result = run.run(run.job("  - limit: 1\n"));
  INFO(result.err);
  REQUIRE(result.exitCode == 2);
  REQUIRE(result.err.find("already exists") != std::string::npos);
  REQUIRE(result.err.find("--overwrite") != std::string::npos);
  REQUIRE(readFile(run.output / "keep.txt") == "mine");
  CommandResult replaced = run.run(run.job("  - limit: 1\n"), {"--overwrite"});
  REQUIRE(replaced.exitCode == 0);
  REQUIRE(fs::exists(run.output / "_SUCCESS"));
  REQUIRE_FALSE(fs::exists(run.output / "keep.txt"));
}

TEST_CASE("run rejects a profile override of a step the job does not have", "[run][bad-input]") {
  BadRun run;
  CommandResult result = run.run(run.job("  - aggregate: {name: by-customer, by: [customer], compute: {n: \"count()\"}}\n"),
                                 {"--set", "steps.by-custmer.partitions=4"});
  INFO(result.err);
  REQUIRE(result.exitCode == 2);
  REQUIRE(result.err.find("'by-custmer'") != std::string::npos);
  REQUIRE(result.err.find("did you mean 'by-customer'") != std::string::npos);
}

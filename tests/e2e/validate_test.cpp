// jobtuner validate through the binary: profiles are checked without running anything; every
// problem is reported with file:line:column, and the exit code says whether all files are valid.

#include <catch2/catch.hpp>

#include "support/test_support.h"

using namespace jobtuner::testing;

TEST_CASE("validate accepts the shipped default profile", "[e2e][validate]") {
  fs::path defaults = fs::path(JOBTUNER_SOURCE_DIR) / "profiles" / "default.yaml";
  CommandResult result = runJobtuner({"validate", defaults.string()});
  INFO(result.out << result.err);
  CHECK(result.exitCode == 0);
  CHECK_THAT(result.out, Catch::Contains("default.yaml: ok (profile)"));
}

TEST_CASE("validate reports every problem of a profile with its place and exits 2", "[e2e][validate]") {
  TempDir dir;
  writeFile(dir / "bad.yaml", "executors: 4\nexecutor_memroy: 2g\nshuffle_partitions: -3\n");
  writeFile(dir / "good.yaml", "extends: bad.yaml\n");
  CommandResult result = runJobtuner({"validate", (dir / "bad.yaml").string()});
  INFO(result.out << result.err);
  CHECK(result.exitCode == 2);
  CHECK_THAT(result.out, Catch::Contains((dir / "bad.yaml").string() + ":2:1: unknown profile key 'executor_memroy'"));
  CHECK_THAT(result.out, Catch::Contains("did you mean 'executor_memory'?"));
  CHECK_THAT(result.out, Catch::Contains((dir / "bad.yaml").string() + ":3:21: bad value for shuffle_partitions"));
  CHECK_THAT(result.out, Catch::Contains("invalid (profile, 2 problems)"));
}

TEST_CASE("validate gives a YAML syntax error its line and column", "[e2e][validate]") {
  TempDir dir;
  writeFile(dir / "broken.yaml", "executors: [\n");
  CommandResult result = runJobtuner({"validate", (dir / "broken.yaml").string()});
  CHECK(result.exitCode == 2);
  CHECK_THAT(result.out, Catch::Contains((dir / "broken.yaml").string() + ":2:1: YAML syntax error"));
}

TEST_CASE("validate checks several files and folders and names what it cannot check yet", "[e2e][validate]") {
  TempDir dir;
  fs::create_directories(dir / "profiles");
  writeFile(dir / "profiles/small.yaml", "executors: 1\nexecutor_cores: 2\n");
  writeFile(dir / "profiles/salted.yaml", "extends: small.yaml\nsteps:\n  aggregate-by-user: {salting: {buckets: 8}}\n");
  writeFile(dir / "job.yaml", "sources: {events: {path: e.csv}}\nsink: {path: out}\n");
  CommandResult folder = runJobtuner({"validate", (dir / "profiles").string()});
  INFO(folder.out << folder.err);
  CHECK(folder.exitCode == 0);
  CHECK_THAT(folder.out, Catch::Contains("salted.yaml: ok (profile, extends "));
  CHECK_THAT(folder.out, Catch::Contains("small.yaml: ok (profile)"));

  CommandResult job = runJobtuner({"validate", (dir / "job.yaml").string()});
  CHECK(job.exitCode == 2);
  CHECK_THAT(job.out, Catch::Contains("job.yaml: invalid (job, 1 problem)"));
  CHECK_THAT(job.out + job.err, Catch::Contains("the job has no name"));

  writeFile(dir / "typed.yaml", "name: typed\nsources: {events: {path: e.csv, schema: {user: int64, amount: double}}}\n"
                                "steps:\n  - filter: amount > 'x'\n");
  CommandResult typed = runJobtuner({"validate", (dir / "typed.yaml").string()});
  CHECK(typed.exitCode == 2);
  CHECK_THAT(typed.out + typed.err, Catch::Contains("typed.yaml:4:20"));
  CHECK_THAT(typed.out + typed.err, Catch::Contains("cannot compare double with string"));
  writeFile(dir / "typed.yaml", "name: typed\nsources: {events: {path: e.csv, schema: {user: int64, amount: double}}}\n"
                                "steps:\n  - filter: amount > 1\n");
  CommandResult valid = runJobtuner({"validate", (dir / "typed.yaml").string()});
  CHECK(valid.exitCode == 0);
  CHECK_THAT(valid.out, Catch::Contains("typed.yaml: ok (job, 1 steps, columns and types checked)"));

  CommandResult missing = runJobtuner({"validate", (dir / "nowhere.yaml").string()});
  CHECK(missing.exitCode == 2);
  CHECK_THAT(missing.out + missing.err, Catch::Contains("no such file"));
}

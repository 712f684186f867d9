#include "core/profile_writer.h"

#include <catch2/catch.hpp>

#include "support/test_support.h"

using namespace jobtuner::core;
using jobtuner::testing::TempDir;
using jobtuner::testing::writeFile;

namespace {

Profile sample() {
  Profile profile;
  profile.executors = 3;
  profile.executorMemoryBytes = 768LL << 20;
  profile.memoryFraction = 0.7;
  profile.speculation = true;
  profile.steps["revenue-by-customer"].partitions = 12;
  profile.steps["revenue-by-customer"].salting = SaltingOverride{8, {"42", "c,7"}};
  profile.steps["42"].broadcast = false;
  profile.faults.seed = 9;
  profile.faults.randomExecutorKills = 2;
  return profile;
}

}  // namespace

TEST_CASE("a written profile reads back as the same settings, without its faults", "[core][profile_writer]") {
  TempDir dir;
  Profile profile = sample();
  std::string yaml = profileYaml(profile, {{"executors", "more slots"}, {"steps.revenue-by-customer.salting", "hot key 42"}},
                                 "Header line one.\nLine two.");
  CHECK(yaml.find("# Header line one.\n# Line two.\n") == 0);
  CHECK(yaml.find("executors: 3") != std::string::npos);
  CHECK(yaml.find("# more slots") != std::string::npos);
  CHECK(yaml.find("# hot key 42") != std::string::npos);
  CHECK(yaml.find("faults") == std::string::npos);
  writeFile(dir / "p.yaml", yaml);
  Profile read = loadProfile(dir / "p.yaml");
  Profile expected = profile;
  expected.faults = FaultPlan{};
  CHECK(read.sameSettings(expected));
  CHECK(read.steps == expected.steps);
  CHECK(read.faults.randomExecutorKills == 0);
}

TEST_CASE("a profile recorded as Spark properties is recovered", "[core][profile_writer]") {
  Profile profile = sample();
  std::map<std::string, std::string> properties;
  for (const auto& [key, value] : profile.sparkProperties()) properties[key] = value;
  for (const auto& [key, value] : stepOverrideProperties(profile)) properties[key] = value;
  properties["spark.app.name"] = "ignored";
  Profile recovered = profileFromSparkProperties(properties);
  profile.faults = FaultPlan{};  // never recorded: a run's faults are not its settings
  CHECK(recovered.sameSettings(profile));
  CHECK(recovered.steps == profile.steps);
}

TEST_CASE("Spark properties that do not read are named and left at the default", "[core][profile_writer]") {
  std::vector<std::string> problems;
  Profile recovered = profileFromSparkProperties({{"spark.executor.instances", "many"}, {"spark.executor.memory", "2048"}}, &problems);
  CHECK(recovered.executors == Profile{}.executors);
  CHECK(recovered.executorMemoryBytes == 2048LL << 20);  // Spark reads a bare number as megabytes
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("spark.executor.instances") != std::string::npos);
}

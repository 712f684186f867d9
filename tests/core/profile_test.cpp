#include "core/profile.h"

#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "support/test_support.h"

using namespace jobtuner::core;
using jobtuner::testing::TempDir;
using jobtuner::testing::writeFile;

namespace {

/// Loads `text` as a profile and returns the UserError it raises (fails the test if none).
UserError loadError(const fs::path& path, const std::string& text) {
  writeFile(path, text);
  try {
    loadProfile(path);
  } catch (const UserError& error) {
    return error;
  }
  FAIL("loading " << path << " raised no error");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("profiles/default.yaml holds exactly the catalogue's defaults", "[core][profile]") {
  fs::path path = fs::path(JOBTUNER_SOURCE_DIR) / "profiles/default.yaml";
  Profile loaded = loadProfile(path);
  CHECK(loaded.sameSettings(Profile()));
  CHECK(loaded.steps.empty());
  // Every key is written out, not left to the catalogue, so the file documents every default.
  for (const ProfileSetting& setting : profileSettings()) {
    INFO(setting.name);
    CHECK(loaded.origin(setting.name) != "default");
  }
  // And the text of each value is the catalogue's text.
  YAML::Node root = YAML::LoadFile(path.string());
  for (const ProfileSetting& setting : profileSettings()) {
    INFO(setting.name);
    CHECK(root[std::string(setting.name)].Scalar() == setting.defaultValue);
  }
  CHECK(root.size() == profileSettings().size());
}

TEST_CASE("a profile's values are read typed, with units, and remember where they came from", "[core][profile]") {
  TempDir dir;
  writeFile(dir / "p.yaml",
            "executors: 4\n"
            "executor_cores: 2\n"
            "executor_memory: 1.5GB\n"
            "memory_overhead: 512m\n"
            "memory_fraction: 0.7\n"
            "shuffle_partitions: 64\n"
            "broadcast_threshold: -1\n"
            "max_partition_bytes: 32m\n"
            "task_max_failures: 2\n"
            "speculation: true\n"
            "speculation_min_runtime: 2s\n"
            "steps:\n"
            "  aggregate-by-user:\n"
            "    partitions: 16\n"
            "    salting: {buckets: 8, keys: [c42, 'c7']}\n"
            "  enrich:\n"
            "    broadcast: false\n"
            "    salting:\n"
            "      buckets: 4\n");
  Profile profile = loadProfile(dir / "p.yaml");
  CHECK(profile.executors == 4);
  CHECK(profile.executorCores == 2);
  CHECK(profile.executorMemoryBytes == int64_t{3} << 29);
  CHECK(profile.memoryOverheadBytes == int64_t{512} << 20);
  CHECK(profile.memoryFraction == 0.7);
  CHECK(profile.shufflePartitions == 64);
  CHECK(profile.broadcastThresholdBytes == -1);
  CHECK(profile.maxPartitionBytes == int64_t{32} << 20);
  CHECK(profile.taskMaxFailures == 2);
  CHECK(profile.speculation);
  CHECK(profile.speculationMinRuntimeMs == 2000);
  CHECK(profile.speculationQuantile == 0.9);  // not set: the default
  REQUIRE(profile.steps.size() == 2);
  const StepOverride* aggregate = profile.stepOverride("aggregate-by-user");
  REQUIRE(aggregate);
  CHECK(aggregate->partitions == 16);
  CHECK(aggregate->salting == SaltingOverride{8, {"c42", "c7"}});
  CHECK(!aggregate->broadcast);
  const StepOverride* enrich = profile.stepOverride("enrich");
  REQUIRE(enrich);
  CHECK(enrich->broadcast == false);
  CHECK(enrich->salting == SaltingOverride{4, {}});
  CHECK(profile.stepOverride("other") == nullptr);

  CHECK(profile.origin("executor_memory") == (dir / "p.yaml").string() + ":3:18");
  CHECK(profile.origin("speculation_quantile") == "default");
  CHECK(profile.origin("steps.aggregate-by-user.partitions") == (dir / "p.yaml").string() + ":14:17");
  CHECK(profile.files == std::vector<fs::path>{dir / "p.yaml"});

  auto properties = profile.sparkProperties();
  CHECK(std::find(properties.begin(), properties.end(), std::pair<std::string, std::string>{
                      "spark.executor.memory", "1536m"}) != properties.end());
  CHECK(std::find(properties.begin(), properties.end(), std::pair<std::string, std::string>{
                      "spark.sql.autoBroadcastJoinThreshold", "-1"}) != properties.end());
  CHECK(std::find(properties.begin(), properties.end(), std::pair<std::string, std::string>{
                      "spark.speculation.minTaskRuntime", "2000ms"}) != properties.end());
}

TEST_CASE("an empty profile changes nothing", "[core][profile]") {
  TempDir dir;
  writeFile(dir / "empty.yaml", "# nothing yet\n");
  CHECK(loadProfile(dir / "empty.yaml").sameSettings(Profile()));
}

TEST_CASE("a YAML syntax error names the file, line and column", "[core][profile]") {
  TempDir dir;
  UserError error = loadError(dir / "broken.yaml", "executors: 4\nexecutor_memory: [1g\nspeculation: true\n");
  CHECK(error.location().file == (dir / "broken.yaml").string());
  CHECK(error.location().line >= 2);
  CHECK(error.location().column > 0);
  CHECK(std::string(error.what()).find("YAML syntax error") != std::string::npos);
  CHECK(!error.hint().empty());

  UserError badIndent = loadError(dir / "indent.yaml", "executors: 4\n  executor_cores: 2\n");
  CHECK(badIndent.location().line == 2);
}

TEST_CASE("an unknown key is an error naming the nearest valid key", "[core][profile]") {
  TempDir dir;
  UserError error = loadError(dir / "typo.yaml", "executors: 4\n\nexecutor_memroy: 2g\n");
  CHECK(std::string(error.what()) == (dir / "typo.yaml").string() + ":3:1: unknown profile key 'executor_memroy'");
  CHECK(error.hint() == "did you mean 'executor_memory'?");
  CHECK(error.location().line == 3);
  CHECK(error.location().column == 1);

  UserError far = loadError(dir / "far.yaml", "colour: blue\n");
  CHECK(far.hint().find("valid keys: executors, executor_cores") != std::string::npos);

  UserError spark = loadError(dir / "spark.yaml", "spark.executor.memory: 2g\n");
  CHECK(spark.hint() == "profiles use jobtuner's names: write 'executor_memory' (it stands for spark.executor.memory)");

  UserError stepKey = loadError(dir / "step.yaml", "steps:\n  agg:\n    partitons: 8\n");
  CHECK(std::string(stepKey.what()).find(":3:5: unknown key 'partitons' in the override of step 'agg'") !=
        std::string::npos);
  CHECK(stepKey.hint() == "did you mean 'partitions'?");

  UserError saltKey = loadError(dir / "salt.yaml", "steps:\n  agg:\n    salting: {bucket: 8}\n");
  CHECK(saltKey.render().find("did you mean 'buckets'?") != std::string::npos);
}

TEST_CASE("a value of the wrong type or shape is an error at the value", "[core][profile]") {
  TempDir dir;
  UserError word = loadError(dir / "word.yaml", "executors: four\n");
  CHECK(std::string(word.what()) == (dir / "word.yaml").string() + ":1:12: bad value for executors: 'four' is not a whole number");
  CHECK(word.hint() == "write a whole number such as 4 or 200");

  UserError list = loadError(dir / "list.yaml", "executors: [1, 2]\n");
  CHECK(std::string(list.what()).find("bad value for executors: expected count, found a list") != std::string::npos);

  UserError empty = loadError(dir / "novalue.yaml", "speculation:\n");
  CHECK(std::string(empty.what()).find("speculation has no value") != std::string::npos);

  UserError flag = loadError(dir / "flag.yaml", "speculation: sometimes\n");
  CHECK(std::string(flag.what()).find("'sometimes' is neither true nor false") != std::string::npos);

  UserError keys = loadError(dir / "keys.yaml", "steps:\n  agg:\n    salting: {buckets: 4, keys: c42}\n");
  CHECK(std::string(keys.what()).find("bad value for steps.agg.salting.keys: expected a list") != std::string::npos);

  UserError noBuckets = loadError(dir / "nobuckets.yaml", "steps:\n  agg:\n    salting: {keys: [a]}\n");
  CHECK(std::string(noBuckets.what()).find("steps.agg.salting needs buckets") != std::string::npos);

  UserError notMap = loadError(dir / "list-root.yaml", "- executors: 4\n");
  CHECK(std::string(notMap.what()).find("a profile is a map of keys, this file holds a list") != std::string::npos);

  UserError steps = loadError(dir / "steps.yaml", "steps: [a, b]\n");
  CHECK(std::string(steps.what()).find("steps must be a map of step names") != std::string::npos);

  UserError twice = loadError(dir / "twice.yaml", "executors: 2\nexecutors: 3\n");
  CHECK(std::string(twice.what()).find(":2:1: key 'executors' is set twice (first at line 1)") != std::string::npos);
}

TEST_CASE("a value out of range or with a bad unit is an error with the allowed values", "[core][profile]") {
  TempDir dir;
  UserError zero = loadError(dir / "zero.yaml", "executors: 0\n");
  CHECK(std::string(zero.what()) == (dir / "zero.yaml").string() + ":1:12: bad value for executors: '0' must be at least 1");
  CHECK(zero.hint() == "allowed: [1, 1024]");

  UserError fraction = loadError(dir / "fraction.yaml", "memory_fraction: 1.0\n");
  CHECK(std::string(fraction.what()).find("'1.0' must be less than 1") != std::string::npos);
  CHECK(fraction.hint() == "allowed: (0, 1)");

  UserError unit = loadError(dir / "unit.yaml", "executor_memory: 2x\n");
  CHECK(std::string(unit.what()).find(":1:18: bad value for executor_memory: '2x' is not a size") != std::string::npos);
  CHECK(unit.hint() == "write a size such as 512m, 2g or 1.5GB (powers of 1024)");

  UserError bare = loadError(dir / "bare.yaml", "executor_memory: 4096\n");
  CHECK(bare.hint() == "allowed: [16m, 16t]; a number without a unit is bytes: write 4096m for 4096 MiB");

  UserError buckets = loadError(dir / "buckets.yaml", "steps:\n  agg:\n    salting: {buckets: 1}\n");
  CHECK(std::string(buckets.what()).find("bad value for steps.agg.salting.buckets: '1' must be at least 2") !=
        std::string::npos);
}

TEST_CASE("every problem in a file is reported, not only the first", "[core][profile]") {
  TempDir dir;
  writeFile(dir / "many.yaml", "executors: 0\nexecutor_memroy: 2g\nspeculation: sometimes\n");
  try {
    loadProfile(dir / "many.yaml");
    FAIL("no error");
  } catch (const ProfileErrors& errors) {
    REQUIRE(errors.problems().size() == 3);
    CHECK(errors.problems()[0].location().line == 1);
    CHECK(errors.problems()[1].location().line == 2);
    CHECK(errors.problems()[2].location().line == 3);
    CHECK(errors.location().line == 1);
    std::string text = errors.render();
    CHECK(text.find("many.yaml:1:12: bad value for executors") != std::string::npos);
    CHECK(text.find("many.yaml:2:1: unknown profile key 'executor_memroy'") != std::string::npos);
    CHECK(text.find("did you mean 'executor_memory'?") != std::string::npos);
    CHECK(text.find("many.yaml:3:14: bad value for speculation") != std::string::npos);
  }
}

TEST_CASE("extends layers a profile on another, relative to the file, the child winning", "[core][profile]") {
  TempDir dir;
  fs::create_directories(dir / "base");
  writeFile(dir / "base/root.yaml", "executors: 8\nexecutor_memory: 4g\nsteps:\n  agg: {partitions: 32, broadcast: true}\n");
  writeFile(dir / "base/middle.yaml", "extends: root.yaml\nexecutor_cores: 4\n");
  writeFile(dir / "child.yaml",
            "executor_memory: 2g\nextends: base/middle.yaml\nsteps:\n  agg: {partitions: 64}\n  join: {broadcast: false}\n");
  Profile profile = loadProfile(dir / "child.yaml");
  CHECK(profile.executors == 8);                          // from root
  CHECK(profile.executorCores == 4);                      // from middle
  CHECK(profile.executorMemoryBytes == int64_t{2} << 30);  // the child overrides root, wherever extends sits
  CHECK(profile.shufflePartitions == 200);                // the default
  CHECK(profile.steps.at("agg").partitions == 64);
  CHECK(profile.steps.at("agg").broadcast == true);  // merged per key within a step
  CHECK(profile.steps.at("join").broadcast == false);
  CHECK(profile.origin("executors") == (dir / "base/root.yaml").string() + ":1:12");
  CHECK(profile.origin("executor_memory") == (dir / "child.yaml").string() + ":1:18");
  REQUIRE(profile.files.size() == 3);
  CHECK(profile.files[0] == dir / "child.yaml");
  CHECK(profile.files[2] == dir / "base/root.yaml");
}

TEST_CASE("an extends cycle is an error where the cycle closes", "[core][profile]") {
  TempDir dir;
  writeFile(dir / "a.yaml", "extends: b.yaml\nexecutors: 2\n");
  writeFile(dir / "b.yaml", "executors: 3\nextends: a.yaml\n");
  UserError error = loadError(dir / "a.yaml", "extends: b.yaml\nexecutors: 2\n");
  CHECK(std::string(error.what()) == (dir / "b.yaml").string() + ":2:10: extends cycle: a.yaml -> b.yaml -> a.yaml");
  CHECK(error.hint().find("remove one of these extends") != std::string::npos);

  UserError self = loadError(dir / "self.yaml", "extends: ./self.yaml\n");
  CHECK(std::string(self.what()).find("extends cycle: self.yaml -> self.yaml") != std::string::npos);
}

TEST_CASE("a missing extended file is an error at the extends line", "[core][profile]") {
  TempDir dir;
  UserError error = loadError(dir / "child.yaml", "executors: 2\nextends: nowhere.yaml\n");
  CHECK(error.location().file == (dir / "child.yaml").string());
  CHECK(error.location().line == 2);
  CHECK(error.location().column == 10);
  CHECK(std::string(error.what()).find("no such file (looked for " + (dir / "nowhere.yaml").string() + ")") !=
        std::string::npos);
  CHECK(error.hint() == "a path in extends is relative to the file that names it");

  UserError list = loadError(dir / "list.yaml", "extends: [a.yaml, b.yaml]\n");
  CHECK(std::string(list.what()).find("extends must name one profile file, not a list") != std::string::npos);

  // Problems inside the parent are reported at the parent's own lines.
  writeFile(dir / "bad-parent.yaml", "executors: -3\n");
  UserError parent = loadError(dir / "good-child.yaml", "extends: bad-parent.yaml\n");
  CHECK(std::string(parent.what()).find("bad-parent.yaml:1:12: bad value for executors") != std::string::npos);
}

TEST_CASE("a missing profile file is an error naming it", "[core][profile]") {
  TempDir dir;
  try {
    loadProfile(dir / "absent.yaml");
    FAIL("no error");
  } catch (const UserError& error) {
    CHECK(std::string(error.what()) == (dir / "absent.yaml").string() + ": no such file");
  }
}

TEST_CASE("a --set override changes a profile key, its Spark property or a step's override", "[core][profile]") {
  Profile profile;
  applyOverride(profile, "executor_memory=2g");
  CHECK(profile.executorMemoryBytes == int64_t{2} << 30);
  CHECK(profile.origin("executor_memory") == "--set");
  applyOverride(profile, "spark.sql.shuffle.partitions=64");
  CHECK(profile.shufflePartitions == 64);
  applyOverride(profile, "speculation=true");
  CHECK(profile.speculation);
  applyOverride(profile, "memory_fraction= 0.5");
  CHECK(profile.memoryFraction == 0.5);
  applyOverride(profile, "steps.aggregate.by.user.partitions=12");  // step names may hold dots
  CHECK(profile.steps.at("aggregate.by.user").partitions == 12);
  applyOverride(profile, "steps.agg.salting.buckets=8");
  applyOverride(profile, "steps.agg.salting.keys=c42, c7");
  CHECK(profile.steps.at("agg").salting == SaltingOverride{8, {"c42", "c7"}});
  applyOverride(profile, "steps.join.broadcast=true");
  CHECK(profile.steps.at("join").broadcast == true);

  auto errorOf = [&profile](const std::string& assignment) {
    try {
      applyOverride(profile, assignment);
    } catch (const UserError& error) {
      return error;
    }
    FAIL("no error for " << assignment);
    throw std::logic_error("unreachable");
  };
  UserError noEquals = errorOf("executors");
  CHECK(std::string(noEquals.what()) == "--set: expected KEY=VALUE, got 'executors'");
  UserError typo = errorOf("executor_memroy=2g");
  CHECK(std::string(typo.what()) == "--set: unknown profile key 'executor_memroy'");
  CHECK(typo.hint() == "did you mean 'executor_memory'?");
  UserError badValue = errorOf("executors=0");
  CHECK(std::string(badValue.what()) == "--set: bad value for executors: '0' must be at least 1");
  UserError badUnit = errorOf("executor_memory=2q");
  CHECK(std::string(badUnit.what()) == "--set: bad value for executor_memory: '2q' is not a size");
  UserError badStep = errorOf("steps.agg.partitons=3");
  CHECK(std::string(badStep.what()) == "--set: unknown step override 'steps.agg.partitons'");
  UserError keysFirst = errorOf("steps.other.salting.keys=a");
  CHECK(keysFirst.hint() == "set steps.other.salting.buckets first");
  CHECK(profile.executors == Profile().executors);  // failed overrides change nothing
}

TEST_CASE("a faults section is read into a fault plan", "[core][profile]") {
  TempDir dir;
  writeFile(dir / "chaos.yaml",
            "faults:\n"
            "  seed: 7\n"
            "  kill_executors: 2\n"
            "  kill_executor: [{stage: 1, partition: 0, attempt: 1, after: 50ms}]\n"
            "  hang_executor: [{stage: 2, partition: 3}]\n"
            "  fail_task: [{stage: 0, partition: 4}]\n"
            "  hang_task: [{stage: 0, partition: 5, attempt: 2}]\n"
            "  slow_task: [{stage: 1, partition: 6, delay: 2s}]\n");
  Profile profile = loadProfile(dir / "chaos.yaml");
  const FaultPlan& faults = profile.faults;
  CHECK(faults.seed == 7);
  CHECK(faults.randomExecutorKills == 2);
  REQUIRE(faults.killExecutor.size() == 1);
  CHECK(faults.killExecutor[0].task == TaskSelector{1, 0, 1});
  CHECK(faults.killExecutor[0].afterMs == 50);
  CHECK(faults.hangExecutor.at(0).task == TaskSelector{2, 3, 0});
  CHECK(faults.failTask.at(0).task == TaskSelector{0, 4, 0});
  CHECK(faults.hangTask.at(0).task == TaskSelector{0, 5, 2});
  CHECK(faults.slowTask.at(0).delayMs == 2000);
  CHECK_FALSE(faults.empty());
  CHECK(Profile().faults.empty());
  CHECK_FALSE(profile.sameSettings(Profile()));
}

TEST_CASE("a bad faults section is an error at the entry, naming what to write", "[core][profile]") {
  TempDir dir;
  UserError unknown = loadError(dir / "a.yaml", "faults:\n  kill_executor: [{stage: 1, partition: 0, delay: 1s}]\n");
  CHECK(unknown.location().line == 2);
  CHECK(std::string(unknown.what()).find("unknown key 'delay' in faults.kill_executor") != std::string::npos);
  UserError missing = loadError(dir / "b.yaml", "faults:\n  fail_task: [{partition: 0}]\n");
  CHECK(std::string(missing.what()).find("need a stage and a partition") != std::string::npos);
  UserError notList = loadError(dir / "c.yaml", "faults:\n  slow_task: {stage: 1}\n");
  CHECK(std::string(notList.what()).find("expected a list") != std::string::npos);
  UserError typo = loadError(dir / "d.yaml", "faults:\n  kil_executors: 2\n");
  CHECK(typo.hint().find("kill_executors") != std::string::npos);
}

TEST_CASE("the executor replacement limit follows Spark's rule unless set", "[core][profile]") {
  Profile profile;
  profile.executors = 1;
  CHECK(profile.executorReplacementLimit() == 3);
  profile.executors = 5;
  CHECK(profile.executorReplacementLimit() == 10);
  profile.maxExecutorFailures = 1;
  CHECK(profile.executorReplacementLimit() == 1);
}

TEST_CASE("faults can delete or damage map outputs", "[core][profile]") {
  TempDir dir;
  writeFile(dir / "shuffle.yaml",
            "faults:\n  lose_map_output: [{stage: 0, partition: 2}]\n  corrupt_map_output: [{stage: 1, partition: 0}]\n");
  Profile profile = loadProfile(dir / "shuffle.yaml");
  CHECK(profile.faults.loseMapOutput.at(0).task == TaskSelector{0, 2, 0});
  CHECK(profile.faults.corruptMapOutput.at(0).task == TaskSelector{1, 0, 0});
}

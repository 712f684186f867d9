#include <catch2/catch.hpp>

#include <set>

#include "core/profile.h"
#include "core/settings_catalog.h"
#include "core/units.h"

using namespace jobtuner::core;

TEST_CASE("every profile setting has a unique name, a default inside its range and a profile member",
          "[core][catalog]") {
  std::set<std::string_view> names;
  std::set<std::string_view> sparkKeys;
  Profile defaults;
  for (const ProfileSetting& setting : profileSettings()) {
    INFO(setting.name);
    CHECK(names.insert(setting.name).second);
    CHECK(!setting.description.empty());
    ParsedSetting parsed = parseSettingValue(setting, setting.defaultValue);
    CHECK(parsed.problem.empty());
    REQUIRE(parsed.value);
    CHECK(defaults.value(setting.name) == *parsed.value);
    // The default written back reads as the same text, so default.yaml and help agree.
    CHECK(formatSettingValue(setting.type, *parsed.value) == setting.defaultValue);
    if (!setting.sparkKey.empty()) {
      CHECK(sparkKeys.insert(setting.sparkKey).second);
      CHECK(setting.sparkKey.starts_with("spark."));
      CHECK(!setting.sparkVersion.empty());
      CHECK(findProfileSettingBySparkKey(setting.sparkKey) == &setting);
    }
  }
  for (const char* required : {"executors", "executor_cores", "executor_memory", "memory_overhead", "memory_fraction",
                               "shuffle_partitions", "broadcast_threshold", "max_partition_bytes",
                               "task_max_failures", "speculation"}) {
    CHECK(findProfileSetting(required) != nullptr);
  }
}

TEST_CASE("profile keys map to the Spark properties they stand for", "[core][catalog]") {
  CHECK(findProfileSetting("executors")->sparkKey == "spark.executor.instances");
  CHECK(findProfileSetting("executor_cores")->sparkKey == "spark.executor.cores");
  CHECK(findProfileSetting("executor_memory")->sparkKey == "spark.executor.memory");
  CHECK(findProfileSetting("memory_overhead")->sparkKey == "spark.executor.memoryOverhead");
  CHECK(findProfileSetting("memory_fraction")->sparkKey == "spark.memory.fraction");
  CHECK(findProfileSetting("shuffle_partitions")->sparkKey == "spark.sql.shuffle.partitions");
  CHECK(findProfileSetting("broadcast_threshold")->sparkKey == "spark.sql.autoBroadcastJoinThreshold");
  CHECK(findProfileSetting("max_partition_bytes")->sparkKey == "spark.sql.files.maxPartitionBytes");
  CHECK(findProfileSetting("task_max_failures")->sparkKey == "spark.task.maxFailures");
  CHECK(findProfileSetting("speculation")->sparkKey == "spark.speculation");
  CHECK(findProfileSettingBySparkKey("spark.executor.memory")->name == "executor_memory");
  CHECK(findProfileSettingBySparkKey("spark.nothing") == nullptr);
  CHECK(findProfileSetting("executor_memroy") == nullptr);
  // Spark's own defaults, where jobtuner keeps them.
  CHECK(findProfileSetting("memory_fraction")->defaultValue == "0.6");
  CHECK(findProfileSetting("shuffle_partitions")->defaultValue == "200");
  CHECK(findProfileSetting("broadcast_threshold")->defaultValue == "10m");
  CHECK(findProfileSetting("max_partition_bytes")->defaultValue == "128m");
  CHECK(findProfileSetting("task_max_failures")->defaultValue == "4");
  CHECK(findProfileSetting("executor_memory")->sparkVersion == "0.7.0");
}

TEST_CASE("the Spark-only keys jobtuner reads or writes carry the version that documents them", "[core][catalog]") {
  std::set<std::string_view> keys;
  for (const SparkSetting& setting : sparkOnlySettings()) {
    INFO(setting.key);
    CHECK(keys.insert(setting.key).second);
    CHECK(setting.key.starts_with("spark."));
    CHECK(!setting.description.empty());
    CHECK(findProfileSettingBySparkKey(setting.key) == nullptr);  // listed once, not twice
    // jobtuner's own properties are documented by no Spark version.
    if (!setting.key.starts_with("spark.jobtuner.")) CHECK(!setting.sinceVersion.empty());
  }
  for (const char* required :
       {"spark.sql.adaptive.enabled", "spark.sql.adaptive.coalescePartitions.enabled",
        "spark.sql.adaptive.skewJoin.enabled", "spark.eventLog.enabled", "spark.eventLog.dir",
        "spark.eventLog.compress", "spark.eventLog.compression.codec", "spark.eventLog.rolling.enabled",
        "spark.jobtuner.job", "spark.jobtuner.runtime"}) {
    CHECK(findSparkSetting(required) != nullptr);
  }
  CHECK(findSparkSetting("spark.sql.adaptive.enabled")->sinceVersion == "1.6.0");
  CHECK(findSparkSetting("spark.eventLog.rolling.enabled")->sinceVersion == "3.0.0");
  CHECK(findSparkSetting("spark.jobtuner.job")->sinceVersion.empty());
}

TEST_CASE("profile and step key names serve did-you-mean", "[core][catalog]") {
  std::vector<std::string> names = profileKeyNames();
  CHECK(std::find(names.begin(), names.end(), "extends") != names.end());
  CHECK(std::find(names.begin(), names.end(), "steps") != names.end());
  CHECK(std::find(names.begin(), names.end(), "executor_memory") != names.end());
  CHECK(stepKeyNames() == std::vector<std::string>{"partitions", "salting", "broadcast"});
  CHECK(findStepSetting("salting.buckets")->type == SettingType::kCount);
  CHECK(describeProfileSettings().find("executor_memory") != std::string::npos);
  CHECK(describeProfileSettings().find("spark.executor.memory") != std::string::npos);
}

TEST_CASE("setting values are read by type, with units and ranges", "[core][catalog]") {
  const ProfileSetting& memory = *findProfileSetting("executor_memory");
  CHECK(parseSettingValue(memory, "512m").value == SettingValue{int64_t{512} << 20});
  CHECK(parseSettingValue(memory, "2g").value == SettingValue{int64_t{2} << 30});
  CHECK(parseSettingValue(memory, "1.5GB").value == SettingValue{int64_t{3} << 29});
  CHECK(parseSettingValue(memory, "64 MiB").value == SettingValue{int64_t{64} << 20});

  ParsedSetting badUnit = parseSettingValue(memory, "2x");
  CHECK(!badUnit.value);
  CHECK(badUnit.problem == "is not a size");
  CHECK(badUnit.hint.find("512m") != std::string::npos);

  ParsedSetting bare = parseSettingValue(memory, "4096");
  CHECK(!bare.value);
  CHECK(bare.problem == "must be at least 16m");
  CHECK(bare.hint.find("write 4096m") != std::string::npos);

  const ProfileSetting& executors = *findProfileSetting("executors");
  CHECK(parseSettingValue(executors, "4").value == SettingValue{int64_t{4}});
  CHECK(parseSettingValue(executors, "0").problem == "must be at least 1");
  CHECK(parseSettingValue(executors, "4.5").problem == "is not a whole number");
  CHECK(parseSettingValue(executors, "four").problem == "is not a whole number");

  const ProfileSetting& fraction = *findProfileSetting("memory_fraction");
  CHECK(parseSettingValue(fraction, "0.75").value == SettingValue{0.75});
  CHECK(parseSettingValue(fraction, "1").problem == "must be less than 1");
  CHECK(parseSettingValue(fraction, "0").problem == "must be more than 0");
  CHECK(parseSettingValue(fraction, "nan").problem == "is not a number");
  CHECK(parseSettingValue(fraction, "0").hint == "allowed: (0, 1)");

  const ProfileSetting& speculation = *findProfileSetting("speculation");
  CHECK(parseSettingValue(speculation, "true").value == SettingValue{true});
  CHECK(parseSettingValue(speculation, "False").value == SettingValue{false});
  CHECK(parseSettingValue(speculation, "maybe").problem == "is neither true nor false");

  const ProfileSetting& runtime = *findProfileSetting("speculation_min_runtime");
  CHECK(parseSettingValue(runtime, "2s").value == SettingValue{int64_t{2000}});
  CHECK(parseSettingValue(runtime, "5min").value == SettingValue{int64_t{300000}});
  CHECK(parseSettingValue(runtime, "5 parsecs").problem == "is not a duration");

  const ProfileSetting& broadcast = *findProfileSetting("broadcast_threshold");
  CHECK(parseSettingValue(broadcast, "-1").value == SettingValue{int64_t{-1}});
  CHECK(parseSettingValue(broadcast, "-2").problem == "must be at least -1");
}

TEST_CASE("values print in the notation profiles and Spark read back", "[core][catalog]") {
  CHECK(formatSettingValue(SettingType::kBytes, int64_t{1} << 30) == "1g");
  CHECK(formatSettingValue(SettingType::kBytes, int64_t{384} << 20) == "384m");
  CHECK(formatSettingValue(SettingType::kBytes, int64_t{1536} << 20) == "1536m");
  CHECK(formatSettingValue(SettingType::kDuration, int64_t{100}) == "100ms");
  CHECK(formatSettingValue(SettingType::kDuration, int64_t{90000}) == "90s");
  CHECK(formatSettingValue(SettingType::kFraction, 0.6) == "0.6");
  CHECK(formatSettingValue(SettingType::kStringList, std::vector<std::string>{"a", "b"}) == "a,b");
  CHECK(formatSparkValue(SettingType::kDuration, int64_t{90000}) == "90000ms");
  CHECK(formatSparkValue(SettingType::kBool, true) == "true");
}

TEST_CASE("sizes and durations parse as Spark writes them", "[core][catalog][units]") {
  CHECK(parseBytes("0") == 0);
  CHECK(parseBytes("100") == 100);
  CHECK(parseBytes("100b") == 100);
  CHECK(parseBytes("1k") == 1024);
  CHECK(parseBytes("1kb") == 1024);
  CHECK(parseBytes("1KiB") == 1024);
  CHECK(parseBytes("512m") == int64_t{512} << 20);
  CHECK(parseBytes("2G") == int64_t{2} << 30);
  CHECK(parseBytes("1.5GB") == int64_t{3} << 29);
  CHECK(parseBytes("1t") == int64_t{1} << 40);
  CHECK(parseBytes("1p") == int64_t{1} << 50);
  CHECK(parseBytes("-1") == -1);
  CHECK_FALSE(parseBytes(""));
  CHECK_FALSE(parseBytes("m"));
  CHECK_FALSE(parseBytes("2x"));
  CHECK_FALSE(parseBytes("2 gigs"));
  CHECK_FALSE(parseBytes("1.5"));     // half bytes
  CHECK_FALSE(parseBytes("1bb"));
  CHECK_FALSE(parseBytes("9999999p"));  // beyond 64 bits
  CHECK_FALSE(parseBytes("99999999999999999999"));

  CHECK(parseDurationMs("250") == 250);
  CHECK(parseDurationMs("250ms") == 250);
  CHECK(parseDurationMs("30s") == 30000);
  CHECK(parseDurationMs("1.5s") == 1500);
  CHECK(parseDurationMs("10m") == 600000);
  CHECK(parseDurationMs("10min") == 600000);
  CHECK(parseDurationMs("2h") == 7200000);
  CHECK(parseDurationMs("1d") == 86400000);
  CHECK(parseDurationMs("1500us") == 1);
  CHECK_FALSE(parseDurationMs("-1s"));
  CHECK_FALSE(parseDurationMs("1w"));
  CHECK_FALSE(parseDurationMs("s"));

  CHECK(formatSparkBytes(int64_t{1} << 30) == "1g");
  CHECK(formatSparkBytes(int64_t{3} << 29) == "1536m");
  CHECK(formatSparkBytes(1000) == "1000b");
  CHECK(formatSparkBytes(0) == "0b");
  CHECK(formatSparkBytes(-1) == "-1");
}

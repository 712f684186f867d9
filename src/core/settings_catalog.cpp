#include "core/settings_catalog.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "core/units.h"

namespace jobtuner::core {

namespace {

constexpr double kUnbounded = std::numeric_limits<double>::infinity();
constexpr double kKiB = 1024.0;
constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kTiB = 1024.0 * 1024.0 * 1024.0 * 1024.0;

// Spark facts (key, default, the version in `.version(...)` of Spark's ConfigBuilder, which the
// configuration page prints as "Since Version") were checked against Spark's own sources:
// core/src/main/scala/org/apache/spark/internal/config/package.scala and SQLConf.scala.
constexpr std::array kProfileSettings{
    ProfileSetting{"executors", SettingType::kCount, "2", {1, 1024},
                   "Executor processes started for a run.", "spark.executor.instances", "1.0.0"},
    ProfileSetting{"executor_cores", SettingType::kCount, "1", {1, 256},
                   "Task slots of each executor: how many tasks it runs at once.", "spark.executor.cores",
                   "1.0.0"},
    ProfileSetting{"executor_memory", SettingType::kBytes, "1g", {16 * kMiB, 16 * kTiB},
                   "Memory of each executor for its tasks' execution and storage (the heap, in Spark).",
                   "spark.executor.memory", "0.7.0"},
    ProfileSetting{"memory_overhead", SettingType::kBytes, "384m", {0, 16 * kTiB},
                   "Memory each executor may use beyond executor_memory (buffers, native allocations); an "
                   "executor above executor_memory + memory_overhead is killed. Spark's default is the larger "
                   "of 384m and 10% of executor memory.",
                   "spark.executor.memoryOverhead", "2.3.0"},
    ProfileSetting{"memory_fraction", SettingType::kFraction, "0.6", {0, 1, true, true},
                   "Share of executor_memory (in Spark, of the heap less 300 MB) that execution and storage "
                   "share; lower means earlier spills.",
                   "spark.memory.fraction", "1.6.0"},
    ProfileSetting{"storage_fraction", SettingType::kFraction, "0.5", {0, 1, true, true},
                   "Share of the memory_fraction region where cached data (broadcast tables) is safe from "
                   "eviction; execution may take the rest of storage's memory back.",
                   "spark.memory.storageFraction", "1.6.0"},
    ProfileSetting{"max_executor_failures", SettingType::kCount, "0", {0, 100000},
                   "Executors the driver replaces after they are lost before it stops replacing them; 0 means "
                   "Spark's rule: twice the executors, at least 3.",
                   "spark.executor.maxNumFailures", "3.5.0"},
    ProfileSetting{"heartbeat_interval", SettingType::kDuration, "10s", {10, 3600 * 1000.0},
                   "How often each executor tells the driver it is alive.", "spark.executor.heartbeatInterval",
                   "1.1.0"},
    ProfileSetting{"network_timeout", SettingType::kDuration, "2min", {100, 24 * 3600 * 1000.0},
                   "An executor silent this long (no heartbeat, no result) is declared lost and killed.",
                   "spark.network.timeout", "1.3.0"},
    ProfileSetting{"shuffle_partitions", SettingType::kCount, "200", {1, 100000},
                   "Partitions of each shuffle, unless a step's override sets its own.",
                   "spark.sql.shuffle.partitions", "1.1.0"},
    ProfileSetting{"broadcast_threshold", SettingType::kBytes, "10m", {-1, 16 * kTiB},
                   "A join side smaller than this is sent whole to every task instead of shuffled; -1 turns "
                   "broadcast joins off.",
                   "spark.sql.autoBroadcastJoinThreshold", "1.1.0"},
    ProfileSetting{"max_partition_bytes", SettingType::kBytes, "128m", {kKiB, 16 * kTiB},
                   "Most input bytes one task reads: input files are split into partitions of this size.",
                   "spark.sql.files.maxPartitionBytes", "2.0.0"},
    ProfileSetting{"task_max_failures", SettingType::kCount, "4", {1, 100},
                   "Failed attempts of one task after which the job fails.", "spark.task.maxFailures", "0.8.0"},
    ProfileSetting{"speculation", SettingType::kBool, "false", {0, 0},
                   "Start a second attempt of a task that runs far longer than its finished siblings.",
                   "spark.speculation", "0.6.0"},
    ProfileSetting{"speculation_multiplier", SettingType::kNumber, "3", {1, 1000},
                   "How many times the median duration of its finished siblings a task must run before it is "
                   "speculated (Spark 4 default; 1.5 before).",
                   "spark.speculation.multiplier", "0.6.0"},
    ProfileSetting{"speculation_quantile", SettingType::kFraction, "0.9", {0, 1, true, false},
                   "Share of a stage's tasks that must have finished before speculation starts (Spark 4 "
                   "default; 0.75 before).",
                   "spark.speculation.quantile", "0.6.0"},
    ProfileSetting{"speculation_min_runtime", SettingType::kDuration, "100ms", {0, 24 * 3600 * 1000.0},
                   "Shortest run time of a task before it may be speculated.", "spark.speculation.minTaskRuntime",
                   "3.2.0"},
};

constexpr std::array kStructureKeys{
    ProfileStructureKey{"extends", "Another profile this one is layered on, as a path relative to this file; "
                                   "keys set here override it."},
    ProfileStructureKey{"steps", "Overrides for single steps, keyed by the step's stable name (as `jobtuner "
                                 "run` and findings print it)."},
    ProfileStructureKey{"faults", "Faults to inject, for tests and demos: kill_executors (a count, at random "
                                  "moments), kill_executor, hang_executor, fail_task, hang_task, slow_task, lose_map_output, "
                                  "corrupt_map_output (lists of {stage, partition, attempt, after|delay}) and the seed "
                                  "of the random choices."},
};

constexpr std::array kStepSettings{
    StepSetting{"partitions", SettingType::kCount, {1, 100000},
                "Partitions of this step's shuffle, instead of shuffle_partitions.",
                "repartition(n) before the step"},
    StepSetting{"salting", SettingType::kMap, {0, 0},
                "Spread hot keys over several tasks: a random salt in [0, buckets) joins the key, a partial "
                "aggregate runs on (key, salt), then the final one on the key; a join replicates the other "
                "side's rows once per salt.",
                "a salt column added by hand, or AQE's skew join (spark.sql.adaptive.skewJoin.enabled)"},
    StepSetting{"salting.buckets", SettingType::kCount, {2, 10000}, "Salts per hot key.",
                "the range of the hand-made salt column"},
    StepSetting{"salting.keys", SettingType::kStringList, {0, 0},
                "The hot keys to salt; absent or empty salts every key.", "the keys the salt column is added to"},
    StepSetting{"broadcast", SettingType::kBool, {0, 0},
                "For a join: send the smaller side to every task whatever its size (true), or never (false).",
                "the broadcast() function or the BROADCAST join hint"},
};

constexpr std::array kSparkSettings{
    SparkSetting{"spark.sql.adaptive.enabled", SettingType::kBool, "true", "1.6.0", SparkKeyUse::kReadAndWritten,
                 "Adaptive query execution: Spark re-plans at stage boundaries from runtime statistics. On by "
                 "default since Spark 3.2.0. Findings about partitions and skew depend on it."},
    SparkSetting{"spark.sql.adaptive.coalescePartitions.enabled", SettingType::kBool, "true", "3.0.0",
                 SparkKeyUse::kReadAndWritten,
                 "With AQE, contiguous small shuffle partitions are merged toward the advisory size."},
    SparkSetting{"spark.sql.adaptive.skewJoin.enabled", SettingType::kBool, "true", "3.0.0",
                 SparkKeyUse::kReadAndWritten,
                 "With AQE, skewed partitions of a shuffled join are split (and the other side replicated)."},
    SparkSetting{"spark.sql.adaptive.skewJoin.skewedPartitionFactor", SettingType::kNumber, "5", "3.0.0",
                 SparkKeyUse::kReadAndWritten,
                 "With AQE, a join partition is skewed when it is this many times the median partition and above the "
                 "threshold below. The advisor lowers it to catch the skew it measured."},
    SparkSetting{"spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", SettingType::kBytes, "256m", "3.0.0",
                 SparkKeyUse::kReadAndWritten, "With AQE, the least size of a join partition that counts as skewed."},
    SparkSetting{"spark.serializer", SettingType::kString, "org.apache.spark.serializer.JavaSerializer", "0.5.0",
                 SparkKeyUse::kReadAndWritten,
                 "The serializer of shuffled and cached data; org.apache.spark.serializer.KryoSerializer is faster and "
                 "more compact."},
    SparkSetting{"spark.dynamicAllocation.shuffleTracking.enabled", SettingType::kBool, "false", "3.0.0",
                 SparkKeyUse::kReadAndWritten,
                 "Dynamic allocation keeps executors that hold shuffle data, so it works without the external shuffle "
                 "service (the default became true in Spark 3.4)."},
    SparkSetting{"spark.sql.adaptive.advisoryPartitionSizeInBytes", SettingType::kBytes, "64m", "3.0.0",
                 SparkKeyUse::kRead, "The shuffle partition size AQE coalesces toward and splits skew at."},
    SparkSetting{"spark.eventLog.enabled", SettingType::kBool, "false", "1.0.0", SparkKeyUse::kReadAndWritten,
                 "Whether Spark writes an event log; jobtuner needs one to see a Spark run."},
    SparkSetting{"spark.eventLog.dir", SettingType::kString, "/tmp/spark-events", "1.0.0",
                 SparkKeyUse::kReadAndWritten, "Where Spark writes event logs."},
    SparkSetting{"spark.eventLog.compress", SettingType::kBool, "true", "1.0.0", SparkKeyUse::kReadAndWritten,
                 "Whether event logs are compressed; the default is true since Spark 4.0 (false before)."},
    SparkSetting{"spark.eventLog.compression.codec", SettingType::kString, "zstd", "3.0.0",
                 SparkKeyUse::kReadAndWritten,
                 "Codec of compressed event logs: lz4, lzf, snappy or zstd. zstd by default since Spark 4.0; "
                 "before, spark.io.compression.codec (lz4)."},
    SparkSetting{"spark.eventLog.rolling.enabled", SettingType::kBool, "true", "3.0.0", SparkKeyUse::kRead,
                 "Whether event logs roll over into several files (an eventlog_v2_* folder); the default is "
                 "true since Spark 4.0 (false before)."},
    SparkSetting{"spark.eventLog.rolling.maxFileSize", SettingType::kBytes, "128m", "3.0.0", SparkKeyUse::kRead,
                 "Size at which a rolling event log starts its next file."},
    SparkSetting{"spark.redaction.regex", SettingType::kString, "(?i)secret|password|token|access[.]key", "2.1.2",
                 SparkKeyUse::kRead,
                 "Properties whose key or value matches are redacted; ingest redacts them as the History Server "
                 "shows them."},
    SparkSetting{"spark.jobtuner.job", SettingType::kString, "", "", SparkKeyUse::kReadAndWritten,
                 "jobtuner's own property, not Spark's: the job key that ties runs of one job together. Without "
                 "it the key is the app name with dates, times, UUIDs and long numbers normalized away."},
    SparkSetting{"spark.jobtuner.runtime", SettingType::kBool, "false", "", SparkKeyUse::kReadAndWritten,
                 "jobtuner's own property, not Spark's: true in event logs jobtuner's bundled runtime wrote, so "
                 "the store records the app's source as the runtime."},
};

std::string lowered(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string formatDuration(int64_t milliseconds) {
  if (milliseconds != 0 && milliseconds % (3600 * 1000) == 0) return fmt::format("{}h", milliseconds / 3600000);
  if (milliseconds != 0 && milliseconds % (60 * 1000) == 0) return fmt::format("{}min", milliseconds / 60000);
  if (milliseconds != 0 && milliseconds % 1000 == 0) return fmt::format("{}s", milliseconds / 1000);
  return fmt::format("{}ms", milliseconds);
}

/// A range bound as the user writes values of the type (16m rather than 16777216).
std::string formatBound(SettingType type, double bound) {
  if (type == SettingType::kCount || type == SettingType::kBytes || type == SettingType::kDuration) {
    return formatSettingValue(type, SettingValue{static_cast<int64_t>(bound)});
  }
  return fmt::format("{}", bound);
}

/// Why `value` is outside `range`, or "" when it is inside.
std::string rangeProblem(SettingType type, const SettingRange& range, double value) {
  bool belowMinimum = range.minimumExclusive ? value <= range.minimum : value < range.minimum;
  if (belowMinimum) {
    return fmt::format("must be {} {}", range.minimumExclusive ? "more than" : "at least",
                       formatBound(type, range.minimum));
  }
  bool aboveMaximum = range.maximumExclusive ? value >= range.maximum : value > range.maximum;
  if (aboveMaximum) {
    return fmt::format("must be {} {}", range.maximumExclusive ? "less than" : "at most",
                       formatBound(type, range.maximum));
  }
  return {};
}

std::string rangeHint(const SettingRange& range, SettingType type) {
  std::string low = formatBound(type, range.minimum);
  std::string high = formatBound(type, range.maximum);
  if (range.maximum == kUnbounded) return fmt::format("allowed: {} {}", range.minimumExclusive ? ">" : ">=", low);
  return fmt::format("allowed: {}{}, {}{}", range.minimumExclusive ? "(" : "[", low, high,
                     range.maximumExclusive ? ")" : "]");
}

bool isBareNumber(std::string_view text) {
  text = trimmed(text);
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string_view settingTypeName(SettingType type) {
  switch (type) {
    case SettingType::kCount: return "count";
    case SettingType::kBytes: return "bytes";
    case SettingType::kFraction: return "fraction";
    case SettingType::kNumber: return "number";
    case SettingType::kBool: return "bool";
    case SettingType::kDuration: return "duration";
    case SettingType::kString: return "string";
    case SettingType::kStringList: return "list of strings";
    case SettingType::kMap: return "map";
  }
  return "?";
}

std::string_view settingTypeExample(SettingType type) {
  switch (type) {
    case SettingType::kCount: return "a whole number such as 4 or 200";
    case SettingType::kBytes: return "a size such as 512m, 2g or 1.5GB (powers of 1024)";
    case SettingType::kFraction: return "a number between 0 and 1 such as 0.6";
    case SettingType::kNumber: return "a number such as 1.5";
    case SettingType::kBool: return "true or false";
    case SettingType::kDuration: return "a duration such as 100ms, 30s or 5min";
    case SettingType::kString: return "text";
    case SettingType::kStringList: return "a list such as [a, b]";
    case SettingType::kMap: return "a map of keys";
  }
  return "?";
}

std::span<const ProfileSetting> profileSettings() { return kProfileSettings; }
std::span<const ProfileStructureKey> profileStructureKeys() { return kStructureKeys; }
std::span<const StepSetting> stepSettings() { return kStepSettings; }
std::span<const SparkSetting> sparkOnlySettings() { return kSparkSettings; }

const ProfileSetting* findProfileSetting(std::string_view name) {
  for (const ProfileSetting& setting : kProfileSettings) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

const ProfileSetting* findProfileSettingBySparkKey(std::string_view sparkKey) {
  for (const ProfileSetting& setting : kProfileSettings) {
    if (!setting.sparkKey.empty() && setting.sparkKey == sparkKey) return &setting;
  }
  return nullptr;
}

const StepSetting* findStepSetting(std::string_view name) {
  for (const StepSetting& setting : kStepSettings) {
    if (setting.name == name) return &setting;
  }
  return nullptr;
}

const SparkSetting* findSparkSetting(std::string_view key) {
  for (const SparkSetting& setting : kSparkSettings) {
    if (setting.key == key) return &setting;
  }
  return nullptr;
}

std::vector<std::string> profileKeyNames() {
  std::vector<std::string> names;
  for (const ProfileSetting& setting : kProfileSettings) names.emplace_back(setting.name);
  for (const ProfileStructureKey& key : kStructureKeys) names.emplace_back(key.name);
  return names;
}

std::vector<std::string> stepKeyNames() {
  std::vector<std::string> names;
  for (const StepSetting& setting : kStepSettings) {
    if (setting.name.find('.') == std::string_view::npos) names.emplace_back(setting.name);
  }
  return names;
}

ParsedSetting parseSettingValue(SettingType type, const SettingRange& range, std::string_view text) {
  ParsedSetting result;
  std::string_view value = trimmed(text);
  auto fail = [&](std::string problem) {
    result.problem = std::move(problem);
    result.hint = fmt::format("write {}", settingTypeExample(type));
    return result;
  };
  auto checkRange = [&](double number) {
    result.problem = rangeProblem(type, range, number);
    if (!result.problem.empty()) {
      result.value.reset();
      result.hint = rangeHint(range, type);
    }
    return result;
  };
  switch (type) {
    case SettingType::kCount: {
      int64_t number = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (value.empty() || error != std::errc() || end != value.data() + value.size()) {
        return fail("is not a whole number");
      }
      result.value = number;
      return checkRange(static_cast<double>(number));
    }
    case SettingType::kBytes: {
      std::optional<int64_t> bytes = parseBytes(value);
      if (!bytes) return fail("is not a size");
      result.value = *bytes;
      checkRange(static_cast<double>(*bytes));
      // Spark reads a bare number as MiB for memory keys; here it is bytes, which is the likely
      // mistake behind a size that is too small.
      if (!result.problem.empty() && isBareNumber(value) && *bytes > 0) {
        result.hint += fmt::format("; a number without a unit is bytes: write {}m for {} MiB", *bytes, *bytes);
      }
      return result;
    }
    case SettingType::kFraction:
    case SettingType::kNumber: {
      double number = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (value.empty() || error != std::errc() || end != value.data() + value.size() || !std::isfinite(number)) {
        return fail("is not a number");
      }
      result.value = number;
      return checkRange(number);
    }
    case SettingType::kBool: {
      std::string word = lowered(value);
      if (word == "true") result.value = true;
      else if (word == "false") result.value = false;
      else return fail("is neither true nor false");
      return result;
    }
    case SettingType::kDuration: {
      std::optional<int64_t> milliseconds = parseDurationMs(value);
      if (!milliseconds) return fail("is not a duration");
      result.value = *milliseconds;
      return checkRange(static_cast<double>(*milliseconds));
    }
    case SettingType::kString:
      result.value = std::string(text);
      return result;
    case SettingType::kStringList: {
      // The text form of a list (as --set gives it) is comma-separated.
      std::vector<std::string> items;
      size_t start = 0;
      while (start <= text.size() && !text.empty()) {
        size_t comma = text.find(',', start);
        std::string_view item = trimmed(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
        if (!item.empty()) items.emplace_back(item);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
      result.value = std::move(items);
      return result;
    }
    case SettingType::kMap:
      return fail("is a single value");
  }
  return fail("has an unknown type");
}

ParsedSetting parseSettingValue(const ProfileSetting& setting, std::string_view text) {
  return parseSettingValue(setting.type, setting.range, text);
}

std::string formatSettingValue(SettingType type, const SettingValue& value) {
  if (const auto* number = std::get_if<int64_t>(&value)) {
    if (type == SettingType::kBytes) return formatSparkBytes(*number);
    if (type == SettingType::kDuration) return formatDuration(*number);
    return std::to_string(*number);
  }
  if (const auto* number = std::get_if<double>(&value)) return fmt::format("{}", *number);
  if (const auto* flag = std::get_if<bool>(&value)) return *flag ? "true" : "false";
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  std::string joined;
  for (const std::string& item : std::get<std::vector<std::string>>(value)) {
    joined += (joined.empty() ? "" : ",") + item;
  }
  return joined;
}

std::string formatSparkValue(SettingType type, const SettingValue& value) {
  // Spark reads a duration's bare number in each key's own unit, so the unit is always written;
  // "ms" is accepted by every time property.
  if (type == SettingType::kDuration) {
    if (const auto* milliseconds = std::get_if<int64_t>(&value)) return fmt::format("{}ms", *milliseconds);
  }
  return formatSettingValue(type, value);
}

std::string describeProfileSettings() {
  std::string text = "Profile keys (profiles/default.yaml holds the defaults):\n";
  for (const ProfileSetting& setting : kProfileSettings) {
    text += fmt::format("  {:<24} {:<9} default {:<6} {} (Spark {}: {})\n", setting.name,
                        settingTypeName(setting.type), setting.defaultValue, setting.description, setting.sparkVersion,
                        setting.sparkKey);
  }
  for (const ProfileStructureKey& key : kStructureKeys) {
    text += fmt::format("  {:<24} {}\n", key.name, key.description);
  }
  text += "Keys of one step's override (steps: {STEP: {...}}):\n";
  for (const StepSetting& setting : kStepSettings) {
    text += fmt::format("  {:<24} {:<9} {} (in Spark: {})\n", setting.name, settingTypeName(setting.type),
                        setting.description, setting.sparkEquivalent);
  }
  return text;
}

}  // namespace jobtuner::core

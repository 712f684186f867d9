#pragma once

// The one catalogue of settings: every key a profile may hold (type, default, range, description
// and the Spark property it stands for), the keys of a per-step override, and the Spark-only
// properties jobtuner reads or writes, each with the Spark version that documents it. Help text,
// profile validation, the event log's properties, the advisor and the Spark export all read it,
// so a key is added here once and nowhere else.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jobtuner::core {

/// What a setting's value is, which decides how its text is read and checked.
enum class SettingType {
  kCount,       // a whole number: 4, 200
  kBytes,       // a size with a unit: 512m, 2g, 1.5GB (powers of 1024; no unit means bytes)
  kFraction,    // a number between 0 and 1: 0.6
  kNumber,      // any decimal number: 1.5
  kBool,        // true or false
  kDuration,    // a time with a unit: 100ms, 30s, 5min (no unit means milliseconds)
  kString,      // free text
  kStringList,  // a YAML list of strings
  kMap,         // a YAML map of further keys
};

/// "count", "bytes", "fraction", "number", "bool", "duration", "string", "list of strings", "map".
std::string_view settingTypeName(SettingType type);

/// How a value of the type is written, for hints: "a size such as 512m, 2g or 1.5GB".
std::string_view settingTypeExample(SettingType type);

/// The allowed values of a numeric setting, in the type's unit (bytes, milliseconds, ...).
struct SettingRange {
  double minimum;
  double maximum;
  bool minimumExclusive = false;
  bool maximumExclusive = false;
};

/// A top-level key of a profile that sets one value.
struct ProfileSetting {
  std::string_view name;          // snake_case, as written in profiles
  SettingType type;
  std::string_view defaultValue;  // as written in profiles/default.yaml
  SettingRange range;             // ignored for bool and string types
  std::string_view description;
  std::string_view sparkKey;      // the Spark property it stands for; empty when none
  std::string_view sparkVersion;  // the Spark version whose configuration first documents sparkKey
};

/// A key of a profile that is structure, not a value: `extends`, `steps`.
struct ProfileStructureKey {
  std::string_view name;
  std::string_view description;
};

/// A key inside one step's override (`steps: {NAME: {partitions: 64}}`).
struct StepSetting {
  std::string_view name;  // "partitions", "broadcast", "salting", "salting.buckets", "salting.keys"
  SettingType type;
  SettingRange range;
  std::string_view description;
  std::string_view sparkEquivalent;  // what a Spark job does instead, in words
};

/// Whether jobtuner reads a Spark property (from event logs), writes it (event log, Spark
/// export), or both.
enum class SparkKeyUse { kRead, kWritten, kReadAndWritten };

/// A Spark property with no profile key of its own that jobtuner still reads or writes.
struct SparkSetting {
  std::string_view key;
  SettingType type;
  std::string_view sparkDefault;  // Spark's default in the version that introduced the key's
                                  // current meaning; changes are in the description
  std::string_view sinceVersion;  // the Spark version that documents it; empty for jobtuner's own
  SparkKeyUse use;
  std::string_view description;
};

/// A setting's value, typed: counts, bytes and milliseconds as int64_t, fractions and numbers as
/// double, bools, strings and lists of strings.
using SettingValue = std::variant<int64_t, double, bool, std::string, std::vector<std::string>>;

/// The outcome of reading a value's text: the value, or what is wrong and how to fix it.
struct ParsedSetting {
  std::optional<SettingValue> value;
  std::string problem;  // "is not a size", "must be at least 1"
  std::string hint;     // "write a size such as 512m, 2g or 1.5GB"
};

std::span<const ProfileSetting> profileSettings();
std::span<const ProfileStructureKey> profileStructureKeys();
std::span<const StepSetting> stepSettings();
std::span<const SparkSetting> sparkOnlySettings();

/// The profile setting named `name`, or nullptr.
const ProfileSetting* findProfileSetting(std::string_view name);
/// The profile setting that stands for Spark property `sparkKey`, or nullptr.
const ProfileSetting* findProfileSettingBySparkKey(std::string_view sparkKey);
/// The step setting named `name` ("partitions", "salting.buckets", ...), or nullptr.
const StepSetting* findStepSetting(std::string_view name);
/// The Spark-only property `key`, or nullptr.
const SparkSetting* findSparkSetting(std::string_view key);

/// Every top-level key a profile may hold (settings, then `extends` and `steps`), for "did you
/// mean" and for recognising a profile by its keys.
std::vector<std::string> profileKeyNames();
/// The keys of one step's override: partitions, salting, broadcast.
std::vector<std::string> stepKeyNames();

/// Reads `text` as a value of `type` and checks it against `range` (scalar types only).
ParsedSetting parseSettingValue(SettingType type, const SettingRange& range, std::string_view text);
/// Same, for a profile setting.
ParsedSetting parseSettingValue(const ProfileSetting& setting, std::string_view text);

/// A value in the notation profiles use (sizes as 512m, durations as 100ms), so that reading the
/// text back gives the same value.
std::string formatSettingValue(SettingType type, const SettingValue& value);
/// A value as Spark's configuration takes it for a property of this type.
std::string formatSparkValue(SettingType type, const SettingValue& value);

/// A plain-text table of the profile keys and step keys with their types, defaults and Spark
/// properties, for --help.
std::string describeProfileSettings();

}  // namespace jobtuner::core

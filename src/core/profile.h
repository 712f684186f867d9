#pragma once

// A profile: how to run a job (executors, memory, partitions, per-step overrides), read from a
// YAML file that may extend another. Every key comes from the settings catalogue
// (core/settings_catalog.h); every problem is a UserError that names the file, line and column.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "core/fault_plan.h"
#include "core/settings_catalog.h"

namespace jobtuner::core {

/// Salting of one step's shuffle: hot keys get a random salt in [0, buckets).
struct SaltingOverride {
  int64_t buckets = 0;
  std::vector<std::string> keys;  // empty: every key

  bool operator==(const SaltingOverride&) const = default;
};

/// What a profile changes for one step, keyed by the step's stable name; unset fields follow the
/// profile-wide settings.
struct StepOverride {
  std::optional<int64_t> partitions;
  std::optional<SaltingOverride> salting;
  std::optional<bool> broadcast;

  bool operator==(const StepOverride&) const = default;
};

/// The effective settings of a run, typed. Members start at the catalogue's defaults.
struct Profile {
  Profile();

  int64_t executors = 0;
  int64_t executorCores = 0;
  int64_t executorMemoryBytes = 0;
  int64_t memoryOverheadBytes = 0;
  double memoryFraction = 0;
  double storageFraction = 0;
  int64_t shufflePartitions = 0;
  int64_t broadcastThresholdBytes = 0;  // -1: no broadcast joins
  int64_t maxPartitionBytes = 0;
  int64_t taskMaxFailures = 0;
  bool speculation = false;
  double speculationMultiplier = 0;
  double speculationQuantile = 0;
  int64_t speculationMinRuntimeMs = 0;
  int64_t maxExecutorFailures = 0;
  int64_t heartbeatIntervalMs = 0;
  int64_t networkTimeoutMs = 0;
  std::map<std::string, StepOverride> steps;
  FaultPlan faults;

  /// Where each setting that is not a default came from: "file:line:col" or "--set".
  std::map<std::string, std::string, std::less<>> origins;
  /// The files read, the one named first and then each profile it extends.
  std::vector<std::filesystem::path> files;

  /// The value of catalogue setting `name` (throws std::out_of_range for a name not in it).
  SettingValue value(std::string_view name) const;
  /// Sets catalogue setting `name`; the value must have the setting's type.
  void set(std::string_view name, const SettingValue& value);
  /// Where setting `name` came from: "default", "--set" or "file:line:col".
  std::string origin(std::string_view name) const;
  /// The settings as Spark properties (spark.executor.memory=1g, ...), in catalogue order.
  std::vector<std::pair<std::string, std::string>> sparkProperties() const;
  /// Executors the driver may replace: max_executor_failures, or Spark's rule when it is 0.
  int64_t executorReplacementLimit() const;
  /// The step override for `step`, or nullptr.
  const StepOverride* stepOverride(std::string_view step) const;

  /// Compares the settings and step overrides, not where they came from.
  bool sameSettings(const Profile& other) const;
};

/// Several problems found in one file (or several files of an extends chain). The first one is
/// the UserError's own location and message; render() lists them all.
class ProfileErrors : public UserError {
 public:
  explicit ProfileErrors(std::vector<UserError> problems);
  const std::vector<UserError>& problems() const { return problems_; }

 private:
  std::vector<UserError> problems_;
};

/// Reads the profile at `path`, and the profiles it extends (child keys override the parent's).
/// Throws UserError (a ProfileErrors when there are several problems) for a missing or unreadable
/// file, a YAML syntax error, an unknown key (naming the nearest valid one), a value of the wrong
/// type or unit or out of range, an extends cycle or a missing extended file.
Profile loadProfile(const std::filesystem::path& path);

/// Applies "key=value" as given to --set: a profile key (executor_memory=2g), the Spark property
/// it stands for (spark.executor.memory=2g), or a step's override (steps.STEP.partitions=64,
/// steps.STEP.broadcast=true, steps.STEP.salting.buckets=8, steps.STEP.salting.keys=a,b). Throws
/// UserError located at "--set".
void applyOverride(Profile& profile, std::string_view assignment);

}  // namespace jobtuner::core

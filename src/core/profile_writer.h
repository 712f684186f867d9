#pragma once

// A profile as a YAML file, and a profile recovered from the Spark properties a run recorded.
// The advisor writes new profiles through here; the runtime's event log records the settings a
// run used as Spark properties (plus spark.jobtuner.steps.* for per-step overrides), which is
// how the advisor and `jobtuner runs` know the profile of a past run.

#include <map>
#include <string>
#include <vector>

#include "core/profile.h"

namespace jobtuner::core {

/// Every catalogue setting of `profile` in catalogue order, then its step overrides, as a complete
/// profile (no `extends`; fault injection is never written). `why` maps a setting's name (or
/// "steps.STEP.partitions", "steps.STEP.salting", "steps.STEP.broadcast") to the comment written
/// on its line; `header` opens the file as comment lines.
std::string profileYaml(const Profile& profile, const std::map<std::string, std::string>& why, const std::string& header);

/// The settings a run used, from its Spark properties: catalogue settings by their Spark key,
/// step overrides from spark.jobtuner.steps.STEP.{partitions,broadcast,salting.buckets,
/// salting.keys}. Properties it does not know are ignored; a value that does not read is left at
/// the default and named in `problems` (when given).
Profile profileFromSparkProperties(const std::map<std::string, std::string>& properties,
                                   std::vector<std::string>* problems = nullptr);

/// The spark.jobtuner.steps.* properties that record a profile's step overrides.
std::vector<std::pair<std::string, std::string>> stepOverrideProperties(const Profile& profile);

}  // namespace jobtuner::core

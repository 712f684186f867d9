#pragma once

// The job key ties runs of the same job together across days. For the bundled runtime it is the
// job's name. For Spark: the property `spark.jobtuner.job` when set, else the app name with
// dates, timestamps, UUIDs and long numbers normalized away ("daily-etl-2024-03-01" and
// "daily-etl-2024-03-02" share the key "daily-etl-<date>").

#include <string>
#include <utility>
#include <vector>

namespace jobtuner::core {

/// Returns the app name with volatile parts replaced by <date>, <time>, <uuid>, <n>.
std::string normalizeAppName(const std::string& name);

/// The job key of a Spark app from its name and Spark properties.
std::string sparkJobKey(const std::string& appName,
                        const std::vector<std::pair<std::string, std::string>>& sparkProperties);

}  // namespace jobtuner::core

#pragma once

// The runs of one job in the store (apps sharing a job key), oldest first: each with the settings
// it ran with, its outcome, wall time and cost, and its worst finding. `jobtuner runs` lists them;
// the advisor reads them to revert a change that made the job slower and to fit cost models.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "advisor/advisor_config.h"
#include "advisor/app_measurements.h"
#include "core/profile.h"

namespace jobtuner::collector {
class Store;
}

namespace jobtuner::advisor {

/// One stage of a past run, as the cost models read it.
struct StageRun {
  int64_t partitions = 0;     // tasks
  int64_t shuffleBytes = 0;   // read
  double durationMs = 0;      // submission to completion
  int64_t spilledBytes = 0;   // in memory form
  double memoryPerByte = 0;   // task memory wanted per byte read
  int64_t taskMemoryBytes = 0;
  int64_t slots = 0;
};

struct RunRecord {
  std::string appId;
  std::string attemptId;
  int64_t startTimeMs = 0;
  int64_t wallMs = 0;
  bool succeeded = false;
  bool completed = false;
  double cost = 0;
  core::Profile profile;           // the settings the run used (from its recorded properties)
  std::string worstSeverity;       // "" when not analyzed or no finding
  std::string worstRule;
  int64_t findings = 0;
  std::map<std::string, StageRun> stages;  // by stage name, completed stages only
};

/// The runs of `jobKey`, oldest first (apps not yet completed are left out).
std::vector<RunRecord> loadRunHistory(const collector::Store& store, const std::string& jobKey, const Prices& prices);

/// The settings that differ between two profiles, as "key: old -> new" lines.
std::vector<std::string> profileDifferences(const core::Profile& before, const core::Profile& after);

}  // namespace jobtuner::advisor

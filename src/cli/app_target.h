#pragma once

// What commands that act on one app accept as its name: a stored app id, an event log or a folder
// of them (ingested first), a run directory, or (where the command allows) a job key, meaning the
// job's latest run.

#include <string>
#include <utility>
#include <vector>

#include "collector/store.h"

namespace jobtuner::cli {

struct AppTargetOptions {
  std::string attemptId;     // --attempt: only this attempt
  bool allowJobKey = false;  // a job key names its latest completed run
};

/// The (app id, attempt id) pairs `target` names. Throws core::UserError when it names nothing.
std::vector<std::pair<std::string, std::string>> resolveAppTargets(collector::Store& store, const std::string& target,
                                                                   const AppTargetOptions& options);

}  // namespace jobtuner::cli

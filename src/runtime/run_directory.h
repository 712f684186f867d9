#pragma once

// Where one run of the bundled runtime keeps its files: $JOBTUNER_HOME/runs/<app-id>/ holds the
// event log, the driver's and executors' logs, the shuffle files and the output being written.

#include <filesystem>
#include <string>

namespace jobtuner::runtime {

struct RunDirectory {
  std::string appId;              // app-YYYYMMDDhhmmss-NNNN, the shape Spark gives its apps
  std::filesystem::path root;     // $JOBTUNER_HOME/runs/<app-id>

  /// Named as Spark names its logs, by the app id (".inprogress" while the run lasts).
  std::filesystem::path eventLog() const { return root / appId; }
  std::filesystem::path driverLog() const { return root / "driver.log"; }
  std::filesystem::path collectorLog() const { return root / "collector.log"; }
  std::filesystem::path executorLog(int executorId) const {
    return root / ("executor-" + std::to_string(executorId) + ".log");
  }
  std::filesystem::path shuffleDir() const { return root / "shuffle"; }
  /// The Unix sockets of the run (driver, sidecar) live here, readable by the owner only.
  std::filesystem::path socketDir() const { return root / "sockets"; }
};

/// Creates a new, empty run directory under `runsRoot` with a fresh app id (the id's counter is
/// bumped until the directory does not exist yet, so concurrent runs never share one). Throws
/// core::SystemError when the directory cannot be created.
RunDirectory createRunDirectory(const std::filesystem::path& runsRoot);

}  // namespace jobtuner::runtime

#include "cli/app_target.h"

#include <fmt/format.h>

#include <filesystem>

#include "collector/ingest.h"
#include "core/errors.h"

namespace jobtuner::cli {

namespace fs = std::filesystem;

namespace {

/// The event log of a run directory ($JOBTUNER_HOME/runs/<app-id>/<app-id>), else the path.
fs::path logPathOf(const fs::path& target) {
  std::error_code error;
  if (!fs::is_directory(target, error)) return target;
  fs::path name = target.filename().empty() ? target.parent_path().filename() : target.filename();
  for (const fs::path& candidate : {target / name, target / (name.string() + ".inprogress")}) {
    if (fs::is_regular_file(candidate, error)) return candidate;
  }
  return target;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> resolveAppTargets(collector::Store& store, const std::string& target,
                                                                   const AppTargetOptions& options) {
  std::vector<std::pair<std::string, std::string>> targets;
  std::error_code error;
  if (fs::exists(target, error)) {
    collector::IngestSummary summary = collector::ingestPath(store, logPathOf(target), collector::IngestOptions{});
    for (const collector::IngestReport& report : summary.reports) {
      if (!options.attemptId.empty() && report.attemptId != options.attemptId) continue;
      targets.emplace_back(report.appId, report.attemptId);
    }
    if (targets.empty()) {
      throw core::UserError(core::SourceLocation{target}, "no event log of an app found here",
                            "name an event log, a folder of them, a run directory, or a stored app id");
    }
    return targets;
  }
  if (!store.attemptsOf(target).empty()) {
    targets.emplace_back(target, options.attemptId);
    return targets;
  }
  if (options.allowJobKey) {
    const collector::AppRow* latest = nullptr;
    std::vector<collector::AppRow> apps = store.listApps();
    for (const collector::AppRow& row : apps) {
      if (row.jobKey != target || !row.completed) continue;
      if (!latest || row.startTimeMs >= latest->startTimeMs) latest = &row;
    }
    if (latest) {
      targets.emplace_back(latest->appId, latest->attemptId);
      return targets;
    }
  }
  throw core::UserError(fmt::format("'{}' is neither a file nor an app{} in the store {}", target, options.allowJobKey ? " or job key" : "",
                                    store.path().string()),
                        options.allowJobKey ? "name an event log or run directory, an app id that `jobtuner apps` lists, or a job key"
                                            : "name an event log or run directory, or an app id that `jobtuner apps` lists");
}

}  // namespace jobtuner::cli

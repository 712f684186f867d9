// jobtuner apps : the app attempts in the store.

#include <fmt/format.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "cli/text_table.h"
#include "core/units.h"

namespace jobtuner::cli {

namespace {

struct AppFlags {
  int attempts = 0;
  int supersededCopies = 0;
};

std::vector<std::string> flagsOf(const collector::AppRow& app, const AppFlags& flags) {
  std::vector<std::string> result;
  if (!app.completed) result.push_back("incomplete");
  if (flags.attempts > 1) result.push_back(fmt::format("multi-attempt({})", flags.attempts));
  if (flags.supersededCopies > 0) result.push_back(fmt::format("superseded-copies({})", flags.supersededCopies));
  if (app.streaming) result.push_back("streaming");
  return result;
}

int runApps(bool json, const CommandContext& context) {
  auto store = context.openStore();
  std::vector<collector::AppRow> apps = store->listApps();
  std::map<std::string, AppFlags> flagsByApp;
  for (const auto& app : apps) flagsByApp[app.appId].attempts++;
  std::map<std::pair<std::string, std::string>, int> superseded;
  for (const auto& file : store->listFiles()) {
    if (file.status == "superseded") superseded[{file.appId, file.attemptId}]++;
  }

  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& app : apps) {
      AppFlags flags = flagsByApp[app.appId];
      flags.supersededCopies = superseded[{app.appId, app.attemptId}];
      out.push_back({{"app_id", app.appId},
                     {"attempt_id", app.attemptId.empty() ? nlohmann::json(nullptr) : nlohmann::json(app.attemptId)},
                     {"name", app.name},
                     {"user", app.user},
                     {"source", app.source},
                     {"engine_version", app.engineVersion},
                     {"job_key", app.jobKey},
                     {"start_time_ms", app.startTimeMs},
                     {"end_time_ms", app.endTimeMs},
                     {"duration_ms", app.endTimeMs > 0 ? app.endTimeMs - app.startTimeMs : 0},
                     {"status", app.completed ? "completed" : "incomplete"},
                     {"jobs", app.jobs},
                     {"stages", app.stages},
                     {"tasks", app.tasks},
                     {"failed_tasks", app.failedTasks},
                     {"executors", app.executors},
                     {"flags", flagsOf(app, flags)},
                     {"path", app.path}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }

  if (apps.empty()) {
    std::cout << "The store holds no apps yet: run 'jobtuner ingest PATH' with an event log or a folder of them.\n";
    return 0;
  }
  TextTable table({"APP ID", "ATTEMPT", "NAME", "SOURCE", "START", "DURATION", "JOBS", "STAGES", "TASKS", "FAILED",
                   "EXECUTORS", "FLAGS"});
  table.alignRight({5, 6, 7, 8, 9, 10});
  for (const auto& app : apps) {
    AppFlags flags = flagsByApp[app.appId];
    flags.supersededCopies = superseded[{app.appId, app.attemptId}];
    std::string flagText;
    for (const auto& flag : flagsOf(app, flags)) flagText += (flagText.empty() ? "" : ",") + flag;
    table.addRow({terminalSafe(app.appId, 60), app.attemptId.empty() ? "-" : terminalSafe(app.attemptId, 10),
                  terminalSafe(app.name, 40), app.source + (app.engineVersion.empty() ? "" : " " + terminalSafe(app.engineVersion, 20)),
                  core::formatTimestampMs(app.startTimeMs),
                  app.endTimeMs > 0 ? core::formatDurationMs(app.endTimeMs - app.startTimeMs) : "-",
                  std::to_string(app.jobs), std::to_string(app.stages), std::to_string(app.tasks),
                  std::to_string(app.failedTasks), std::to_string(app.executors), flagText});
  }
  table.print(std::cout);
  return 0;
}

}  // namespace

void addAppsCommand(CLI::App& app, CommandContext& context) {
  auto json = std::make_shared<bool>(false);
  CLI::App* command = app.add_subcommand("apps", "List the app attempts in the store, newest first");
  command->add_flag("--json", *json, "Print JSON");
  command->callback([json, &context] { context.exitCode = runApps(*json, context); });
}

}  // namespace jobtuner::cli

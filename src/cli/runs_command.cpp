// jobtuner runs JOB-KEY : the runs of one job, oldest first, with wall time, cost, worst finding and
// the settings that changed from the run before.

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "advisor/run_history.h"
#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "cli/text_table.h"
#include "core/errors.h"
#include "core/units.h"

namespace jobtuner::cli {

namespace {

struct RunsArguments {
  std::string jobKey;
  bool json = false;
};

int runRuns(const RunsArguments& arguments, const CommandContext& context) {
  advisor::AdvisorConfig config = context.advisorConfig();
  auto store = context.openStore();
  std::vector<advisor::RunRecord> runs = advisor::loadRunHistory(*store, arguments.jobKey, config.prices);
  if (runs.empty()) {
    throw core::UserError(fmt::format("no completed run of job '{}' in the store {}", arguments.jobKey, store->path().string()),
                          "`jobtuner apps` lists the apps with their job keys");
  }
  if (arguments.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (size_t i = 0; i < runs.size(); ++i) {
      const advisor::RunRecord& run = runs[i];
      out.push_back({{"app", run.appId},
                     {"attempt", run.attemptId.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(run.attemptId)},
                     {"started", core::formatTimestampMs(run.startTimeMs)},
                     {"wall_time_s", static_cast<double>(run.wallMs) / 1000.0},
                     {"succeeded", run.succeeded},
                     {"cost", run.cost},
                     {"worst_finding", run.worstRule.empty() ? nlohmann::ordered_json(nullptr)
                                                             : nlohmann::ordered_json{{"rule", run.worstRule}, {"severity", run.worstSeverity}}},
                     {"findings", run.findings},
                     {"changes", i == 0 ? std::vector<std::string>{} : advisor::profileDifferences(runs[i - 1].profile, run.profile)}});
    }
    std::cout << out.dump(2) << "\n";
    return core::kExitOk;
  }
  std::cout << fmt::format("Job {}: {} run{}\n", terminalSafe(arguments.jobKey), runs.size(), runs.size() == 1 ? "" : "s");
  TextTable table({"#", "app", "started", "wall", "status", "cost", "worst finding", "changed from the run before"});
  table.alignRight({0, 3, 5});
  for (size_t i = 0; i < runs.size(); ++i) {
    const advisor::RunRecord& run = runs[i];
    std::vector<std::string> changes = i == 0 ? std::vector<std::string>{} : advisor::profileDifferences(runs[i - 1].profile, run.profile);
    std::string changed;
    for (const std::string& change : changes) changed += (changed.empty() ? "" : "; ") + change;
    table.addRow({std::to_string(i + 1), terminalSafe(run.appId), core::formatTimestampMs(run.startTimeMs),
                  core::formatDurationMs(run.wallMs), run.succeeded ? "succeeded" : "failed",
                  fmt::format("{}{:.5f}", config.prices.currency, run.cost),
                  run.worstRule.empty() ? (run.findings == 0 ? "-" : "") : fmt::format("{} ({})", run.worstRule, run.worstSeverity),
                  i == 0 ? "" : (changed.empty() ? "nothing" : terminalSafe(changed, 300))});
  }
  table.print(std::cout, "  ");
  return core::kExitOk;
}

}  // namespace

void addRunsCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<RunsArguments>();
  CLI::App* command = app.add_subcommand("runs", "The runs of one job: wall time, cost, worst finding, settings changed between runs");
  command->add_option("job", arguments->jobKey, "The job key (`jobtuner apps` shows it)")->required();
  command->add_flag("--json", arguments->json, "Print the runs as JSON");
  command->callback([arguments, &context] { context.exitCode = runRuns(*arguments, context); });
}

}  // namespace jobtuner::cli

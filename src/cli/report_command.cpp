// jobtuner report TARGET -o FILE.html : one self-contained HTML page for a run or app: verdict,
// findings, advice, stages, charts, and the comparison with the job's earlier run. TARGET is an
// app id, a job key (its latest run), a run directory or an event log (ingested first).

#include <fmt/format.h>

#include <iostream>

#include "advisor/stored_app_advice.h"
#include "cli/app_target.h"
#include "cli/command_context.h"
#include "cli/rule_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "reports/run_comparison.h"
#include "reports/run_report.h"
#include "runtime/clock.h"

namespace jobtuner::cli {

namespace {

struct ReportArguments {
  std::string target;
  std::string attemptId;
  std::string output;
  std::string compareWith;
  bool noCompare = false;
  RuleOptions rules;
};

int runReport(const ReportArguments& arguments, const CommandContext& context) {
  advisor::AdvisorConfig config = context.advisorConfig();
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  auto store = context.openStore();
  std::vector<std::pair<std::string, std::string>> targets =
      resolveAppTargets(*store, arguments.target, AppTargetOptions{arguments.attemptId, true});
  if (targets.size() > 1) {
    throw core::UserError(core::SourceLocation{arguments.target}, fmt::format("names {} apps, and a report shows one", targets.size()),
                          "name one event log or app id");
  }
  const auto& [appId, attemptId] = targets.front();
  int64_t now = runtime::nowMs();
  advisor::StoredAppAdvice result = advisor::adviseStoredApp(*store, appId, attemptId, rules.rules, config, now);

  std::vector<core::TaskAttempt> tasks;
  tasks.reserve(static_cast<size_t>(store->taskCount(result.measured.app.appId, result.measured.app.attemptId)));
  store->forEachTaskForAnalysis(result.measured.app.appId, result.measured.app.attemptId,
                                [&](const core::TaskAttempt& task) { tasks.push_back(task); });

  reports::RunReportInput input{&result, &tasks, std::nullopt, JOBTUNER_VERSION, now};
  std::optional<std::pair<std::string, std::string>> earlier;
  if (!arguments.compareWith.empty()) {
    auto named = resolveAppTargets(*store, arguments.compareWith, AppTargetOptions{"", true});
    earlier = named.front();
  } else if (!arguments.noCompare) {
    earlier = reports::earlierRunOf(*store, result.measured.app);
  }
  if (earlier) {
    reports::ComparedRun before = reports::loadComparedRun(*store, earlier->first, earlier->second, rules.rules, config.prices, now);
    reports::ComparedRun after{result.measured, result.findings};
    input.comparison = reports::comparisonContext(reports::comparisonJson(before, after));
  }
  core::writeFileAtomically(arguments.output, reports::renderRunReport(input));
  std::cerr << "jobtuner: wrote " << arguments.output << "\n";
  return core::kExitOk;
}

}  // namespace

void addReportCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<ReportArguments>();
  CLI::App* command = app.add_subcommand("report", "Write a self-contained HTML report of a run or app: findings, advice, stages, charts");
  command->add_option("target", arguments->target,
                      "A stored app id, a job key (its latest run), a run directory or an event log (ingested first)")
      ->required();
  command->add_option("-o,--output", arguments->output, "The HTML file to write (atomically)")->required();
  command->add_option("--attempt", arguments->attemptId, "The app attempt (default: the last one)");
  command->add_option("--compare-with", arguments->compareWith,
                      "The earlier run to compare with (default: the job's previous run in the store)");
  command->add_flag("--no-compare", arguments->noCompare, "Leave out the comparison with an earlier run");
  addRuleOptions(*command, arguments->rules);
  command->callback([arguments, &context] { context.exitCode = runReport(*arguments, context); });
}

}  // namespace jobtuner::cli

// jobtuner report TARGET -o FILE.html : one self-contained HTML page for a run or app: verdict,
// findings, advice, stages, charts, and the comparison with the job's earlier run. TARGET is an
// app id, a job key (its latest run), a run directory or an event log (ingested first).
// jobtuner report --digest [--since 24h] -o FILE.html : the nightly digest of every app in a window.

#include <fmt/format.h>

#include <iostream>

#include "advisor/stored_app_advice.h"
#include "analyzers/analysis.h"
#include "cli/app_target.h"
#include "cli/command_context.h"
#include "cli/rule_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/units.h"
#include "reports/nightly_digest.h"
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
  bool redactKeys = false;
  bool digest = false;
  std::string since = "24h";
  RuleOptions rules;
};

/// Analysis stores its findings, and with --redact-keys these name hashes: analyze the apps again
/// through a connection that does not redact, so `findings` and later advice name the real keys.
void restorePlainFindings(const CommandContext& context, const std::vector<analyzers::Rule>& rules,
                          const std::vector<std::pair<std::string, std::string>>& apps, int64_t now) {
  auto plain = context.openStore();
  for (const auto& [appId, attemptId] : apps) analyzers::analyzeStoredApp(*plain, appId, attemptId, rules, analyzers::Suppressions{}, now);
}

int runDigest(const ReportArguments& arguments, const CommandContext& context) {
  if (!arguments.target.empty()) {
    throw core::UserError(fmt::format("--digest covers every app in the window, and '{}' names one", arguments.target),
                          "drop the target, or drop --digest for that app's report");
  }
  std::optional<int64_t> span = core::parseDurationMs(arguments.since);
  if (!span) throw core::UserError(fmt::format("--since '{}' is not a duration", arguments.since), "write e.g. 24h, 7d or 90min");
  advisor::AdvisorConfig config = context.advisorConfig();
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  auto store = context.openStore();
  if (arguments.redactKeys) store->redactKeysOnLoad();
  int64_t now = runtime::nowMs();
  reports::DigestInput input{std::max<int64_t>(0, now - *span), now, arguments.since, JOBTUNER_VERSION};
  nlohmann::ordered_json digest = reports::digestContext(*store, input, rules.rules, config);
  core::writeFileAtomically(arguments.output, reports::renderDigest(digest));
  if (arguments.redactKeys) {
    std::vector<std::pair<std::string, std::string>> apps;
    for (const auto& app : digest["apps"]) apps.emplace_back(app["appId"].get<std::string>(), app["attemptId"].get<std::string>());
    restorePlainFindings(context, rules.rules, apps, now);
  }
  std::cerr << "jobtuner: wrote " << arguments.output << "\n";
  return core::kExitOk;
}

int runReport(const ReportArguments& arguments, const CommandContext& context) {
  if (arguments.digest) return runDigest(arguments, context);
  if (arguments.target.empty()) {
    throw core::UserError("report needs the run or app to report on", "name an app id, job key, run directory or event log, or pass --digest");
  }
  advisor::AdvisorConfig config = context.advisorConfig();
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  auto store = context.openStore();
  if (arguments.redactKeys) store->redactKeysOnLoad();
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
  if (arguments.redactKeys) {
    std::vector<std::pair<std::string, std::string>> apps = {{appId, attemptId}};
    if (earlier) apps.push_back(*earlier);
    restorePlainFindings(context, rules.rules, apps, now);
  }
  std::cerr << "jobtuner: wrote " << arguments.output << "\n";
  return core::kExitOk;
}

}  // namespace

void addReportCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<ReportArguments>();
  CLI::App* command = app.add_subcommand("report", "Write a self-contained HTML report of a run or app: findings, advice, stages, charts");
  command->add_option("target", arguments->target,
                      "A stored app id, a job key (its latest run), a run directory or an event log (ingested first)");
  command->add_option("-o,--output", arguments->output, "The HTML file to write (atomically)")->required();
  command->add_option("--attempt", arguments->attemptId, "The app attempt (default: the last one)");
  command->add_option("--compare-with", arguments->compareWith,
                      "The earlier run to compare with (default: the job's previous run in the store)");
  command->add_flag("--redact-keys", arguments->redactKeys,
                    "Show hot-key values as stable hashes (key-3f2a...), for a report shared outside the team");
  command->add_flag("--digest", arguments->digest, "Write the digest of every app in the window instead of one app's report");
  command->add_option("--since", arguments->since, "With --digest: the window, back from now (default 24h; e.g. 7d)");
  command->add_flag("--no-compare", arguments->noCompare, "Leave out the comparison with an earlier run");
  addRuleOptions(*command, arguments->rules);
  command->callback([arguments, &context] { context.exitCode = runReport(*arguments, context); });
}

}  // namespace jobtuner::cli

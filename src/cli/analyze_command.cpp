// jobtuner analyze APP-ID | EVENT-LOG-PATH | RUN-DIR : findings for one app (a path is ingested
// first), printed as a table sorted by severity or as JSON, and stored with the app.

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "analyzers/analysis.h"
#include "cli/app_target.h"
#include "cli/command_context.h"
#include "cli/rule_options.h"
#include "cli/terminal_text.h"
#include "cli/text_table.h"
#include "core/errors.h"
#include "runtime/clock.h"

namespace jobtuner::cli {

namespace {

struct AnalyzeArguments {
  std::string target;
  std::string attemptId;
  RuleOptions rules;
  std::string suppressions;
  std::string failOn;
  bool json = false;
};

void printText(const analyzers::AppAnalysis& analysis, std::ostream& out) {
  out << fmt::format("{} {}\"{}\": {} finding{}{}\n", terminalSafe(analysis.appId),
                     analysis.attemptId.empty() ? "" : "attempt " + terminalSafe(analysis.attemptId) + " ",
                     terminalSafe(analysis.appName, 60), analysis.findings.size(), analysis.findings.size() == 1 ? "" : "s",
                     analysis.suppressed > 0 ? fmt::format(" ({} suppressed)", analysis.suppressed) : "");
  if (analysis.findings.empty()) return;
  TextTable table({"severity", "rule", "where", "message"});
  for (const analyzers::Finding& finding : analysis.findings) {
    table.addRow({analyzers::toString(finding.severity), finding.ruleId, terminalSafe(finding.scope.describe(), 60),
                  terminalSafe(finding.message, 400)});
  }
  table.print(out, "  ");
}

int runAnalyze(const AnalyzeArguments& arguments, const CommandContext& context) {
  std::optional<analyzers::Severity> failOn;
  if (!arguments.failOn.empty()) {
    failOn = analyzers::parseSeverity(arguments.failOn);
    if (!failOn) throw core::UserError(fmt::format("--fail-on '{}' is not a severity", arguments.failOn), "use low, moderate, severe or critical");
  }
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  analyzers::Suppressions suppressions;
  if (!arguments.suppressions.empty()) suppressions = analyzers::Suppressions::load(arguments.suppressions);
  int64_t now = runtime::nowMs();
  for (const analyzers::Suppression* expired : suppressions.expired(now)) {
    std::cerr << fmt::format("jobtuner: warning: {}: the suppression of {} expired on {}; it silences nothing now\n",
                             expired->location.toString(), expired->ruleId, expired->expires);
  }

  auto store = context.openStore();
  nlohmann::ordered_json apps = nlohmann::ordered_json::array();
  int exitCode = core::kExitOk;
  for (const auto& [appId, attemptId] : resolveAppTargets(*store, arguments.target, AppTargetOptions{arguments.attemptId, false})) {
    analyzers::AppAnalysis analysis = analyzers::analyzeStoredApp(*store, appId, attemptId, rules.rules, suppressions, now);
    for (const analyzers::Finding& finding : analysis.findings) {
      if (failOn && finding.severity >= *failOn) exitCode = core::kExitFindings;
    }
    if (arguments.json) {
      nlohmann::ordered_json findings = nlohmann::ordered_json::array();
      for (const analyzers::Finding& finding : analysis.findings) findings.push_back(analyzers::findingJson(finding));
      apps.push_back({{"app", analysis.appId},
                      {"attempt", analysis.attemptId.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(analysis.attemptId)},
                      {"name", analysis.appName},
                      {"findings", findings},
                      {"suppressed", analysis.suppressed}});
    } else {
      printText(analysis, std::cout);
    }
  }
  if (arguments.json) std::cout << (apps.size() == 1 ? apps[0] : apps).dump(2) << "\n";
  return exitCode;
}

}  // namespace

void addAnalyzeCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<AnalyzeArguments>();
  CLI::App* command = app.add_subcommand("analyze", "Find what went wrong in an app: skew, spill, GC, lost executors, failures, waste");
  command->add_option("target", arguments->target, "A stored app id, an event log (ingested first) or a run directory")->required();
  command->add_option("--attempt", arguments->attemptId, "The app attempt (default: the last one)");
  addRuleOptions(*command, arguments->rules);
  command->add_option("--suppressions", arguments->suppressions, "A file of findings to silence until they expire");
  command->add_option("--fail-on", arguments->failOn, "Exit with 1 when a finding reaches this severity (low, moderate, severe, critical)");
  command->add_flag("--json", arguments->json, "Print the findings as JSON");
  command->callback([arguments, &context] { context.exitCode = runAnalyze(*arguments, context); });
}

}  // namespace jobtuner::cli

// jobtuner compare A B [--json] : two runs side by side (wall time, cost, spill, findings, stage
// times, changed settings), as a run's report shows it against the job's earlier run.

#include <iostream>

#include "cli/app_target.h"
#include "cli/command_context.h"
#include "cli/rule_options.h"
#include "core/errors.h"
#include "reports/run_comparison.h"
#include "runtime/clock.h"

namespace jobtuner::cli {

namespace {

struct CompareArguments {
  std::string before;
  std::string after;
  bool json = false;
  RuleOptions rules;
};

int runCompare(const CompareArguments& arguments, const CommandContext& context) {
  advisor::AdvisorConfig config = context.advisorConfig();
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  auto store = context.openStore();
  auto load = [&](const std::string& target) {
    auto named = resolveAppTargets(*store, target, AppTargetOptions{"", true});
    if (named.size() > 1) {
      throw core::UserError(core::SourceLocation{target}, "names several apps, and compare takes one on each side",
                            "name one event log or app id");
    }
    return reports::loadComparedRun(*store, named.front().first, named.front().second, rules.rules, config.prices, runtime::nowMs());
  };
  reports::ComparedRun before = load(arguments.before);
  reports::ComparedRun after = load(arguments.after);
  nlohmann::ordered_json comparison = reports::comparisonJson(before, after);
  std::cout << (arguments.json ? comparison.dump(2) + "\n" : reports::comparisonText(comparison));
  return core::kExitOk;
}

}  // namespace

void addCompareCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<CompareArguments>();
  CLI::App* command = app.add_subcommand("compare", "Two runs side by side: wall time, cost, spill, findings, stage times, changed settings");
  command->add_option("before", arguments->before, "The earlier run: an app id, job key, run directory or event log")->required();
  command->add_option("after", arguments->after, "The later run")->required();
  command->add_flag("--json", arguments->json, "Print the comparison as JSON");
  addRuleOptions(*command, arguments->rules);
  command->callback([arguments, &context] { context.exitCode = runCompare(*arguments, context); });
}

}  // namespace jobtuner::cli

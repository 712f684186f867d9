// jobtuner advise TARGET : what to change for the next run, why, and what it should do. TARGET is
// an app id, a job key (its latest run), a run directory or an event log (ingested first). The
// advice prints as text, JSON, a complete profile or Spark conf lines, and can be written to a
// file (atomically).

#include <fmt/format.h>

#include <iostream>

#include "advisor/stored_app_advice.h"
#include "cli/app_target.h"
#include "cli/command_context.h"
#include "cli/rule_options.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "runtime/clock.h"

namespace jobtuner::cli {

namespace {

struct AdviseArguments {
  std::string target;
  std::string attemptId;
  std::string format = "text";
  std::string write;
  bool json = false;
  RuleOptions rules;
};

std::string render(const advisor::Advice& advice, const AdviseArguments& arguments) {
  if (arguments.json) return advisor::adviceJson(advice, arguments.target).dump(2) + "\n";
  if (arguments.format == "profile") return advisor::adviceProfileYaml(advice);
  if (arguments.format == "spark-conf") return advisor::adviceSparkConf(advice);
  return advisor::adviceText(advice);
}

int runAdvise(const AdviseArguments& arguments, const CommandContext& context) {
  if (arguments.json && arguments.format != "text") {
    throw core::UserError("--json and --format " + arguments.format + " both choose the output",
                          "use --json for JSON, or --format profile|spark-conf for those artifacts");
  }
  advisor::AdvisorConfig config = context.advisorConfig();
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  auto store = context.openStore();
  std::vector<std::pair<std::string, std::string>> targets =
      resolveAppTargets(*store, arguments.target, AppTargetOptions{arguments.attemptId, true});
  if (targets.size() > 1 && !arguments.write.empty()) {
    throw core::UserError(core::SourceLocation{arguments.target}, fmt::format("names {} apps, and --write takes the advice of one", targets.size()),
                          "name one event log or app id");
  }
  std::string output;
  for (const auto& [appId, attemptId] : targets) {
    advisor::StoredAppAdvice result = advisor::adviseStoredApp(*store, appId, attemptId, rules.rules, config, runtime::nowMs());
    if (result.advice.changes.empty() && !result.advice.blocked.empty()) {
      throw core::UserError(core::SourceLocation{context.configPath.empty() ? "the advisor's default limits" : context.configPath},
                            fmt::format("the advisor's limits allow no change for {}: {}", appId, result.advice.blocked.front()),
                            "raise the limit in the advisor section of the configuration file");
    }
    output += render(result.advice, arguments);
  }
  if (!arguments.write.empty()) {
    core::writeFileAtomically(arguments.write, output);
    std::cerr << "jobtuner: wrote " << arguments.write << "\n";
  } else {
    std::cout << output;
  }
  return core::kExitOk;
}

}  // namespace

void addAdviseCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<AdviseArguments>();
  CLI::App* command = app.add_subcommand("advise", "What to change for the next run: partitions, salting, memory, executors; why; predicted effect");
  command->add_option("target", arguments->target,
                      "A stored app id, a job key (its latest run), a run directory or an event log (ingested first)")
      ->required();
  command->add_option("--attempt", arguments->attemptId, "The app attempt (default: the last one)");
  command->add_option("--format", arguments->format, "text (default), profile (a complete new profile) or spark-conf (--conf lines)")
      ->check(CLI::IsMember({"text", "profile", "spark-conf"}));
  command->add_option("--write", arguments->write, "Write the output to this file (atomically) instead of printing it");
  command->add_flag("--json", arguments->json, "Print the advice as JSON");
  addRuleOptions(*command, arguments->rules);
  command->footer("Limits and prices come from the advisor section of the configuration file (--config). Defaults:\n" +
                  advisor::describeAdvisorConfig());
  command->callback([arguments, &context] { context.exitCode = runAdvise(*arguments, context); });
}

}  // namespace jobtuner::cli

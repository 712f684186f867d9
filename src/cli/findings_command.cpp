// jobtuner findings [--app ID] [--job KEY] [--severity S] [--since 24h] : the stored findings of
// every analyzed app, most severe first.

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "analyzers/analysis.h"
#include "analyzers/severity.h"
#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "cli/text_table.h"
#include "core/errors.h"
#include "core/units.h"
#include "runtime/clock.h"

namespace jobtuner::cli {

namespace {

struct FindingsArguments {
  std::string appId;
  std::string jobKey;
  std::string severity;
  std::string since;
  bool json = false;
};

int runFindings(const FindingsArguments& arguments, const CommandContext& context) {
  collector::FindingQuery query;
  query.appId = arguments.appId;
  query.jobKey = arguments.jobKey;
  if (!arguments.severity.empty()) {
    std::optional<analyzers::Severity> severity = analyzers::parseSeverity(arguments.severity);
    if (!severity) throw core::UserError(fmt::format("--severity '{}' is not a severity", arguments.severity), "use low, moderate, severe or critical");
    query.minSeverityRank = static_cast<int>(*severity);
  }
  if (!arguments.since.empty()) {
    std::optional<int64_t> span = core::parseDurationMs(arguments.since);
    if (!span) throw core::UserError(fmt::format("--since '{}' is not a duration", arguments.since), "write e.g. 24h, 7d or 90min");
    query.sinceMs = std::max<int64_t>(1, runtime::nowMs() - *span);
  }
  auto store = context.openStore();
  std::vector<collector::StoredFinding> findings = store->queryFindings(query);
  if (arguments.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const collector::StoredFinding& finding : findings) {
      nlohmann::ordered_json item = {{"app", finding.appId},
                                     {"attempt", finding.attemptId.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(finding.attemptId)},
                                     {"app_name", finding.appName},
                                     {"job_key", finding.jobKey}};
      nlohmann::ordered_json fields = analyzers::findingJson(finding);
      for (auto& [key, value] : fields.items()) item[key] = value;
      item["analyzed_at"] = core::formatTimestampMs(finding.analyzedAtMs);
      out.push_back(std::move(item));
    }
    std::cout << nlohmann::ordered_json{{"findings", out}}.dump(2) << "\n";
    return core::kExitOk;
  }
  if (findings.empty()) {
    std::cout << "no findings (analyze an app first: jobtuner analyze APP-OR-LOG)\n";
    return core::kExitOk;
  }
  TextTable table({"severity", "app", "rule", "where", "message"});
  for (const collector::StoredFinding& finding : findings) {
    table.addRow({finding.severity, terminalSafe(finding.appId), finding.ruleId, terminalSafe(analyzers::scopeOf(finding).describe(), 60),
                  terminalSafe(finding.message, 300)});
  }
  table.print(std::cout);
  return core::kExitOk;
}

}  // namespace

void addFindingsCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<FindingsArguments>();
  CLI::App* command = app.add_subcommand("findings", "Query the stored findings across analyzed apps");
  command->add_option("--app", arguments->appId, "Only this app id");
  command->add_option("--job", arguments->jobKey, "Only apps of this job key (see `jobtuner apps`)");
  command->add_option("--severity", arguments->severity, "Only findings at or above this severity");
  command->add_option("--since", arguments->since, "Only apps that ran within this span (24h, 7d)");
  command->add_flag("--json", arguments->json, "Print the findings as JSON");
  command->callback([arguments, &context] { context.exitCode = runFindings(*arguments, context); });
}

}  // namespace jobtuner::cli

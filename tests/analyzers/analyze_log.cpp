#include "analyze_log.h"

#include <catch2/catch.hpp>

#include "analyzers/analysis.h"
#include "analyzers/rule_loader.h"
#include "collector/ingest.h"
#include "collector/store.h"
#include "support/test_support.h"

namespace jobtuner::analyzers {

std::vector<Finding> analyzeLogText(const std::string& logText, const std::string& extraRuleFile) {
  testing::TempDir directory;
  testing::writeFile(directory / "app-log", logText);
  return analyzeLogFile(directory / "app-log", extraRuleFile);
}

std::vector<Finding> analyzeLogFile(const std::filesystem::path& log, const std::string& extraRuleFile) {
  testing::TempDir directory;
  auto store = collector::Store::open(directory / "store.db");
  collector::IngestSummary ingested = collector::ingestPath(*store, log, collector::IngestOptions{});
  REQUIRE(ingested.reports.size() == 1);
  std::vector<RuleFileInput> inputs = ruleInputs({});
  if (!extraRuleFile.empty()) inputs.push_back(RuleFileInput{"extra.yaml", extraRuleFile, false});
  RuleSet rules = loadRules(inputs);
  for (const RuleDiagnostic& diagnostic : rules.diagnostics) FAIL(diagnostic.render());
  const collector::IngestReport& report = ingested.reports.front();
  return analyzeStoredApp(*store, report.appId, report.attemptId, rules.rules, Suppressions{}, 0).findings;
}

std::vector<Finding> findingsOf(const std::vector<Finding>& findings, const std::string& ruleId) {
  std::vector<Finding> out;
  for (const Finding& finding : findings) {
    if (finding.ruleId == ruleId) out.push_back(finding);
  }
  return out;
}

}  // namespace jobtuner::analyzers

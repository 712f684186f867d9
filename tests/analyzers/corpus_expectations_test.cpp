// Holds the built-in rules to tests/analyzers/corpus_expectations.yaml: for each real Spark log,
// the findings that must appear (rule, minimum severity, optionally the stage and a text of the
// message) and the rules that must stay at or below low.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "analyze_log.h"
#include "analyzers/severity.h"
#include "support/test_support.h"

namespace jobtuner::analyzers {
namespace {

std::string describe(const std::vector<Finding>& findings) {
  std::string text;
  for (const Finding& finding : findings) {
    text += fmt::format("  {} {} {}: {}\n", toString(finding.severity), finding.ruleId, finding.scope.describe(), finding.message);
  }
  return text.empty() ? "  (no findings)\n" : text;
}

TEST_CASE("the built-in rules find what corpus_expectations.yaml expects in each Spark log", "[analyzers][corpus]") {
  auto corpus = testing::requireCorpus();
  if (!corpus) return;
  YAML::Node expectations = YAML::LoadFile(std::string(JOBTUNER_SOURCE_DIR) + "/tests/analyzers/corpus_expectations.yaml");
  size_t checked = 0;
  for (const YAML::Node& log : expectations["logs"]) {
    std::string path = log["path"].as<std::string>();
    DYNAMIC_SECTION(path) {
      std::vector<Finding> findings = analyzeLogFile(*corpus / path);
      INFO("findings of " << path << ":\n" << describe(findings));

      for (const YAML::Node& expected : log["expect"]) {
        std::string rule = expected["rule"].as<std::string>();
        Severity minimum = *parseSeverity(expected["min_severity"].as<std::string>());
        INFO("expected: " << rule << " at least " << toString(minimum) << " (" << expected["why"].as<std::string>() << ")");
        bool found = false;
        for (const Finding& finding : findings) {
          if (finding.ruleId != rule || finding.severity < minimum) continue;
          if (expected["stage"] && finding.scope.stageId != expected["stage"].as<int32_t>()) continue;
          if (expected["message_contains"] && finding.message.find(expected["message_contains"].as<std::string>()) == std::string::npos) {
            continue;
          }
          found = true;
        }
        CHECK(found);
        ++checked;
      }
      for (const YAML::Node& bounded : log["at_most_low"]) {
        std::string rule = bounded["rule"].as<std::string>();
        INFO("at most low: " << rule << " (" << bounded["why"].as<std::string>() << ")");
        for (const Finding& finding : findings) {
          if (finding.ruleId == rule) CHECK(finding.severity == Severity::kLow);
        }
        ++checked;
      }
    }
  }
  CHECK(checked > 0);
}

}  // namespace
}  // namespace jobtuner::analyzers

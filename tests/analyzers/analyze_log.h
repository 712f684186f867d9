#pragma once

// Analyzes an event log a test wrote, with the built-in rules (and optionally one more rule file),
// through the real pipeline: the log is written to a file, ingested into a fresh store, summarized
// and evaluated.

#include <filesystem>
#include <string>
#include <vector>

#include "analyzers/finding.h"

namespace jobtuner::analyzers {

std::vector<Finding> analyzeLogText(const std::string& logText, const std::string& extraRuleFile = {});
/// The same for a log on disk, which must hold one app.
std::vector<Finding> analyzeLogFile(const std::filesystem::path& log, const std::string& extraRuleFile = {});

/// The findings of one rule.
std::vector<Finding> findingsOf(const std::vector<Finding>& findings, const std::string& ruleId);

}  // namespace jobtuner::analyzers

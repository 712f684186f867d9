#pragma once

// The built-in rule files (rules/*.yaml) and catalogues (rules/catalog/*.yaml), compiled into the
// binary (cmake/EmbedTextFiles.cmake), so that `jobtuner analyze` works from any directory without
// data files beside it.

#include <string>
#include <vector>

namespace jobtuner::analyzers {

struct RuleFileText {
  std::string name;  // "rules/skew.yaml", "rules/catalog/removal_reasons.yaml": what errors name
  std::string text;
};

/// Every built-in file, sorted by name.
const std::vector<RuleFileText>& builtinRuleFiles();

}  // namespace jobtuner::analyzers

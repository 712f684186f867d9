#pragma once

// The options every command that loads rules shares (--rules DIR, --strict), and the loading
// itself: problems in rule files are printed Falco-style; they stop the command only with
// --strict, otherwise the files without problems load.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "analyzers/rule_loader.h"

namespace jobtuner::cli {

struct RuleOptions {
  std::vector<std::string> directories;
  bool strict = false;
};

void addRuleOptions(CLI::App& command, RuleOptions& options);

/// Loads the built-in rules and the directories'. Prints each problem to stderr; throws
/// core::UserError when there are problems and --strict is set.
analyzers::RuleSet loadRuleSet(const RuleOptions& options);

}  // namespace jobtuner::cli

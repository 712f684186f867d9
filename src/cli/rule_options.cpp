#include "cli/rule_options.h"

#include <fmt/format.h>

#include <iostream>

#include "core/errors.h"

namespace jobtuner::cli {

void addRuleOptions(CLI::App& command, RuleOptions& options) {
  command.add_option("--rules", options.directories, "A directory of rule files to load after the built-in rules (repeatable)");
  command.add_flag("--strict", options.strict, "Fail if any rule file has a problem, instead of skipping that file");
}

analyzers::RuleSet loadRuleSet(const RuleOptions& options) {
  std::vector<std::filesystem::path> directories(options.directories.begin(), options.directories.end());
  analyzers::RuleSet set = analyzers::loadRules(analyzers::ruleInputs(directories));
  for (const analyzers::RuleDiagnostic& diagnostic : set.diagnostics) std::cerr << diagnostic.render() << "\n";
  if (!set.diagnostics.empty()) {
    if (options.strict) {
      throw core::UserError(fmt::format("{} problem{} in the rule files (--strict)", set.diagnostics.size(),
                                        set.diagnostics.size() == 1 ? "" : "s"),
                            "fix the files above, or drop --strict to skip the files with problems");
    }
    std::cerr << fmt::format("jobtuner: warning: skipped the rule files with problems; loaded {} rules\n", set.rules.size());
  }
  return set;
}

}  // namespace jobtuner::cli

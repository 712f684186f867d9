#pragma once

// Loads rule files in three steps, Falco-style, reporting every problem of every file rather than
// stopping at the first:
//   read      each file's YAML into drafts (texts with their places), checking keys;
//   assemble  the drafts of all files: built-in rules, then user rules, then overrides by id
//             (`override: ID` replaces the keys it names, `params` one by one; `enabled: false`
//             disables);
//   compile   every expression and message of every rule against its scope.
// A file with any problem contributes nothing (its rules and overrides are dropped) and the
// others load, unless the caller treats problems as fatal (--strict).
//
// A rule file is a YAML list of rules:
//   - id: stage-task-skew
//     title: One task runs far longer than its siblings
//     scope: stage                     # app | job | stage | executor
//     params: {min_tasks: 4, ratio: 5} # named constants, overridable
//     when: tasks >= min_tasks and max(duration_ms) > ratio * p50(duration_ms)
//     severity: {critical: ..., severe: ..., moderate: ..., low: ...}   # first match wins
//     evidence: [p50(duration_ms), max(duration_ms)]
//     message: "Stage {stage} took {max(duration_ms)} ..."
//     advice: [salt_hot_key, increase_partitions]
//     description: optional longer text

#include <filesystem>
#include <string>
#include <vector>

#include "analyzers/rule.h"
#include "core/errors.h"

namespace jobtuner::analyzers {

/// One problem in a rule file.
struct RuleDiagnostic {
  core::SourceLocation location;
  std::string code;        // "yaml-syntax", "unknown-key", "unknown-name", "type-error", ...
  std::string message;
  std::string hint;
  std::string sourceLine;  // the line of the file the location points into, when known

  /// "file:line:col: error[code]: message", then the source line and a caret under the column,
  /// then the hint.
  std::string render() const;
};

struct RuleFileInput {
  std::string name;  // as errors name it
  std::string text;
  bool builtin = false;
};

struct RuleSet {
  std::vector<Rule> rules;  // in load order; disabled ones included
  std::vector<RuleDiagnostic> diagnostics;
};

/// Loads the given files (built-in ones first, in the order given).
RuleSet loadRules(const std::vector<RuleFileInput>& files);

/// The built-in rule files (compiled in), then every *.yaml / *.yml of each directory, sorted by
/// name. Throws core::UserError for a path that is not a readable directory or a file over 1 MB.
std::vector<RuleFileInput> ruleInputs(const std::vector<std::filesystem::path>& directories);

}  // namespace jobtuner::analyzers

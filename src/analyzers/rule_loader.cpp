#include "analyzers/rule_loader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "analyzers/builtin_rules.h"
#include "core/nearest_name.h"
#include "core/yaml_text.h"

namespace jobtuner::analyzers {

namespace fs = std::filesystem;

namespace {

// Rule files are written by people: a megabyte is hundreds of rules. Larger files are refused
// before they are read whole.
constexpr uintmax_t kMaxRuleFileBytes = 1 << 20;

const std::vector<std::string> kRuleKeys = {"id", "title", "description", "scope", "params", "when",
                                            "severity", "evidence", "message", "advice", "enabled"};
const std::vector<std::string> kOverrideKeys = {"override", "title", "description", "params", "when",
                                                "severity", "evidence", "message", "advice", "enabled"};

struct Text {
  std::string value;
  core::SourceLocation at;
};

struct Draft {
  bool isOverride = false;
  Text id;  // the rule's id, or the id an override targets
  std::optional<Text> title, description, scope, when, message;
  std::optional<std::vector<std::pair<Severity, Text>>> severity;
  std::optional<std::vector<Text>> evidence, advice;
  std::vector<std::pair<std::string, Text>> params;
  std::optional<bool> enabled;
  size_t file = 0;
};

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

/// Reads one file's YAML into drafts, reporting what is wrong with its shape.
class FileReader {
 public:
  FileReader(const RuleFileInput& input, size_t fileIndex, std::vector<RuleDiagnostic>& diagnostics)
      : input_(input), fileIndex_(fileIndex), lines_(splitLines(input.text)), diagnostics_(diagnostics) {}

  std::vector<Draft> read() {
    YAML::Node root;
    try {
      root = core::loadYaml(input_.text, input_.name);
    } catch (const core::UserError& error) {
      report(error.location(), "yaml-syntax", error.message(), error.hint());
      return {};
    }
    std::vector<Draft> drafts;
    if (!root || root.IsNull()) return drafts;  // an empty file holds no rules
    if (!root.IsSequence()) {
      report(at(root.Mark()), "bad-structure", "a rule file is a YAML list of rules", "start each rule with '- id: NAME'");
      return drafts;
    }
    for (const YAML::Node& item : root) {
      if (!item.IsMap()) {
        report(at(item.Mark()), "bad-structure", "each item of a rule file is a map with id, title, scope, when and message");
        continue;
      }
      if (std::optional<Draft> draft = readRule(item)) drafts.push_back(std::move(*draft));
    }
    return drafts;
  }

  bool failed() const { return failed_; }

 private:
  core::SourceLocation at(const YAML::Mark& mark) const { return core::yamlLocation(input_.name, mark); }

  /// Where a scalar's text starts: past the opening quote; on the next line for | and > blocks.
  core::SourceLocation textStart(const YAML::Node& node) const {
    core::SourceLocation location = at(node.Mark());
    if (location.line <= 0 || static_cast<size_t>(location.line) > lines_.size()) return location;
    const std::string& line = lines_[static_cast<size_t>(location.line - 1)];
    size_t column = static_cast<size_t>(location.column - 1);
    if (column < line.size() && (line[column] == '"' || line[column] == '\'')) {
      ++location.column;
    } else if (column < line.size() && (line[column] == '|' || line[column] == '>')) {
      if (static_cast<size_t>(location.line) < lines_.size()) {
        const std::string& next = lines_[static_cast<size_t>(location.line)];
        ++location.line;
        location.column = static_cast<int64_t>(next.find_first_not_of(' ') == std::string::npos ? 0 : next.find_first_not_of(' ')) + 1;
      }
    }
    return location;
  }

  void report(const core::SourceLocation& location, std::string code, std::string message, std::string hint = {}) {
    failed_ = true;
    diagnostics_.push_back(RuleDiagnostic{location, std::move(code), std::move(message), std::move(hint), {}});
  }

  std::optional<Text> scalar(const YAML::Node& node, std::string_view key) {
    if (!node.IsScalar()) {
      report(at(node.Mark()), "bad-value", fmt::format("'{}' must be a single value", key));
      return std::nullopt;
    }
    return Text{node.Scalar(), textStart(node)};
  }

  std::optional<std::vector<Text>> scalarList(const YAML::Node& node, std::string_view key) {
    if (!node.IsSequence()) {
      report(at(node.Mark()), "bad-value", fmt::format("'{}' must be a list", key), fmt::format("{}: [a, b]", key));
      return std::nullopt;
    }
    std::vector<Text> items;
    for (const YAML::Node& item : node) {
      std::optional<Text> text = scalar(item, key);
      if (!text) return std::nullopt;
      items.push_back(std::move(*text));
    }
    return items;
  }

  std::optional<Draft> readRule(const YAML::Node& item) {
    Draft draft;
    draft.file = fileIndex_;
    draft.isOverride = static_cast<bool>(item["override"]);
    const std::vector<std::string>& keys = draft.isOverride ? kOverrideKeys : kRuleKeys;
    bool ok = true;
    for (auto entry = item.begin(); entry != item.end(); ++entry) {
      std::string key = entry->first.Scalar();
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        std::string message = fmt::format("unknown key '{}'{}", key, core::didYouMean(key, keys));
        if (draft.isOverride && key == "scope") message = "an override cannot change a rule's scope";
        if (draft.isOverride && key == "id") message = "an item has both 'id' and 'override'";
        report(at(entry->first.Mark()), "unknown-key", message,
               fmt::format("a {} has the keys: {}", draft.isOverride ? "rule override" : "rule", fmt::join(keys, ", ")));
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    const char* idKey = draft.isOverride ? "override" : "id";
    if (!item[idKey]) {
      report(at(item.Mark()), "missing-key", "the rule has no id", "add id: my-rule-name");
      return std::nullopt;
    }
    std::optional<Text> id = scalar(item[idKey], idKey);
    if (!id) return std::nullopt;
    bool validId = !id->value.empty() && std::all_of(id->value.begin(), id->value.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    if (!validId) {
      report(id->at, "bad-value", fmt::format("the rule id '{}' may hold only lowercase letters, digits, - and _", id->value));
      return std::nullopt;
    }
    draft.id = *id;
    auto optionalScalar = [&](const char* key, std::optional<Text>& into) {
      if (YAML::Node node = item[key]) {
        into = scalar(node, key);
        ok = ok && into.has_value();
      }
    };
    optionalScalar("title", draft.title);
    optionalScalar("description", draft.description);
    optionalScalar("scope", draft.scope);
    optionalScalar("when", draft.when);
    optionalScalar("message", draft.message);
    if (YAML::Node node = item["evidence"]) {
      draft.evidence = scalarList(node, "evidence");
      ok = ok && draft.evidence.has_value();
    }
    if (YAML::Node node = item["advice"]) {
      draft.advice = scalarList(node, "advice");
      ok = ok && draft.advice.has_value();
    }
    if (YAML::Node node = item["enabled"]) {
      std::optional<Text> text = scalar(node, "enabled");
      if (text && (text->value == "true" || text->value == "false")) {
        draft.enabled = text->value == "true";
      } else if (text) {
        report(text->at, "bad-value", fmt::format("enabled is true or false, not '{}'", text->value));
        ok = false;
      }
    }
    if (YAML::Node node = item["params"]) {
      if (!node.IsMap()) {
        report(at(node.Mark()), "bad-value", "params must be a map of names to values", "params: {min_tasks: 4, min_slowest: 3s}");
        ok = false;
      } else {
        for (auto entry = node.begin(); entry != node.end(); ++entry) {
          std::optional<Text> value = scalar(entry->second, "a param");
          if (!value) {
            ok = false;
            continue;
          }
          draft.params.emplace_back(entry->first.Scalar(), *value);
        }
      }
    }
    if (YAML::Node node = item["severity"]) ok = readSeverity(node, draft) && ok;
    if (!draft.isOverride) {
      std::vector<std::string> missing;
      for (const char* key : {"title", "scope", "when", "message"}) {
        if (!item[key]) missing.emplace_back(key);
      }
      if (!missing.empty()) {
        report(at(item.Mark()), "missing-key", fmt::format("the rule '{}' has no {}", draft.id.value, fmt::join(missing, ", ")),
               "every rule has id, title, scope, when and message");
        ok = false;
      }
    }
    return ok ? std::optional<Draft>(std::move(draft)) : std::nullopt;
  }

  bool readSeverity(const YAML::Node& node, Draft& draft) {
    if (!node.IsMap()) {
      report(at(node.Mark()), "bad-value", "severity must be a map of levels to conditions",
             "severity: {severe: max(duration_ms) > 1min, moderate: true}");
      return false;
    }
    std::vector<std::pair<Severity, Text>> levels;
    bool ok = true;
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      std::string level = entry->first.Scalar();
      std::optional<Severity> severity = parseSeverity(level);
      if (!severity || level != toString(*severity)) {
        report(at(entry->first.Mark()), "unknown-key", fmt::format("unknown severity level '{}'{}", level, core::didYouMean(level, severityNames())),
               "the levels are critical, severe, moderate and low");
        ok = false;
        continue;
      }
      if (!entry->second || entry->second.IsNull() || (entry->second.IsScalar() && entry->second.Scalar().empty())) {
        report(at(entry->first.Mark()), "empty-level", fmt::format("the severity level '{}' has no condition", level),
               fmt::format("write {}: CONDITION, or {}: true for the level that applies otherwise", level, level));
        ok = false;
        continue;
      }
      std::optional<Text> condition = scalar(entry->second, level);
      if (!condition) {
        ok = false;
        continue;
      }
      levels.emplace_back(*severity, *condition);
    }
    // Tried from the most severe down, whatever order the file lists them in.
    std::stable_sort(levels.begin(), levels.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    draft.severity = std::move(levels);
    return ok;
  }

  const RuleFileInput& input_;
  size_t fileIndex_;
  std::vector<std::string> lines_;
  std::vector<RuleDiagnostic>& diagnostics_;
  bool failed_ = false;
};

/// Classifies a compile error by its wording, for the error[code] of the diagnostic.
std::string codeForCompileError(const std::string& message) {
  if (message.starts_with("unknown function")) return "unknown-function";
  if (message.starts_with("unknown name") || message.starts_with("unknown task metric")) return "unknown-name";
  if (message.starts_with("unknown unit") || message.find("ambiguous") != std::string::npos) return "bad-unit";
  if (message.find("cannot combine") != std::string::npos || message.find("cannot compare") != std::string::npos ||
      message.find(" needs ") != std::string::npos || message.find("must be a condition") != std::string::npos ||
      message.find("is a task metric") != std::string::npos || message.find("the default is") != std::string::npos ||
      message.find(" is a ") != std::string::npos) {
    return "type-error";
  }
  return "syntax";
}

class Assembler {
 public:
  Assembler(const std::vector<RuleFileInput>& files, std::vector<std::vector<Draft>>& drafts,
            std::set<size_t>& badFiles, std::vector<RuleDiagnostic>& diagnostics)
      : files_(files), drafts_(drafts), badFiles_(badFiles), diagnostics_(diagnostics) {}

  /// Assembles and compiles the drafts of the files not yet bad; returns the files found bad.
  std::set<size_t> run(std::vector<Rule>& rules) {
    newlyBad_.clear();
    rules.clear();
    std::map<std::string, std::vector<const Draft*>> byId;  // base draft then its overrides
    std::vector<std::string> order;
    for (size_t file = 0; file < drafts_.size(); ++file) {
      if (badFiles_.count(file)) continue;
      for (const Draft& draft : drafts_[file]) {
        if (draft.isOverride) continue;
        auto existing = byId.find(draft.id.value);
        if (existing != byId.end()) {
          report(draft.id.at, "duplicate-id",
                 fmt::format("duplicate rule id '{}' (first defined at {})", draft.id.value, existing->second.front()->id.at.toString()),
                 fmt::format("give this rule another id, or write 'override: {}' to change the existing one", draft.id.value));
          continue;
        }
        byId[draft.id.value].push_back(&draft);
        order.push_back(draft.id.value);
      }
    }
    for (size_t file = 0; file < drafts_.size(); ++file) {
      if (badFiles_.count(file)) continue;
      for (const Draft& draft : drafts_[file]) {
        if (!draft.isOverride) continue;
        auto target = byId.find(draft.id.value);
        if (target == byId.end()) {
          report(draft.id.at, "unknown-rule", fmt::format("no rule '{}' to override{}", draft.id.value, core::didYouMean(draft.id.value, order)),
                 "list the rules with: jobtuner rules list");
          continue;
        }
        target->second.push_back(&draft);
      }
    }
    for (const std::string& id : order) {
      if (std::optional<Rule> rule = compile(byId[id])) rules.push_back(std::move(*rule));
    }
    return newlyBad_;
  }

 private:
  void report(const core::SourceLocation& location, std::string code, std::string message, std::string hint = {}) {
    for (size_t file = 0; file < files_.size(); ++file) {
      if (files_[file].name == location.file) newlyBad_.insert(file);
    }
    diagnostics_.push_back(RuleDiagnostic{location, std::move(code), std::move(message), std::move(hint), {}});
  }

  std::optional<Rule> compile(const std::vector<const Draft*>& layers) {
    const Draft& base = *layers.front();
    // The merged texts: each override replaces the keys it names.
    Draft merged = base;
    std::map<std::string, Text> params;
    std::map<std::string, RuleParam> baseParams;
    Rule rule;
    rule.id = base.id.value;
    rule.location = base.id.at;
    rule.builtin = files_[base.file].builtin;
    bool ok = true;
    for (const auto& [name, text] : base.params) {
      params[name] = text;
      try {
        baseParams[name] = parseRuleParam(text.value, text.at);
      } catch (const core::UserError& error) {
        report(error.location(), "bad-value", error.message(), error.hint());
        ok = false;
      }
    }
    for (size_t i = 1; i < layers.size(); ++i) {
      const Draft& layer = *layers[i];
      rule.overriddenAt.push_back(layer.id.at);
      if (layer.title) merged.title = layer.title;
      if (layer.description) merged.description = layer.description;
      if (layer.when) merged.when = layer.when;
      if (layer.message) merged.message = layer.message;
      if (layer.severity) merged.severity = layer.severity;
      if (layer.evidence) merged.evidence = layer.evidence;
      if (layer.advice) merged.advice = layer.advice;
      if (layer.enabled) merged.enabled = layer.enabled;
      for (const auto& [name, text] : layer.params) {
        std::vector<std::string> known;
        for (const auto& [baseName, unused] : base.params) known.push_back(baseName);
        if (!params.count(name)) {
          report(text.at, "unknown-param", fmt::format("the rule '{}' has no param '{}'{}", rule.id, name, core::didYouMean(name, known)),
                 known.empty() ? "this rule has no params: override its when or severity instead"
                               : fmt::format("its params are: {}", fmt::join(known, ", ")));
          ok = false;
          continue;
        }
        params[name] = text;
      }
    }
    if (!ok) return std::nullopt;

    rule.title = merged.title->value;
    rule.description = merged.description ? merged.description->value : "";
    rule.enabled = merged.enabled.value_or(true);
    std::optional<ScopeKind> scope = parseScopeKind(merged.scope->value);
    if (!scope) {
      report(merged.scope->at, "bad-value",
             fmt::format("unknown scope '{}'{}", merged.scope->value, core::didYouMean(merged.scope->value, scopeKindNames())),
             "the scopes are app, job, stage and executor");
      return std::nullopt;
    }
    rule.scope = *scope;
    try {
      for (const auto& [name, text] : params) {
        RuleParam param = parseRuleParam(text.value, text.at);
        const RuleParam& declared = baseParams.at(name);
        if (param.type != declared.type) {
          throw core::UserError(text.at, fmt::format("the param '{}' is {} in the rule, but '{}' is {}", name, describe(declared.type),
                                                     text.value, describe(param.type)),
                                fmt::format("write it like the rule's default, {}", declared.text));
        }
        rule.params[name] = param;
      }
      auto condition = [&](const Text& text, const char* what) {
        RuleExpression expression = RuleExpression::compile(text.value, text.at, rule.scope, rule.params);
        if (expression.type() != ValueType::boolean()) {
          throw core::UserError(text.at, fmt::format("{} must be a condition (a boolean), but this is {}", what, describe(expression.type())),
                                "compare it to something, e.g. max(duration_ms) > 10s");
        }
        return expression;
      };
      rule.when = condition(*merged.when, "when");
      rule.whenText = merged.when->value;
      if (merged.severity) {
        for (const auto& [severity, text] : *merged.severity) {
          rule.levels.emplace_back(severity, condition(text, "a severity level"));
          rule.levelTexts.emplace_back(severity, text.value);
        }
      }
      if (merged.evidence) {
        for (const Text& text : *merged.evidence) {
          rule.evidence.push_back(RuleExpression::compile(text.value, text.at, rule.scope, rule.params));
        }
      }
      rule.message = MessageTemplate::compile(merged.message->value, merged.message->at, rule.scope, rule.params);
      rule.messageText = merged.message->value;
      if (merged.advice) {
        for (const Text& tag : *merged.advice) {
          bool valid = !tag.value.empty() && std::all_of(tag.value.begin(), tag.value.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
          });
          if (!valid) {
            throw core::UserError(tag.at, fmt::format("the advice tag '{}' may hold only lowercase letters, digits and _", tag.value));
          }
          rule.advice.push_back(tag.value);
        }
      }
    } catch (const core::UserError& error) {
      report(error.location(), codeForCompileError(error.message()), error.message(), error.hint());
      return std::nullopt;
    }
    return rule;
  }

  const std::vector<RuleFileInput>& files_;
  std::vector<std::vector<Draft>>& drafts_;
  std::set<size_t>& badFiles_;
  std::vector<RuleDiagnostic>& diagnostics_;
  std::set<size_t> newlyBad_;
};

}  // namespace

std::string RuleDiagnostic::render() const {
  std::string text = fmt::format("{}: error[{}]: {}", location.toString(), code, message);
  if (!sourceLine.empty()) {
    text += "\n  " + sourceLine;
    if (location.column > 0) text += "\n  " + std::string(static_cast<size_t>(location.column - 1), ' ') + "^";
  }
  if (!hint.empty()) text += "\n  " + hint;
  return text;
}

RuleSet loadRules(const std::vector<RuleFileInput>& files) {
  RuleSet set;
  std::vector<std::vector<Draft>> drafts(files.size());
  std::set<size_t> badFiles;
  for (size_t i = 0; i < files.size(); ++i) {
    FileReader reader(files[i], i, set.diagnostics);
    drafts[i] = reader.read();
    if (reader.failed()) badFiles.insert(i);
  }
  // A file found bad while assembling or compiling takes its rules and overrides out, which can
  // change what the others compile to: repeat until no new file turns bad.
  Assembler assembler(files, drafts, badFiles, set.diagnostics);
  for (;;) {
    std::set<size_t> newlyBad = assembler.run(set.rules);
    size_t before = badFiles.size();
    badFiles.insert(newlyBad.begin(), newlyBad.end());
    if (badFiles.size() == before) break;
  }
  // One report per problem, with the line it points into.
  std::vector<RuleDiagnostic> unique;
  std::set<std::string> seen;
  std::map<std::string, std::vector<std::string>> linesOf;
  for (RuleDiagnostic& diagnostic : set.diagnostics) {
    for (const RuleFileInput& file : files) {
      if (file.name != diagnostic.location.file || diagnostic.location.line <= 0) continue;
      auto [lines, unread] = linesOf.try_emplace(file.name);
      if (unread) lines->second = splitLines(file.text);
      if (static_cast<size_t>(diagnostic.location.line) <= lines->second.size()) {
        diagnostic.sourceLine = lines->second[static_cast<size_t>(diagnostic.location.line - 1)];
      }
    }
    if (seen.insert(diagnostic.render()).second) unique.push_back(std::move(diagnostic));
  }
  // In file order, then by place, as a reader goes through the files.
  auto fileRank = [&](const std::string& name) {
    for (size_t i = 0; i < files.size(); ++i) {
      if (files[i].name == name) return i;
    }
    return files.size();
  };
  std::stable_sort(unique.begin(), unique.end(), [&](const RuleDiagnostic& a, const RuleDiagnostic& b) {
    return std::make_tuple(fileRank(a.location.file), a.location.line, a.location.column) <
           std::make_tuple(fileRank(b.location.file), b.location.line, b.location.column);
  });
  set.diagnostics = std::move(unique);
  return set;
}

std::vector<RuleFileInput> ruleInputs(const std::vector<fs::path>& directories) {
  std::vector<RuleFileInput> inputs;
  for (const RuleFileText& file : builtinRuleFiles()) {
    if (file.name.find("/catalog/") != std::string::npos) continue;
    inputs.push_back(RuleFileInput{file.name, file.text, true});
  }
  auto readFile = [&](const fs::path& path) {
    std::error_code error;
    if (fs::file_size(path, error) > kMaxRuleFileBytes) {
      throw core::UserError(core::SourceLocation{path.string()}, "larger than 1 MB: not a rule file",
                            "rule files hold a few rules each; split large sets into several files");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw core::UserError(core::SourceLocation{path.string()}, "cannot read the rule file", "check the path and its permissions");
    std::ostringstream text;
    text << in.rdbuf();
    inputs.push_back(RuleFileInput{path.string(), text.str(), false});
  };
  for (const fs::path& directory : directories) {
    std::error_code error;
    if (!fs::is_directory(directory, error)) {
      throw core::UserError(core::SourceLocation{directory.string()}, "not a directory of rule files",
                            "give --rules a directory holding *.yaml rule files");
    }
    std::vector<fs::path> paths;
    for (const fs::directory_entry& entry : fs::directory_iterator(directory)) {
      std::string extension = entry.path().extension().string();
      if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& path : paths) readFile(path);
  }
  return inputs;
}

}  // namespace jobtuner::analyzers

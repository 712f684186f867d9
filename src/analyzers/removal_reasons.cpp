#include "analyzers/removal_reasons.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <set>
#include <stdexcept>

#include "analyzers/builtin_rules.h"
#include "core/nearest_name.h"
#include "core/yaml_text.h"

namespace jobtuner::analyzers {

namespace {

using core::SourceLocation;
using core::UserError;

const char* const kBuiltinCatalogName = "rules/catalog/removal_reasons.yaml";

// The classes an entry may name, in RemovalClass order; kUnknown and kNotRemoved are what
// classify() answers without an entry, so a catalogue cannot claim them.
const std::vector<RemovalClass> kCatalogClasses = {
    RemovalClass::kMemoryLimit,      RemovalClass::kLostProcess, RemovalClass::kLostNode,
    RemovalClass::kHeartbeatTimeout, RemovalClass::kPreempted,   RemovalClass::kDynamicAllocation,
    RemovalClass::kDecommissioned,   RemovalClass::kShutdown};

const std::vector<std::string> kEntryKeys = {"class", "description", "patterns", "examples"};

std::vector<std::string> catalogClassNames() {
  std::vector<std::string> names;
  for (RemovalClass removalClass : kCatalogClasses) names.emplace_back(toString(removalClass));
  return names;
}

// std::regex_error::what() differs between standard libraries; users get the same words everywhere.
std::string describeRegexError(std::regex_constants::error_type code) {
  namespace rc = std::regex_constants;
  if (code == rc::error_paren) return "a '(' or ')' has no partner";
  if (code == rc::error_brack) return "a '[' has no closing ']'";
  if (code == rc::error_brace) return "a '{' has no closing '}'";
  if (code == rc::error_badbrace) return "a {n,m} repeat is malformed";
  if (code == rc::error_range) return "a character range like [z-a] runs backwards";
  if (code == rc::error_badrepeat) return "a *, +, ? or {n} repeats nothing";
  if (code == rc::error_escape) return "a backslash escapes nothing it can";
  if (code == rc::error_backref) return "a back-reference names no group";
  if (code == rc::error_ctype || code == rc::error_collate) return "a [[:class:]] or [[.name.]] is unknown";
  if (code == rc::error_complexity || code == rc::error_stack || code == rc::error_space) return "it is too complex";
  return "it is not a valid ECMAScript regular expression";
}

// What reading a file yields besides the entries: each entry's compiled patterns and where each
// of its examples stands, for the example check that follows.
struct ReadEntry {
  RemovalCatalogEntry entry;
  std::vector<std::regex> patterns;
  std::vector<SourceLocation> exampleLocations;
};

class CatalogReader {
 public:
  explicit CatalogReader(std::string file) : file_(std::move(file)) {}

  std::vector<ReadEntry> read(std::string_view text) const {
    YAML::Node root = core::loadYaml(std::string(text), file_);
    if (!root.IsSequence()) {
      throw UserError(SourceLocation{file_, 1, 1},
                      "a removal-reason catalogue is a YAML list of entries, each with class, description, "
                      "patterns and examples");
    }
    std::vector<ReadEntry> entries;
    for (const YAML::Node& item : root) entries.push_back(readEntry(item, entries));
    return entries;
  }

 private:
  SourceLocation at(const YAML::Mark& mark) const { return core::yamlLocation(file_, mark); }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) throw UserError(at(node.Mark()), fmt::format("{} must be a single value", what));
    return node.Scalar();
  }

  void checkKeys(const YAML::Node& map) const {
    std::set<std::string> seen;
    for (auto entry = map.begin(); entry != map.end(); ++entry) {
      YAML::Node key = entry->first;
      std::string name = scalar(key, "a key");
      if (!seen.insert(name).second) throw UserError(at(key.Mark()), fmt::format("the key '{}' appears twice", name));
      if (std::find(kEntryKeys.begin(), kEntryKeys.end(), name) != kEntryKeys.end()) continue;
      throw UserError(at(key.Mark()),
                      fmt::format("unknown key '{}' in a catalogue entry{}", name, core::didYouMean(name, kEntryKeys)),
                      fmt::format("valid keys: {}", fmt::join(kEntryKeys, ", ")));
    }
  }

  RemovalClass readClass(const YAML::Node& item, const std::vector<ReadEntry>& earlier) const {
    YAML::Node node = item["class"];
    if (!node) throw UserError(at(item.Mark()), "the entry has no class", "add class: one of " + classList());
    std::string name = scalar(node, "class");
    auto known = std::find_if(kCatalogClasses.begin(), kCatalogClasses.end(),
                              [&](RemovalClass removalClass) { return name == toString(removalClass); });
    if (known == kCatalogClasses.end()) {
      throw UserError(at(node.Mark()),
                      fmt::format("unknown removal class '{}'{}", name, core::didYouMean(name, catalogClassNames())),
                      "classes: " + classList());
    }
    for (const ReadEntry& other : earlier) {
      if (other.entry.removalClass == *known) {
        throw UserError(at(node.Mark()),
                        fmt::format("the class '{}' already has an entry at line {}", name, other.entry.location.line),
                        "merge the two entries' patterns and examples");
      }
    }
    return *known;
  }

  // A non-empty list of texts, with the node of each; `hint` says what to add when it is missing.
  std::vector<std::string> readTexts(const YAML::Node& item, const std::string& key, const std::string& className,
                                     const std::string& hint, std::vector<YAML::Node>& nodes) const {
    YAML::Node list = item[key];
    if (list && !list.IsSequence() && !list.IsNull()) {
      throw UserError(at(list.Mark()), fmt::format("{} must be a list", key));
    }
    if (!list || list.size() == 0) {
      throw UserError(at(list ? list.Mark() : item.Mark()), fmt::format("the entry for '{}' has no {}", className, key),
                      hint);
    }
    std::vector<std::string> texts;
    for (const YAML::Node& node : list) {
      texts.push_back(scalar(node, "each of " + key));
      nodes.push_back(node);
    }
    return texts;
  }

  std::regex compile(const std::string& pattern, const YAML::Node& node) const {
    if (pattern.empty()) {
      throw UserError(at(node.Mark()), "an empty pattern matches every reason", "write words the reason contains");
    }
    try {
      return std::regex(pattern, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    } catch (const std::regex_error& error) {
      throw UserError(at(node.Mark()),
                      fmt::format("bad regular expression '{}': {}", pattern, describeRegexError(error.code())),
                      "patterns are ECMAScript regular expressions; in single quotes a backslash stays as written");
    }
  }

  ReadEntry readEntry(const YAML::Node& item, const std::vector<ReadEntry>& earlier) const {
    if (!item.IsMap()) {
      throw UserError(at(item.Mark()), "a catalogue entry is a map with class, description, patterns and examples");
    }
    checkKeys(item);
    ReadEntry read;
    RemovalCatalogEntry& entry = read.entry;
    entry.location = at(item.Mark());
    entry.removalClass = readClass(item, earlier);
    std::string className = toString(entry.removalClass);
    YAML::Node description = item["description"];
    if (!description) {
      throw UserError(entry.location, fmt::format("the entry for '{}' has no description", className),
                      "add description: one line that findings show");
    }
    entry.description = scalar(description, "description");
    std::vector<YAML::Node> patternNodes, exampleNodes;
    entry.patterns = readTexts(item, "patterns", className,
                               "add patterns: a list of regular expressions, e.g. - 'worker lost'", patternNodes);
    for (size_t i = 0; i < entry.patterns.size(); ++i) {
      read.patterns.push_back(compile(entry.patterns[i], patternNodes[i]));
    }
    entry.examples = readTexts(item, "examples", className,
                               "add examples: reasons, worded as Spark or the cluster manager words them, that this "
                               "entry must classify",
                               exampleNodes);
    for (const YAML::Node& node : exampleNodes) read.exampleLocations.push_back(at(node.Mark()));
    return read;
  }

  std::string classList() const { return fmt::format("{}", fmt::join(catalogClassNames(), ", ")); }

  std::string file_;
};

}  // namespace

const char* toString(RemovalClass removalClass) {
  switch (removalClass) {
    case RemovalClass::kMemoryLimit: return "memory_limit";
    case RemovalClass::kLostProcess: return "lost_process";
    case RemovalClass::kLostNode: return "lost_node";
    case RemovalClass::kHeartbeatTimeout: return "heartbeat_timeout";
    case RemovalClass::kPreempted: return "preempted";
    case RemovalClass::kDynamicAllocation: return "dynamic_allocation";
    case RemovalClass::kDecommissioned: return "decommissioned";
    case RemovalClass::kShutdown: return "shutdown";
    case RemovalClass::kUnknown: return "unknown";
    case RemovalClass::kNotRemoved: return "not_removed";
  }
  return "unknown";
}

bool isLoss(RemovalClass removalClass) {
  switch (removalClass) {
    case RemovalClass::kMemoryLimit:
    case RemovalClass::kLostProcess:
    case RemovalClass::kLostNode:
    case RemovalClass::kHeartbeatTimeout:
    case RemovalClass::kPreempted:
      return true;
    // An unknown reason is not evidence of a loss: counting it would turn every wording the
    // catalogue has not learnt yet (a new Spark version, a vendor's fork) into a finding.
    case RemovalClass::kUnknown:
    case RemovalClass::kDynamicAllocation:
    case RemovalClass::kDecommissioned:
    case RemovalClass::kShutdown:
    case RemovalClass::kNotRemoved:
      return false;
  }
  return false;
}

struct RemovalCatalog::Compiled {
  std::vector<std::regex> patterns;
};

RemovalCatalog RemovalCatalog::parse(std::string_view text, const std::string& fileName) {
  std::vector<ReadEntry> read = CatalogReader(fileName).read(text);
  RemovalCatalog catalog;
  for (ReadEntry& entry : read) {
    catalog.entries_.push_back(entry.entry);
    catalog.compiled_.push_back(std::make_shared<const Compiled>(Compiled{std::move(entry.patterns)}));
  }
  // An example that another entry claims first means the order is wrong for it: saying so at
  // load time keeps a user's edit from misclassifying in silence.
  for (const ReadEntry& entry : read) {
    RemovalClass expected = entry.entry.removalClass;
    for (size_t i = 0; i < entry.entry.examples.size(); ++i) {
      RemovalClass got = catalog.classify(entry.entry.examples[i]);
      if (got == expected) continue;
      std::string why = got == RemovalClass::kUnknown
                            ? "none of its patterns matches it"
                            : fmt::format("the entry for '{}' at line {} matches it first", toString(got),
                                          catalog.entryFor(got)->location.line);
      throw UserError(entry.exampleLocations[i],
                      fmt::format("this example does not classify as '{}': {}", toString(expected), why),
                      "fix the patterns, or move the more specific entry before the other");
    }
  }
  return catalog;
}

const RemovalCatalog& RemovalCatalog::builtin() {
  static const RemovalCatalog kCatalog = [] {
    for (const RuleFileText& file : builtinRuleFiles()) {
      if (file.name == kBuiltinCatalogName) return parse(file.text, file.name);
    }
    throw std::logic_error(std::string(kBuiltinCatalogName) + " is not among the built-in rule files");
  }();
  return kCatalog;
}

RemovalClass RemovalCatalog::classify(std::string_view reason, bool removed) const {
  if (reason.empty() && !removed) return RemovalClass::kNotRemoved;
  for (size_t i = 0; i < entries_.size(); ++i) {
    for (const std::regex& pattern : compiled_[i]->patterns) {
      if (std::regex_search(reason.begin(), reason.end(), pattern)) return entries_[i].removalClass;
    }
  }
  return RemovalClass::kUnknown;
}

const RemovalCatalogEntry* RemovalCatalog::entryFor(RemovalClass removalClass) const {
  for (const RemovalCatalogEntry& entry : entries_) {
    if (entry.removalClass == removalClass) return &entry;
  }
  return nullptr;
}

}  // namespace jobtuner::analyzers

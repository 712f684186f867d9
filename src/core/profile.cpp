#include "core/profile.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "core/nearest_name.h"
#include "core/yaml_text.h"

namespace jobtuner::core {

namespace fs = std::filesystem;

namespace {

// A profile is a few dozen lines; anything far larger is not one, and is not read into memory.
constexpr uintmax_t kMaxProfileBytes = 1 << 20;
// Deeper extends chains than this are a mistake long before they are a cycle.
constexpr size_t kMaxExtendsDepth = 16;

using Member = std::variant<int64_t Profile::*, double Profile::*, bool Profile::*>;

struct Binding {
  std::string_view name;
  Member member;
};

// The typed member behind each catalogue setting. A test checks that every catalogue setting has
// one, so a key added to the catalogue without a member fails loudly.
const std::array kBindings{
    Binding{"executors", &Profile::executors},
    Binding{"executor_cores", &Profile::executorCores},
    Binding{"executor_memory", &Profile::executorMemoryBytes},
    Binding{"memory_overhead", &Profile::memoryOverheadBytes},
    Binding{"memory_fraction", &Profile::memoryFraction},
    Binding{"storage_fraction", &Profile::storageFraction},
    Binding{"max_executor_failures", &Profile::maxExecutorFailures},
    Binding{"heartbeat_interval", &Profile::heartbeatIntervalMs},
    Binding{"network_timeout", &Profile::networkTimeoutMs},
    Binding{"shuffle_partitions", &Profile::shufflePartitions},
    Binding{"broadcast_threshold", &Profile::broadcastThresholdBytes},
    Binding{"max_partition_bytes", &Profile::maxPartitionBytes},
    Binding{"task_max_failures", &Profile::taskMaxFailures},
    Binding{"speculation", &Profile::speculation},
    Binding{"speculation_multiplier", &Profile::speculationMultiplier},
    Binding{"speculation_quantile", &Profile::speculationQuantile},
    Binding{"speculation_min_runtime", &Profile::speculationMinRuntimeMs},
};

const Binding& bindingOf(std::string_view name) {
  for (const Binding& binding : kBindings) {
    if (binding.name == name) return binding;
  }
  throw std::out_of_range("no profile member for setting " + std::string(name));
}

/// User text for a message: quoted, control characters escaped, long text cut.
std::string shown(std::string_view text) {
  std::string result = "'";
  for (char c : text.substr(0, 80)) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) result += fmt::format("\\x{:02x}", byte);
    else result += c;
  }
  if (text.size() > 80) result += "...";
  return result + "'";
}

SourceLocation locationOf(const std::string& file, const YAML::Mark& mark) { return yamlLocation(file, mark); }

std::string_view shapeOf(const YAML::Node& node) {
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  if (node.IsNull()) return "empty";
  return "a single value";
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

/// "did you mean 'x'?" when a name is close, else the list of valid names.
std::string unknownNameHint(std::string_view name, const std::vector<std::string>& candidates) {
  if (std::optional<std::string> nearest = nearestName(name, candidates)) {
    return "did you mean '" + *nearest + "'?";
  }
  return "valid keys: " + joined(candidates);
}

std::vector<std::string> settingNames() {
  std::vector<std::string> names;
  for (const ProfileSetting& setting : profileSettings()) names.emplace_back(setting.name);
  return names;
}

/// Reads one profile file after another along its extends chain, collecting every problem.
class ProfileReader {
 public:
  explicit ProfileReader(Profile& profile) : profile_(profile) {}

  /// Reads `path` into the profile; `extendedFrom` is where the child names it (empty for the
  /// file the user gave).
  void read(const fs::path& path, const std::optional<SourceLocation>& extendedFrom) {
    fs::path canonical = fs::weakly_canonical(fs::absolute(path));
    if (std::find(chain_.begin(), chain_.end(), canonical) != chain_.end()) {
      std::string cycle;
      for (const fs::path& file : chain_) cycle += file.filename().string() + " -> ";
      problem(*extendedFrom, "extends cycle: " + cycle + canonical.filename().string(),
              "a profile cannot extend itself, directly or through others: remove one of these extends");
      return;
    }
    if (chain_.size() >= kMaxExtendsDepth) {
      problem(*extendedFrom, fmt::format("extends chain deeper than {} profiles", kMaxExtendsDepth),
              "layer fewer profiles");
      return;
    }
    std::optional<std::string> text = readText(path, extendedFrom);
    if (!text) return;
    std::string file = path.string();
    std::vector<YAML::Node> documents;
    try {
      documents = YAML::LoadAll(*text);
    } catch (const YAML::Exception& error) {
      problem(locationOf(file, error.mark), "YAML syntax error: " + error.msg,
              "check the indentation, colons and quotes at this place");
      return;
    }
    profile_.files.push_back(path);
    if (documents.size() > 1) {
      problem(locationOf(file, documents[1].Mark()), "a profile is one YAML document, this file holds several",
              "remove the '---' line and what follows, or merge the documents");
    }
    if (documents.empty() || documents[0].IsNull()) return;  // an empty profile changes nothing
    const YAML::Node& root = documents[0];
    if (!root.IsMap()) {
      problem(locationOf(file, root.Mark()), fmt::format("a profile is a map of keys, this file holds {}", shapeOf(root)),
              "write one key per line, e.g. 'executors: 4'");
      return;
    }

    chain_.push_back(canonical);
    // The parent is read first so that every key of this file overrides it, wherever `extends`
    // sits in the file.
    if (const YAML::Node parent = root["extends"]; parent) readExtends(file, path, parent);
    readKeys(file, root);
    chain_.pop_back();
  }

  std::vector<UserError> takeProblems() { return std::move(problems_); }

 private:
  void problem(SourceLocation location, const std::string& message, std::string hint) {
    problems_.emplace_back(std::move(location), message, std::move(hint));
  }

  std::optional<std::string> readText(const fs::path& path, const std::optional<SourceLocation>& extendedFrom) {
    // A missing parent is reported where the child names it; a missing file given by the user at
    // the file itself.
    SourceLocation where = extendedFrom ? *extendedFrom : SourceLocation{path.string()};
    std::string prefix = extendedFrom ? "extends " + shown(path.string()) + ": " : "";
    std::error_code error;
    fs::file_status status = fs::status(path, error);
    if (!fs::exists(status)) {
      problem(where, prefix + "no such file" + (extendedFrom ? " (looked for " + fs::absolute(path).string() + ")" : ""),
              extendedFrom ? "a path in extends is relative to the file that names it" : "check the path");
      return std::nullopt;
    }
    if (!fs::is_regular_file(status)) {
      problem(where, prefix + "not a regular file", "name a profile's YAML file");
      return std::nullopt;
    }
    if (fs::file_size(path, error) > kMaxProfileBytes) {
      problem(where, prefix + "larger than 1 MB: not a profile", "name a profile's YAML file");
      return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) {
      problem(where, prefix + "cannot be read", "check the file's permissions");
      return std::nullopt;
    }
    return content.str();
  }

  void readExtends(const std::string& file, const fs::path& path, const YAML::Node& node) {
    SourceLocation where = locationOf(file, node.Mark());
    if (!node.IsScalar() || node.Scalar().empty()) {
      problem(where, fmt::format("extends must name one profile file, not {}", shapeOf(node)),
              "write e.g. 'extends: base.yaml' (relative to this file)");
      return;
    }
    read(path.parent_path() / node.Scalar(), where);
  }

  void readKeys(const std::string& file, const YAML::Node& root) {
    std::map<std::string, SourceLocation> seen;
    for (auto entry = root.begin(); entry != root.end(); ++entry) {
      YAML::Node keyNode = entry->first;  // a copy: the iterator hands out a temporary pair
      YAML::Node valueNode = entry->second;  // a copy: the iterator hands out a temporary pair
      SourceLocation keyLocation = locationOf(file, keyNode.Mark());
      if (!keyNode.IsScalar()) {
        problem(keyLocation, fmt::format("a key must be a name, not {}", shapeOf(keyNode)), "write 'name: value'");
        continue;
      }
      const std::string& key = keyNode.Scalar();
      if (!noteOnce(seen, key, keyLocation)) continue;
      if (key == "extends") continue;  // read before the other keys
      if (key == "steps") {
        readSteps(file, valueNode);
        continue;
      }
      if (key == "faults") {
        readFaults(file, valueNode);
        continue;
      }
      if (const ProfileSetting* setting = findProfileSetting(key)) {
        readSetting(file, *setting, valueNode);
        continue;
      }
      unknownKey(keyLocation, key);
    }
  }

  /// Records `key` as seen; reports and returns false the second time.
  bool noteOnce(std::map<std::string, SourceLocation>& seen, const std::string& key, const SourceLocation& where) {
    auto [previous, inserted] = seen.emplace(key, where);
    if (!inserted) {
      problem(where, fmt::format("key {} is set twice (first at line {})", shown(key), previous->second.line),
              "keep one of them");
    }
    return inserted;
  }

  void unknownKey(const SourceLocation& where, const std::string& key) {
    if (const ProfileSetting* setting = findProfileSettingBySparkKey(key)) {
      problem(where, "unknown profile key " + shown(key),
              fmt::format("profiles use jobtuner's names: write '{}' (it stands for {})", setting->name, key));
    } else if (findSparkSetting(key)) {
      problem(where, "unknown profile key " + shown(key),
              key + " is a Spark property with no profile key: the runtime does not take it");
    } else {
      problem(where, "unknown profile key " + shown(key), unknownNameHint(key, profileKeyNames()));
    }
  }

  /// Reads a scalar value node as `type`; reports and returns nothing when it is not one.
  std::optional<SettingValue> scalarValue(const std::string& file, const std::string& what, SettingType type,
                                          const SettingRange& range, const YAML::Node& node) {
    SourceLocation where = locationOf(file, node.Mark());
    if (node.IsNull()) {
      problem(where, what + " has no value", fmt::format("write {}", settingTypeExample(type)));
      return std::nullopt;
    }
    if (!node.IsScalar()) {
      problem(where, fmt::format("bad value for {}: expected {}, found {}", what, settingTypeName(type), shapeOf(node)),
              fmt::format("write {}", settingTypeExample(type)));
      return std::nullopt;
    }
    ParsedSetting parsed = parseSettingValue(type, range, node.Scalar());
    if (!parsed.value) {
      problem(where, fmt::format("bad value for {}: {} {}", what, shown(node.Scalar()), parsed.problem), parsed.hint);
      return std::nullopt;
    }
    return parsed.value;
  }

  void readSetting(const std::string& file, const ProfileSetting& setting, const YAML::Node& node) {
    std::optional<SettingValue> value = scalarValue(file, std::string(setting.name), setting.type, setting.range, node);
    if (!value) return;
    profile_.set(setting.name, *value);
    profile_.origins[std::string(setting.name)] = locationOf(file, node.Mark()).toString();
  }

  void readSteps(const std::string& file, const YAML::Node& node) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problem(locationOf(file, node.Mark()), fmt::format("steps must be a map of step names, not {}", shapeOf(node)),
              "write 'steps:' then, indented, 'STEP-NAME: {partitions: 64}'");
      return;
    }
    std::map<std::string, SourceLocation> seen;
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      SourceLocation nameLocation = locationOf(file, entry->first.Mark());
      if (!entry->first.IsScalar() || entry->first.Scalar().empty()) {
        problem(nameLocation, "a step's name must be text", "use the step's stable name as `jobtuner run` prints it");
        continue;
      }
      const std::string& step = entry->first.Scalar();
      if (!noteOnce(seen, step, nameLocation)) continue;
      YAML::Node overrides = entry->second;  // a copy: the iterator hands out a temporary pair
      if (!overrides.IsMap()) {
        problem(locationOf(file, overrides.Mark()),
                fmt::format("step {} must hold a map of overrides, not {}", shown(step), shapeOf(overrides)),
                "write e.g. '{partitions: 64, broadcast: true}'; valid keys: " + joined(stepKeyNames()));
        continue;
      }
      readStep(file, step, overrides);
    }
  }

  void readStep(const std::string& file, const std::string& step, const YAML::Node& node) {
    StepOverride& target = profile_.steps[step];
    std::map<std::string, SourceLocation> seen;
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      SourceLocation keyLocation = locationOf(file, entry->first.Mark());
      std::string key = entry->first.IsScalar() ? entry->first.Scalar() : std::string();
      if (!noteOnce(seen, key, keyLocation)) continue;
      std::string what = "steps." + step + "." + key;
      const StepSetting* setting = findStepSetting(key);
      if (!setting || key.find('.') != std::string::npos) {
        problem(keyLocation, fmt::format("unknown key {} in the override of step {}", shown(key), shown(step)),
                unknownNameHint(key, stepKeyNames()));
        continue;
      }
      std::string origin = locationOf(file, entry->second.Mark()).toString();
      if (key == "salting") {
        if (std::optional<SaltingOverride> salting = readSalting(file, what, entry->second)) {
          target.salting = std::move(salting);
          profile_.origins[what] = origin;
        }
        continue;
      }
      std::optional<SettingValue> value = scalarValue(file, what, setting->type, setting->range, entry->second);
      if (!value) continue;
      if (key == "partitions") target.partitions = std::get<int64_t>(*value);
      if (key == "broadcast") target.broadcast = std::get<bool>(*value);
      profile_.origins[what] = origin;
    }
  }

  std::optional<SaltingOverride> readSalting(const std::string& file, const std::string& what, const YAML::Node& node) {
    SourceLocation where = locationOf(file, node.Mark());
    if (!node.IsMap()) {
      problem(where, fmt::format("bad value for {}: expected a map, found {}", what, shapeOf(node)),
              "write e.g. 'salting: {buckets: 8, keys: [c42]}'");
      return std::nullopt;
    }
    SaltingOverride salting;
    bool valid = true;
    bool hasBuckets = false;
    std::map<std::string, SourceLocation> seen;
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      SourceLocation keyLocation = locationOf(file, entry->first.Mark());
      std::string key = entry->first.IsScalar() ? entry->first.Scalar() : std::string();
      if (!noteOnce(seen, key, keyLocation)) continue;
      if (key == "buckets") {
        const StepSetting& setting = *findStepSetting("salting.buckets");
        std::optional<SettingValue> value = scalarValue(file, what + ".buckets", setting.type, setting.range, entry->second);
        if (value) salting.buckets = std::get<int64_t>(*value);
        valid = valid && value.has_value();
        hasBuckets = true;
      } else if (key == "keys") {
        valid = readSaltKeys(file, what + ".keys", entry->second, salting.keys) && valid;
      } else {
        problem(keyLocation, fmt::format("unknown key {} in {}", shown(key), what),
                unknownNameHint(key, {"buckets", "keys"}));
        valid = false;
      }
    }
    if (!hasBuckets) {
      problem(where, what + " needs buckets", "write e.g. 'salting: {buckets: 8}'");
      valid = false;
    }
    if (!valid) return std::nullopt;
    return salting;
  }

  void readFaults(const std::string& file, const YAML::Node& node) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problem(locationOf(file, node.Mark()), fmt::format("faults must be a map, not {}", shapeOf(node)),
              "write 'faults:' then, indented, e.g. 'kill_executors: 2' or 'fail_task: [{stage: 1, partition: 0}]'");
      return;
    }
    static const std::vector<std::string> kKeys = {"seed",      "kill_executors", "kill_executor",   "hang_executor",
                                                   "fail_task", "hang_task",      "slow_task",       "lose_map_output",
                                                   "corrupt_map_output"};
    FaultPlan& plan = profile_.faults;
    std::map<std::string, SourceLocation> seen;
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      SourceLocation keyLocation = locationOf(file, entry->first.Mark());
      std::string key = entry->first.IsScalar() ? entry->first.Scalar() : std::string();
      if (!noteOnce(seen, key, keyLocation)) continue;
      YAML::Node value = entry->second;  // a copy: the iterator hands out a temporary pair
      std::string what = "faults." + key;
      if (key == "seed" || key == "kill_executors") {
        std::optional<SettingValue> number = scalarValue(file, what, SettingType::kCount, {0, 1e15}, value);
        if (!number) continue;
        if (key == "seed") plan.seed = std::get<int64_t>(*number);
        if (key == "kill_executors") plan.randomExecutorKills = std::get<int64_t>(*number);
      } else if (key == "kill_executor") {
        readTaskFaults(file, what, value, "after", plan.killExecutor);
      } else if (key == "hang_executor") {
        readTaskFaults(file, what, value, "after", plan.hangExecutor);
      } else if (key == "fail_task") {
        readTaskFaults(file, what, value, "", plan.failTask);
      } else if (key == "hang_task") {
        readTaskFaults(file, what, value, "", plan.hangTask);
      } else if (key == "slow_task") {
        readTaskFaults(file, what, value, "delay", plan.slowTask);
      } else if (key == "lose_map_output") {
        readTaskFaults(file, what, value, "", plan.loseMapOutput);
      } else if (key == "corrupt_map_output") {
        readTaskFaults(file, what, value, "", plan.corruptMapOutput);
      } else {
        problem(keyLocation, fmt::format("unknown key {} in faults", shown(key)), unknownNameHint(key, kKeys));
      }
    }
  }

  /// A list of {stage, partition, attempt[, timeKey]}; `timeKey` is "after", "delay" or none.
  void readTaskFaults(const std::string& file, const std::string& what, const YAML::Node& node,
                      const std::string& timeKey, std::vector<TaskFault>& faults) {
    if (!node.IsSequence()) {
      problem(locationOf(file, node.Mark()), fmt::format("bad value for {}: expected a list, found {}", what, shapeOf(node)),
              fmt::format("write e.g. '{}: [{{stage: 1, partition: 0}}]'", what.substr(what.find('.') + 1)));
      return;
    }
    std::vector<std::string> keys = {"stage", "partition", "attempt"};
    if (!timeKey.empty()) keys.push_back(timeKey);
    for (const YAML::Node& item : node) {
      if (!item.IsMap()) {
        problem(locationOf(file, item.Mark()), fmt::format("bad value in {}: expected a map, found {}", what, shapeOf(item)),
                "each entry names a task attempt: '{stage: 1, partition: 0, attempt: 0}'");
        continue;
      }
      TaskFault fault;
      bool valid = true;
      bool hasStage = false;
      bool hasPartition = false;
      std::map<std::string, SourceLocation> seen;
      for (auto entry = item.begin(); entry != item.end(); ++entry) {
        SourceLocation keyLocation = locationOf(file, entry->first.Mark());
        std::string key = entry->first.IsScalar() ? entry->first.Scalar() : std::string();
        if (!noteOnce(seen, key, keyLocation)) continue;
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
          problem(keyLocation, fmt::format("unknown key {} in {}", shown(key), what), unknownNameHint(key, keys));
          valid = false;
          continue;
        }
        bool isTime = key == timeKey;
        std::optional<SettingValue> value =
            isTime ? scalarValue(file, what + "." + key, SettingType::kDuration, {0, 24 * 3600 * 1000.0}, entry->second)
                   : scalarValue(file, what + "." + key, SettingType::kCount, {0, 1e9}, entry->second);
        if (!value) {
          valid = false;
          continue;
        }
        if (key == "stage") hasStage = true, fault.task.stage = std::get<int64_t>(*value);
        if (key == "partition") hasPartition = true, fault.task.partition = std::get<int64_t>(*value);
        if (key == "attempt") fault.task.attempt = std::get<int64_t>(*value);
        if (key == "after") fault.afterMs = std::get<int64_t>(*value);
        if (key == "delay") fault.delayMs = std::get<int64_t>(*value);
      }
      if (!hasStage || !hasPartition) {
        problem(locationOf(file, item.Mark()), what + " entries need a stage and a partition",
                "write e.g. '{stage: 1, partition: 0}' (stage ids as `jobtuner show` prints them for a run)");
        valid = false;
      }
      if (valid) faults.push_back(fault);
    }
  }

  bool readSaltKeys(const std::string& file, const std::string& what, const YAML::Node& node,
                    std::vector<std::string>& keys) {
    if (node.IsNull()) return true;  // no keys: every key is salted
    if (!node.IsSequence()) {
      problem(locationOf(file, node.Mark()), fmt::format("bad value for {}: expected a list, found {}", what, shapeOf(node)),
              "write e.g. 'keys: [c42, c7]'; leave keys out to salt every key");
      return false;
    }
    bool valid = true;
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) {
        problem(locationOf(file, item.Mark()), fmt::format("bad value in {}: expected a key, found {}", what, shapeOf(item)),
                "each hot key is one value, e.g. 'keys: [c42, c7]'");
        valid = false;
        continue;
      }
      keys.push_back(item.Scalar());
    }
    return valid;
  }

  Profile& profile_;
  std::vector<fs::path> chain_;
  std::vector<UserError> problems_;
};

std::string renderAll(const std::vector<UserError>& problems) {
  // The first problem is the UserError's own message; the hint carries its hint and every other
  // problem, so that render() (which main() prints) shows them all.
  std::string hint = problems.front().hint();
  for (size_t i = 1; i < problems.size(); ++i) hint += (hint.empty() ? "" : "\n") + problems[i].render();
  return hint;
}

SourceLocation firstLocation(const std::vector<UserError>& problems) {
  if (problems.empty()) throw std::invalid_argument("ProfileErrors needs at least one problem");
  return problems.front().location();
}

std::string firstMessage(const std::vector<UserError>& problems) {
  std::string what = problems.front().what();
  std::string prefix = problems.front().location().file.empty() ? "" : problems.front().location().toString() + ": ";
  return what.substr(prefix.size());
}

}  // namespace

Profile::Profile() {
  for (const ProfileSetting& setting : profileSettings()) {
    ParsedSetting parsed = parseSettingValue(setting, setting.defaultValue);
    if (!parsed.value) throw std::logic_error("catalogue default of " + std::string(setting.name) + " " + parsed.problem);
    set(setting.name, *parsed.value);
  }
}

SettingValue Profile::value(std::string_view name) const {
  return std::visit([this](auto member) -> SettingValue { return this->*member; }, bindingOf(name).member);
}

void Profile::set(std::string_view name, const SettingValue& newValue) {
  std::visit(
      [this, &newValue, name](auto member) {
        using Field = std::remove_reference_t<decltype(this->*member)>;
        const Field* typed = std::get_if<Field>(&newValue);
        if (!typed) throw std::invalid_argument("a value of the wrong type for setting " + std::string(name));
        this->*member = *typed;
      },
      bindingOf(name).member);
}

std::string Profile::origin(std::string_view name) const {
  auto found = origins.find(name);
  return found == origins.end() ? "default" : found->second;
}

std::vector<std::pair<std::string, std::string>> Profile::sparkProperties() const {
  std::vector<std::pair<std::string, std::string>> properties;
  for (const ProfileSetting& setting : profileSettings()) {
    if (setting.sparkKey.empty()) continue;
    properties.emplace_back(setting.sparkKey, formatSparkValue(setting.type, value(setting.name)));
  }
  return properties;
}

const StepOverride* Profile::stepOverride(std::string_view step) const {
  auto found = steps.find(std::string(step));
  return found == steps.end() ? nullptr : &found->second;
}

bool Profile::sameSettings(const Profile& other) const {
  for (const Binding& binding : kBindings) {
    if (value(binding.name) != other.value(binding.name)) return false;
  }
  return steps == other.steps && faults == other.faults;
}

int64_t Profile::executorReplacementLimit() const {
  return maxExecutorFailures > 0 ? maxExecutorFailures : std::max<int64_t>(3, 2 * executors);
}

ProfileErrors::ProfileErrors(std::vector<UserError> problems)
    : UserError(firstLocation(problems), firstMessage(problems), renderAll(problems)), problems_(std::move(problems)) {}

Profile loadProfile(const fs::path& path) {
  Profile profile;
  ProfileReader reader(profile);
  reader.read(path, std::nullopt);
  std::vector<UserError> problems = reader.takeProblems();
  if (problems.size() == 1) throw problems.front();
  if (!problems.empty()) throw ProfileErrors(std::move(problems));
  return profile;
}

void applyOverride(Profile& profile, std::string_view assignment) {
  const SourceLocation where{"--set"};
  size_t equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    throw UserError(where, "expected KEY=VALUE, got " + shown(assignment), "e.g. --set executor_memory=2g");
  }
  std::string key(assignment.substr(0, equals));
  std::string_view text = assignment.substr(equals + 1);

  if (key.starts_with("steps.")) {
    static const std::array<std::string_view, 4> kFields{".partitions", ".broadcast", ".salting.buckets", ".salting.keys"};
    std::string_view rest = std::string_view(key).substr(6);
    for (std::string_view field : kFields) {
      if (rest.size() <= field.size() || !rest.ends_with(field)) continue;
      std::string step(rest.substr(0, rest.size() - field.size()));
      const StepSetting& setting = *findStepSetting(field.substr(1));
      ParsedSetting parsed = parseSettingValue(setting.type, setting.range, text);
      if (!parsed.value) throw UserError(where, fmt::format("bad value for {}: {} {}", key, shown(text), parsed.problem), parsed.hint);
      StepOverride& target = profile.steps[step];
      if (field == ".partitions") target.partitions = std::get<int64_t>(*parsed.value);
      if (field == ".broadcast") target.broadcast = std::get<bool>(*parsed.value);
      if (field == ".salting.buckets") {
        if (!target.salting) target.salting = SaltingOverride{};
        target.salting->buckets = std::get<int64_t>(*parsed.value);
      }
      if (field == ".salting.keys") {
        if (!target.salting) {
          throw UserError(where, fmt::format("{} is set but step {} has no salting", key, shown(step)),
                          fmt::format("set steps.{}.salting.buckets first", step));
        }
        target.salting->keys = std::get<std::vector<std::string>>(*parsed.value);
      }
      profile.origins[key] = "--set";
      return;
    }
    throw UserError(where, "unknown step override " + shown(key),
                    "write steps.STEP.partitions, steps.STEP.broadcast, steps.STEP.salting.buckets or "
                    "steps.STEP.salting.keys");
  }

  const ProfileSetting* setting = findProfileSetting(key);
  if (!setting) setting = findProfileSettingBySparkKey(key);
  if (!setting) throw UserError(where, "unknown profile key " + shown(key), unknownNameHint(key, settingNames()));
  ParsedSetting parsed = parseSettingValue(*setting, text);
  if (!parsed.value) {
    throw UserError(where, fmt::format("bad value for {}: {} {}", key, shown(text), parsed.problem), parsed.hint);
  }
  profile.set(setting->name, *parsed.value);
  profile.origins[std::string(setting->name)] = "--set";
}

}  // namespace jobtuner::core

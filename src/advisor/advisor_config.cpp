#include "advisor/advisor_config.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "core/nearest_name.h"
#include "core/units.h"
#include "core/yaml_text.h"

namespace jobtuner::advisor {

namespace {

// The top-level sections of jobtuner.yaml: the advisor's, and the ones other readers own.
const std::vector<std::string> kSections = {"advisor", "daemon", "sources", "schedule", "watch", "webhooks", "retention", "server"};

enum class Kind { kBytes, kCount, kFraction, kMoney, kText };

struct Key {
  const char* path;  // "prices.core_hour"
  Kind kind;
  const char* description;
  std::function<void(AdvisorConfig&, double, const std::string&)> set;
  std::function<std::string(const AdvisorConfig&)> show;
};

std::string bytesText(int64_t bytes) { return core::formatBytes(bytes); }

const std::vector<Key>& keys() {
  static const std::vector<Key> table = {
      {"target_partition_bytes", Kind::kBytes, "shuffle data per partition the advice aims at (64m-512m is Spark practice)",
       [](AdvisorConfig& c, double v, const std::string&) { c.targetPartitionBytes = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return bytesText(c.targetPartitionBytes); }},
      {"memory_headroom", Kind::kFraction, "memory kept free above the observed peak, as a fraction of it",
       [](AdvisorConfig& c, double v, const std::string&) { c.memoryHeadroom = v; },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.memoryHeadroom); }},
      {"minimum_gain", Kind::kFraction, "a change predicted to gain less wall time than this is not proposed",
       [](AdvisorConfig& c, double v, const std::string&) { c.minimumGain = v; },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.minimumGain); }},
      {"noise", Kind::kFraction, "a run slower than the one before by more than this reverts the last change",
       [](AdvisorConfig& c, double v, const std::string&) { c.noise = v; },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.noise); }},
      {"history_for_models", Kind::kCount, "runs of a job before fitted cost models choose the values",
       [](AdvisorConfig& c, double v, const std::string&) { c.historyForModels = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.historyForModels); }},
      {"prices.core_hour", Kind::kMoney, "price of one core for one hour",
       [](AdvisorConfig& c, double v, const std::string&) { c.prices.coreHour = v; },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.prices.coreHour); }},
      {"prices.memory_gb_hour", Kind::kMoney, "price of one GB of executor memory for one hour",
       [](AdvisorConfig& c, double v, const std::string&) { c.prices.memoryGbHour = v; },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.prices.memoryGbHour); }},
      {"prices.currency", Kind::kText, "the symbol costs are shown with",
       [](AdvisorConfig& c, double, const std::string& text) { c.prices.currency = text; },
       [](const AdvisorConfig& c) { return fmt::format("\"{}\"", c.prices.currency); }},
      {"limits.max_executors", Kind::kCount, "most executors the advice proposes",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.maxExecutors = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.limits.maxExecutors); }},
      {"limits.max_executor_cores", Kind::kCount, "most cores per executor",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.maxExecutorCores = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.limits.maxExecutorCores); }},
      {"limits.min_executor_memory", Kind::kBytes, "least executor memory",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.minExecutorMemoryBytes = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return bytesText(c.limits.minExecutorMemoryBytes); }},
      {"limits.max_executor_memory", Kind::kBytes, "most executor memory",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.maxExecutorMemoryBytes = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return bytesText(c.limits.maxExecutorMemoryBytes); }},
      {"limits.max_memory_overhead", Kind::kBytes, "most memory overhead per executor",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.maxMemoryOverheadBytes = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return bytesText(c.limits.maxMemoryOverheadBytes); }},
      {"limits.min_partitions", Kind::kCount, "fewest shuffle partitions",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.minPartitions = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.limits.minPartitions); }},
      {"limits.max_partitions", Kind::kCount, "most shuffle partitions",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.maxPartitions = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.limits.maxPartitions); }},
      {"limits.max_salting_buckets", Kind::kCount, "most salting buckets for one key",
       [](AdvisorConfig& c, double v, const std::string&) { c.limits.maxSaltingBuckets = static_cast<int64_t>(v); },
       [](const AdvisorConfig& c) { return fmt::format("{}", c.limits.maxSaltingBuckets); }},
  };
  return table;
}

std::vector<std::string> childNames(const std::string& prefix) {
  std::vector<std::string> names;
  for (const Key& key : keys()) {
    std::string path = key.path;
    if (!path.starts_with(prefix)) continue;
    std::string rest = path.substr(prefix.size());
    std::string head = rest.substr(0, rest.find('.'));
    if (std::find(names.begin(), names.end(), head) == names.end()) names.push_back(head);
  }
  return names;
}

const Key* findKey(const std::string& path) {
  for (const Key& key : keys()) {
    if (path == key.path) return &key;
  }
  return nullptr;
}

void readValue(AdvisorConfig& config, const Key& key, const YAML::Node& node, const std::string& fileName) {
  core::SourceLocation where = core::yamlLocation(fileName, node.Mark());
  if (!node.IsScalar()) throw core::UserError(where, fmt::format("advisor.{} must be a single value", key.path));
  const std::string text = node.Scalar();
  double value = 0;
  auto number = [&](const char* hint) {
    try {
      size_t used = 0;
      value = std::stod(text, &used);
      if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
      throw core::UserError(where, fmt::format("advisor.{}: '{}' is not a number", key.path, text), hint);
    }
  };
  switch (key.kind) {
    case Kind::kBytes: {
      std::optional<int64_t> bytes = core::parseBytes(text);
      if (!bytes || *bytes <= 0) {
        throw core::UserError(where, fmt::format("advisor.{}: '{}' is not a size", key.path, text), "write a size such as 512m, 2g or 1.5GB");
      }
      value = static_cast<double>(*bytes);
      break;
    }
    case Kind::kCount:
      number("write a whole number such as 8");
      if (value < 1 || value != static_cast<double>(static_cast<int64_t>(value))) {
        throw core::UserError(where, fmt::format("advisor.{}: '{}' must be a whole number of at least 1", key.path, text));
      }
      break;
    case Kind::kFraction:
      number("write a fraction such as 0.1");
      if (value < 0 || value > 1) throw core::UserError(where, fmt::format("advisor.{}: '{}' must be between 0 and 1", key.path, text));
      break;
    case Kind::kMoney:
      number("write a price such as 0.05");
      if (value < 0) throw core::UserError(where, fmt::format("advisor.{}: '{}' must not be negative", key.path, text));
      break;
    case Kind::kText:
      break;
  }
  key.set(config, value, text);
}

void readMap(AdvisorConfig& config, const YAML::Node& node, const std::string& prefix, const std::string& fileName) {
  if (!node.IsMap()) {
    throw core::UserError(core::yamlLocation(fileName, node.Mark()), fmt::format("'{}' must be a map of keys", prefix.empty() ? "advisor" : "advisor." + prefix.substr(0, prefix.size() - 1)),
                          fmt::format("the keys here are: {}", fmt::join(childNames(prefix), ", ")));
  }
  for (auto entry = node.begin(); entry != node.end(); ++entry) {
    std::string name = entry->first.Scalar();
    std::string path = prefix + name;
    if (const Key* key = findKey(path)) {
      readValue(config, *key, entry->second, fileName);
      continue;
    }
    std::vector<std::string> children = childNames(path + ".");
    if (!children.empty()) {
      readMap(config, entry->second, path + ".", fileName);
      continue;
    }
    std::vector<std::string> siblings = childNames(prefix);
    throw core::UserError(core::yamlLocation(fileName, entry->first.Mark()),
                          fmt::format("unknown key 'advisor.{}'{}", path, core::didYouMean(name, siblings)),
                          fmt::format("the keys here are: {}", fmt::join(siblings, ", ")));
  }
}

void checkConsistent(const AdvisorConfig& config, const std::string& fileName) {
  const Limits& limits = config.limits;
  auto fail = [&](const std::string& what) {
    throw core::UserError(core::SourceLocation{fileName}, "the advisor's limits contradict each other: " + what,
                          "raise the maximum or lower the minimum");
  };
  if (limits.minPartitions > limits.maxPartitions) fail("min_partitions is above max_partitions");
  if (limits.minExecutorMemoryBytes > limits.maxExecutorMemoryBytes) fail("min_executor_memory is above max_executor_memory");
}

}  // namespace

std::vector<std::string> advisorConfigKeys() {
  std::vector<std::string> names;
  for (const Key& key : keys()) names.emplace_back(key.path);
  return names;
}

AdvisorConfig parseAdvisorConfig(const std::string& text, const std::string& fileName) {
  YAML::Node root = core::loadYaml(text, fileName);
  AdvisorConfig config;
  if (!root || root.IsNull()) return config;
  if (!root.IsMap()) {
    throw core::UserError(core::yamlLocation(fileName, root.Mark()), "jobtuner's configuration is a YAML map of sections",
                          "start the advisor's section with 'advisor:'");
  }
  for (auto entry = root.begin(); entry != root.end(); ++entry) {
    std::string section = entry->first.Scalar();
    if (std::find(kSections.begin(), kSections.end(), section) == kSections.end()) {
      throw core::UserError(core::yamlLocation(fileName, entry->first.Mark()),
                            fmt::format("unknown section '{}'{}", section, core::didYouMean(section, kSections)),
                            fmt::format("the sections are: {}", fmt::join(kSections, ", ")));
    }
  }
  if (YAML::Node section = root["advisor"]; section && !section.IsNull()) readMap(config, section, "", fileName);
  checkConsistent(config, fileName);
  return config;
}

AdvisorConfig loadAdvisorConfig(const std::filesystem::path& path, bool mustExist) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    if (!mustExist) return AdvisorConfig{};
    throw core::UserError(core::SourceLocation{path.string()}, "the configuration file does not exist",
                          "check the path given to --config, or leave --config out to use the defaults");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::UserError(core::SourceLocation{path.string()}, "cannot read the configuration file", "check its permissions");
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > (1 << 20)) {
    throw core::UserError(core::SourceLocation{path.string()}, "the configuration file is over 1 MB", "is this the right file?");
  }
  return parseAdvisorConfig(text.str(), path.string());
}

std::string describeAdvisorConfig() {
  AdvisorConfig defaults;
  std::string out = "advisor:\n";
  std::string openGroup;
  for (const Key& key : keys()) {
    std::string path = key.path;
    size_t dot = path.find('.');
    std::string group = dot == std::string::npos ? "" : path.substr(0, dot);
    if (group != openGroup && !group.empty()) out += fmt::format("  {}:\n", group);
    openGroup = group;
    std::string name = dot == std::string::npos ? path : path.substr(dot + 1);
    std::string indent = group.empty() ? "  " : "    ";
    std::string line = fmt::format("{}{}: {}", indent, name, key.show(defaults));
    out += fmt::format("{:<40} # {}\n", line, key.description);
  }
  return out;
}

}  // namespace jobtuner::advisor

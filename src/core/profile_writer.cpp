#include "core/profile_writer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/settings_catalog.h"

namespace jobtuner::core {

namespace {

constexpr std::string_view kStepPrefix = "spark.jobtuner.steps.";

/// A YAML scalar that reads back as the same text.
std::string yamlScalar(const std::string& text) {
  bool plain = !text.empty() && text.find_first_of(":#{}[],&*!|>'\"%@`") == std::string::npos && text.front() != ' ' &&
               text.back() != ' ' && text != "true" && text != "false" && text != "null" && text != "~";
  if (plain) {
    // A step name or key that looks like a number stays a string.
    bool numeric = text.find_first_not_of("0123456789.-+eE") == std::string::npos;
    if (!numeric) return text;
  }
  return nlohmann::json(text).dump();
}

std::string line(const std::string& text, const std::map<std::string, std::string>& why, const std::string& key) {
  auto found = why.find(key);
  if (found == why.end()) return text + "\n";
  std::string comment = found->second;
  for (char& c : comment) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return fmt::format("{:<40}# {}\n", text, comment);
}

}  // namespace

std::string profileYaml(const Profile& profile, const std::map<std::string, std::string>& why, const std::string& header) {
  std::string out;
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find('\n', start);
    if (end == std::string::npos) end = header.size();
    out += "# " + header.substr(start, end - start) + "\n";
    start = end + 1;
  }
  if (!header.empty()) out += "\n";
  for (const ProfileSetting& setting : profileSettings()) {
    std::string value = formatSettingValue(setting.type, profile.value(setting.name));
    // Numbers, sizes, durations and bools are written bare; only free text needs quoting.
    if (setting.type == SettingType::kString || setting.type == SettingType::kStringList) value = yamlScalar(value);
    out += line(fmt::format("{}: {}", setting.name, value), why, std::string(setting.name));
  }
  if (profile.steps.empty()) return out;
  out += "steps:\n";
  for (const auto& [name, step] : profile.steps) {
    if (!step.partitions && !step.salting && !step.broadcast) continue;
    out += fmt::format("  {}:\n", yamlScalar(name));
    std::string base = "steps." + name + ".";
    if (step.partitions) out += line(fmt::format("    partitions: {}", *step.partitions), why, base + "partitions");
    if (step.broadcast) out += line(fmt::format("    broadcast: {}", *step.broadcast ? "true" : "false"), why, base + "broadcast");
    if (step.salting) {
      std::string keys;
      for (const std::string& key : step.salting->keys) keys += (keys.empty() ? "" : ", ") + yamlScalar(key);
      std::string text = step.salting->keys.empty() ? fmt::format("    salting: {{buckets: {}}}", step.salting->buckets)
                                                    : fmt::format("    salting: {{buckets: {}, keys: [{}]}}", step.salting->buckets, keys);
      out += line(text, why, base + "salting");
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> stepOverrideProperties(const Profile& profile) {
  std::vector<std::pair<std::string, std::string>> properties;
  for (const auto& [name, step] : profile.steps) {
    std::string base = std::string(kStepPrefix) + name;
    if (step.partitions) properties.emplace_back(base + ".partitions", std::to_string(*step.partitions));
    if (step.broadcast) properties.emplace_back(base + ".broadcast", *step.broadcast ? "true" : "false");
    if (step.salting) {
      properties.emplace_back(base + ".salting.buckets", std::to_string(step.salting->buckets));
      properties.emplace_back(base + ".salting.keys", nlohmann::json(step.salting->keys).dump());
    }
  }
  return properties;
}

Profile profileFromSparkProperties(const std::map<std::string, std::string>& properties, std::vector<std::string>* problems) {
  Profile profile;
  auto note = [&](const std::string& text) {
    if (problems) problems->push_back(text);
  };
  for (const auto& [key, value] : properties) {
    if (key.starts_with(kStepPrefix)) {
      std::string rest = key.substr(kStepPrefix.size());
      try {
        if (rest.ends_with(".salting.keys")) {
          std::string step = rest.substr(0, rest.size() - std::string_view(".salting.keys").size());
          nlohmann::json keys = nlohmann::json::parse(value);
          SaltingOverride& salting = profile.steps[step].salting ? *profile.steps[step].salting : profile.steps[step].salting.emplace();
          salting.keys = keys.get<std::vector<std::string>>();
        } else {
          applyOverride(profile, "steps." + rest + "=" + value);
        }
      } catch (const std::exception&) {
        note(fmt::format("{}={} does not read as a step override", key, value));
      }
      continue;
    }
    const ProfileSetting* setting = findProfileSettingBySparkKey(key);
    if (!setting) continue;
    ParsedSetting parsed = parseSettingValue(*setting, value);
    if (!parsed.value) {
      // Spark reads a unitless executor memory as megabytes; the runtime always writes a unit.
      if (setting->type == SettingType::kBytes) parsed = parseSettingValue(*setting, value + "m");
      if (!parsed.value) {
        note(fmt::format("{}={}: {}", key, value, parsed.problem));
        continue;
      }
    }
    profile.set(setting->name, *parsed.value);
  }
  profile.origins.clear();
  return profile;
}

}  // namespace jobtuner::core

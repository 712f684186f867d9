#include "analyzers/suppressions.h"

#include <fmt/format.h>
#include <fnmatch.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "core/nearest_name.h"
#include "core/yaml_text.h"

namespace jobtuner::analyzers {

namespace {

const std::vector<std::string> kKeys = {"rule", "job", "app", "stage", "executor", "expires", "reason"};

bool globMatches(const std::string& pattern, const std::string& text) {
  return pattern.empty() || fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

/// The end of day YYYY-MM-DD in epoch milliseconds (UTC), or nullopt for another text.
std::optional<int64_t> endOfDayMs(const std::string& text) {
  int year = 0, month = 0, day = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 || text.size() != 10) return std::nullopt;
  using namespace std::chrono;
  year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  auto start = sys_days(date).time_since_epoch();
  return duration_cast<milliseconds>(start).count() + 86'400'000 - 1;
}

}  // namespace

Suppressions Suppressions::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::UserError(core::SourceLocation{path}, "cannot read the suppressions file", "check the path and its permissions");
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

Suppressions Suppressions::parse(const std::string& text, const std::string& fileName) {
  auto at = [&](const YAML::Mark& mark) { return core::yamlLocation(fileName, mark); };
  YAML::Node root = core::loadYaml(text, fileName);
  Suppressions suppressions;
  if (!root || root.IsNull()) return suppressions;
  if (!root.IsSequence()) {
    throw core::UserError(at(root.Mark()), "a suppressions file is a YAML list", "start each entry with '- rule: RULE-ID'");
  }
  for (const YAML::Node& item : root) {
    if (!item.IsMap()) throw core::UserError(at(item.Mark()), "each suppression is a map with rule, expires and reason");
    for (auto entry = item.begin(); entry != item.end(); ++entry) {
      std::string key = entry->first.Scalar();
      if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
        throw core::UserError(at(entry->first.Mark()), fmt::format("unknown key '{}'{}", key, core::didYouMean(key, kKeys)),
                              fmt::format("a suppression has the keys: {}", fmt::join(kKeys, ", ")));
      }
      if (!entry->second.IsScalar()) throw core::UserError(at(entry->second.Mark()), fmt::format("'{}' must be a single value", key));
    }
    Suppression suppression;
    suppression.location = at(item.Mark());
    auto text_ = [&](const char* key) { return item[key] ? item[key].Scalar() : std::string(); };
    suppression.ruleId = text_("rule");
    suppression.jobKey = text_("job");
    suppression.appId = text_("app");
    suppression.stageName = text_("stage");
    suppression.executorId = text_("executor");
    suppression.expires = text_("expires");
    suppression.reason = text_("reason");
    for (const char* key : {"rule", "expires", "reason"}) {
      if (text_(key).empty()) {
        throw core::UserError(suppression.location, fmt::format("the suppression has no {}", key),
                              "every suppression names its rule, the day it expires (expires: 2027-01-31) and the reason");
      }
    }
    std::optional<int64_t> expiresEnd = endOfDayMs(suppression.expires);
    if (!expiresEnd) {
      throw core::UserError(at(item["expires"].Mark()), fmt::format("'{}' is not a date", suppression.expires),
                            "write the last day it applies as YYYY-MM-DD");
    }
    suppression.expiresEndMs = *expiresEnd;
    suppressions.entries.push_back(std::move(suppression));
  }
  return suppressions;
}

const Suppression* Suppressions::match(const Finding& finding, const std::string& appId, const std::string& jobKey,
                                       int64_t nowMs) const {
  for (const Suppression& entry : entries) {
    if (entry.ruleId != finding.ruleId || nowMs > entry.expiresEndMs) continue;
    if (!globMatches(entry.jobKey, jobKey) || !globMatches(entry.appId, appId)) continue;
    if (!entry.stageName.empty() && (finding.scope.kind != ScopeKind::kStage || !globMatches(entry.stageName, finding.scope.stageName))) continue;
    if (!entry.executorId.empty() &&
        (finding.scope.kind != ScopeKind::kExecutor || !globMatches(entry.executorId, finding.scope.executorId))) {
      continue;
    }
    return &entry;
  }
  return nullptr;
}

std::vector<const Suppression*> Suppressions::expired(int64_t nowMs) const {
  std::vector<const Suppression*> out;
  for (const Suppression& entry : entries) {
    if (nowMs > entry.expiresEndMs) out.push_back(&entry);
  }
  return out;
}

}  // namespace jobtuner::analyzers

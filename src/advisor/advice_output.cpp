// The advice's four forms: JSON, text for a terminal, a complete profile, and Spark conf lines.

#include <fmt/format.h>

#include "advisor/advice.h"
#include "core/profile_writer.h"
#include "core/settings_catalog.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

std::string money(const Advice& advice, double value) { return formatMoney(advice.currency, value); }

/// The Spark property lines of the changes: settings with a Spark key, and Spark-only ones.
std::vector<std::pair<std::string, std::string>> sparkLines(const Advice& advice, std::vector<std::string>& withoutKey) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const Change& change : advice.changes) {
    if (change.sparkKey.empty()) {
      withoutKey.push_back(change.setting);
      continue;
    }
    if (!advice.runtime) {
      lines.emplace_back(change.sparkKey, change.to);
      continue;
    }
    const core::ProfileSetting* setting = core::findProfileSettingBySparkKey(change.sparkKey);
    lines.emplace_back(change.sparkKey, setting ? core::formatSparkValue(setting->type, advice.profile.value(setting->name)) : change.to);
  }
  return lines;
}

}  // namespace

std::string formatMoney(const std::string& currency, double value) {
  return value < 0.01 ? fmt::format("{}{:.5f}", currency, value) : fmt::format("{}{:.2f}", currency, value);
}

nlohmann::ordered_json adviceJson(const Advice& advice, const std::string& target) {
  nlohmann::ordered_json changes = nlohmann::ordered_json::array();
  for (const Change& change : advice.changes) {
    nlohmann::ordered_json item = {{"setting", change.setting}, {"scope", change.scope}, {"from", change.from},
                                   {"to", change.to},           {"reason", change.reason}, {"evidence", change.evidence},
                                   {"expected_effect", change.expectedEffect}};
    item["finding"] = change.rule;
    if (!change.sparkKey.empty() && change.sparkKey != change.setting) item["spark_key"] = change.sparkKey;
    changes.push_back(std::move(item));
  }
  nlohmann::ordered_json whatIf = nlohmann::ordered_json::array();
  for (const WhatIfPoint& point : advice.whatIf) {
    whatIf.push_back({{"executors", point.executors},
                      {"slots", point.slots},
                      {"wall_time_s", point.wallMs / 1000.0},
                      {"core_hours", point.coreHours},
                      {"wasted_core_hours", point.wastedCoreHours},
                      {"cost", point.cost}});
  }
  return {{"target", target},
          {"app", advice.appId},
          {"attempt", advice.attemptId.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(advice.attemptId)},
          {"name", advice.appName},
          {"job", advice.jobKey},
          {"source", advice.runtime ? "runtime" : "spark"},
          {"succeeded", advice.succeeded},
          {"changes", changes},
          {"notes", advice.notes},
          {"prediction",
           {{"wall_time_s", advice.prediction.wallS},
            {"cost", advice.prediction.cost},
            {"current_wall_time_s", advice.prediction.currentWallS},
            {"current_cost", advice.prediction.currentCost},
            {"currency", advice.currency},
            {"basis", advice.prediction.basis}}},
          {"what_if", whatIf},
          {"converged", advice.converged},
          {"converged_reason", advice.convergedWhy}};
}

std::string adviceText(const Advice& advice) {
  std::string out = fmt::format("Advice for {} \"{}\" (job {}){}\n", advice.appId, advice.appName, advice.jobKey,
                                advice.succeeded ? "" : " — the run failed");
  out += fmt::format("  this run: {:.1f} s, {}\n", advice.prediction.currentWallS, money(advice, advice.prediction.currentCost));
  if (advice.changes.empty()) {
    out += fmt::format("  No change: {}\n", advice.convergedWhy);
  } else {
    out += fmt::format("  predicted next run: {:.1f} s, {} ({})\n", advice.prediction.wallS, money(advice, advice.prediction.cost),
                       advice.prediction.basis);
    double saving = advice.prediction.currentCost - advice.prediction.cost;
    if (saving > 0) out += fmt::format("  expected saving: {} per run\n", money(advice, saving));
    out += "\n";
    int n = 1;
    for (const Change& change : advice.changes) {
      out += fmt::format("  {}. {} ({}): {} -> {}\n", n++, change.setting, change.scope, change.from, change.to);
      out += fmt::format("     why: {}\n", change.reason);
      out += fmt::format("     expect: {}\n", change.expectedEffect);
    }
  }
  for (const std::string& note : advice.notes) out += fmt::format("\n  note: {}\n", note);
  if (!advice.whatIf.empty()) {
    out += "\n  executors  wall     wasted core-h  cost\n";
    for (const WhatIfPoint& point : advice.whatIf) {
      out += fmt::format("  {:>9}  {:<8} {:<14.4f} {}{}\n", point.executors, core::formatDurationMs(static_cast<int64_t>(point.wallMs)),
                         point.wastedCoreHours, money(advice, point.cost), point.executors == advice.chosenExecutors ? "  <- advised" : "");
    }
  }
  return out;
}

std::string adviceProfileYaml(const Advice& advice) {
  std::map<std::string, std::string> why;
  for (const Change& change : advice.changes) {
    std::string key = change.setting;
    if (const core::ProfileSetting* setting = core::findProfileSettingBySparkKey(key)) key = std::string(setting->name);
    why[key] = fmt::format("was {}: {}", change.from, change.reason);
  }
  std::string header = fmt::format("Written by `jobtuner advise` for job {} from run {}.\n", advice.jobKey, advice.appId);
  if (advice.changes.empty()) {
    header += "No change proposed: " + advice.convergedWhy + "\n";
  } else {
    header += fmt::format("Predicted: {:.1f} s and {} (this run: {:.1f} s and {}).\n", advice.prediction.wallS,
                          money(advice, advice.prediction.cost), advice.prediction.currentWallS,
                          money(advice, advice.prediction.currentCost));
  }
  for (const auto& [key, value] : advice.sparkOnly) header += fmt::format("Spark only (no profile key): {}={}\n", key, value);
  return core::profileYaml(advice.profile, why, header);
}

std::string adviceSparkConf(const Advice& advice) {
  std::vector<std::string> withoutKey;
  std::vector<std::pair<std::string, std::string>> lines = sparkLines(advice, withoutKey);
  std::string out = fmt::format("# jobtuner advise for {} (job {})\n", advice.appId, advice.jobKey);
  if (lines.empty()) out += "# No Spark setting to change: " + (advice.changes.empty() ? advice.convergedWhy : std::string("see the notes")) + "\n";
  for (const auto& [key, value] : lines) out += fmt::format("--conf {}={}\n", key, value);
  if (!lines.empty()) {
    out += "\n# spark-defaults.conf\n";
    for (const auto& [key, value] : lines) out += fmt::format("{:<56} {}\n", key, value);
  }
  for (const std::string& setting : withoutKey) {
    std::string field = setting.substr(setting.rfind('.') + 1);
    const core::StepSetting* step = core::findStepSetting(field);
    out += fmt::format("# {} has no Spark key{}\n", setting, step ? ": in Spark, " + std::string(step->sparkEquivalent) : "");
  }
  for (const std::string& note : advice.notes) out += "# note: " + note + "\n";
  return out;
}

}  // namespace jobtuner::advisor

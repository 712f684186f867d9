#include "reports/run_comparison.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "analyzers/analysis.h"
#include "analyzers/severity.h"
#include "core/units.h"

namespace jobtuner::reports {

namespace {

using json = nlohmann::ordered_json;

// Properties that name one run rather than configure it: they differ between any two runs.
bool namesTheRun(const std::string& key) {
  static const std::set<std::string> kKeys = {"spark.app.id",        "spark.app.startTime", "spark.app.submitTime",
                                              "spark.driver.port",   "spark.driver.host",   "spark.app.attempt.id",
                                              "spark.ui.proxyBase",  "spark.eventLog.dir",  "spark.jobtuner.run.dir",
                                              "spark.app.initial.jar.urls", "spark.repl.class.outputDir"};
  return kKeys.count(key) > 0;
}

int64_t spillBytes(const advisor::AppMeasurements& measured) {
  int64_t total = 0;
  for (const advisor::StageMeasurement& stage : measured.stages) total += stage.diskSpilledBytes;
  return total;
}

json runJson(const ComparedRun& run) {
  json bySeverity = json::object();
  for (const std::string& name : analyzers::severityNames()) bySeverity[name] = 0;
  for (const analyzers::Finding& finding : run.findings) {
    bySeverity[analyzers::toString(finding.severity)] = bySeverity[analyzers::toString(finding.severity)].get<int>() + 1;
  }
  const core::AppAttempt& app = run.measured.app;
  return {{"app", app.appId},
          {"attempt", app.attemptId},
          {"name", app.name},
          {"start", core::formatTimestampMs(app.startTimeMs)},
          {"succeeded", run.measured.succeeded},
          {"wall_time_s", run.measured.wallMs / 1000.0},
          {"cost", run.measured.cost},
          {"spill_bytes", spillBytes(run.measured)},
          {"findings", bySeverity}};
}

/// A stage's name across runs: the runtime's stable name, else Spark's name with its id (Spark
/// names repeat within one app).
std::string stageKey(const advisor::StageMeasurement& stage) {
  return stage.step.empty() ? fmt::format("{} {}", stage.stageId, stage.name) : stage.name;
}

std::string findingKey(const analyzers::Finding& finding) { return finding.ruleId + "\n" + finding.scope.describe(); }

}  // namespace

ComparedRun loadComparedRun(collector::Store& store, const std::string& appId, const std::string& attemptId,
                            const std::vector<analyzers::Rule>& rules, const advisor::Prices& prices, int64_t nowMs) {
  analyzers::AppAnalysis analysis = analyzers::analyzeStoredApp(store, appId, attemptId, rules, analyzers::Suppressions{}, nowMs);
  return ComparedRun{advisor::measureApp(store, analysis.appId, analysis.attemptId, prices), std::move(analysis.findings)};
}

std::optional<std::pair<std::string, std::string>> earlierRunOf(const collector::Store& store, const core::AppAttempt& app) {
  if (app.jobKey.empty()) return std::nullopt;
  std::optional<collector::AppRow> latest;
  for (const collector::AppRow& row : store.listApps()) {
    if (row.jobKey != app.jobKey || row.startTimeMs >= app.startTimeMs) continue;
    if (row.appId == app.appId && row.attemptId == app.attemptId) continue;
    if (!latest || row.startTimeMs > latest->startTimeMs) latest = row;
  }
  if (!latest) return std::nullopt;
  return std::pair(latest->appId, latest->attemptId);
}

json comparisonJson(const ComparedRun& before, const ComparedRun& after) {
  json stages = json::array();
  std::map<std::string, int64_t> beforeMs;
  std::vector<std::string> order;
  for (const advisor::StageMeasurement& stage : before.measured.stages) {
    if (!beforeMs.count(stageKey(stage))) order.push_back(stageKey(stage));
    beforeMs[stageKey(stage)] = stage.durationMs();
  }
  std::map<std::string, int64_t> afterMs;
  for (const advisor::StageMeasurement& stage : after.measured.stages) {
    if (!beforeMs.count(stageKey(stage)) && !afterMs.count(stageKey(stage))) order.push_back(stageKey(stage));
    afterMs[stageKey(stage)] = stage.durationMs();
  }
  for (const std::string& key : order) {
    json item = {{"name", key}};
    item["before_ms"] = beforeMs.count(key) ? json(beforeMs[key]) : json(nullptr);
    item["after_ms"] = afterMs.count(key) ? json(afterMs[key]) : json(nullptr);
    stages.push_back(item);
  }

  json settings = json::array();
  std::set<std::string> keys;
  for (const auto& [key, value] : before.measured.conf) keys.insert(key);
  for (const auto& [key, value] : after.measured.conf) keys.insert(key);
  for (const std::string& key : keys) {
    if (namesTheRun(key)) continue;
    auto a = before.measured.conf.find(key);
    auto b = after.measured.conf.find(key);
    std::string from = a == before.measured.conf.end() ? "" : a->second;
    std::string to = b == after.measured.conf.end() ? "" : b->second;
    if (from != to) settings.push_back({{"key", key}, {"before", from}, {"after", to}});
  }

  json findings = json::array();
  std::set<std::string> afterKeys;
  for (const analyzers::Finding& finding : after.findings) afterKeys.insert(findingKey(finding));
  std::set<std::string> beforeKeys;
  for (const analyzers::Finding& finding : before.findings) {
    beforeKeys.insert(findingKey(finding));
    findings.push_back({{"rule", finding.ruleId},
                        {"scope", finding.scope.describe()},
                        {"severity", analyzers::toString(finding.severity)},
                        {"change", afterKeys.count(findingKey(finding)) ? "still" : "gone"}});
  }
  for (const analyzers::Finding& finding : after.findings) {
    if (beforeKeys.count(findingKey(finding))) continue;
    findings.push_back({{"rule", finding.ruleId},
                        {"scope", finding.scope.describe()},
                        {"severity", analyzers::toString(finding.severity)},
                        {"change", "new"}});
  }

  double speedup = after.measured.wallMs > 0 ? static_cast<double>(before.measured.wallMs) / after.measured.wallMs : 0;
  return {{"before", runJson(before)}, {"after", runJson(after)}, {"speedup", speedup},
          {"stages", stages},          {"settings", settings},    {"findings", findings}};
}

namespace {

std::string optionalMs(const json& value) { return value.is_null() ? "-" : core::formatDurationMs(value.get<int64_t>()); }

std::string severityCounts(const json& counts) {
  std::string text;
  for (const auto& [name, count] : counts.items()) {
    if (count.get<int>() == 0) continue;
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", count.get<int>(), name);
  }
  return text.empty() ? "none" : text;
}

/// "-12%" when `after` is lower; "+40%" when higher; "" when either is unknown or zero.
std::string change(double before, double after) {
  if (before <= 0 || after < 0) return "";
  return fmt::format("{:+.0f}%", (after - before) / before * 100);
}

std::string changeClass(double before, double after) {
  if (before <= 0) return "";
  return after < before ? "better" : after > before ? "worse" : "";
}

}  // namespace

std::string comparisonText(const json& comparison) {
  const json& a = comparison["before"];
  const json& b = comparison["after"];
  std::string out = fmt::format("before: {} \"{}\" ({}){}\n", a["app"].get<std::string>(), a["name"].get<std::string>(),
                                a["start"].get<std::string>(), a["succeeded"].get<bool>() ? "" : " — failed");
  out += fmt::format("after:  {} \"{}\" ({}){}\n\n", b["app"].get<std::string>(), b["name"].get<std::string>(),
                     b["start"].get<std::string>(), b["succeeded"].get<bool>() ? "" : " — failed");
  auto line = [&](const std::string& what, const std::string& x, const std::string& y, const std::string& delta) {
    out += fmt::format("  {:<22} {:>14} {:>14}  {}\n", what, x, y, delta);
  };
  line("", "before", "after", "");
  double wallA = a["wall_time_s"].get<double>(), wallB = b["wall_time_s"].get<double>();
  line("wall time", core::formatDurationMs(static_cast<int64_t>(wallA * 1000)), core::formatDurationMs(static_cast<int64_t>(wallB * 1000)),
       change(wallA, wallB));
  line("cost", fmt::format("{:.5f}", a["cost"].get<double>()), fmt::format("{:.5f}", b["cost"].get<double>()),
       change(a["cost"].get<double>(), b["cost"].get<double>()));
  line("spill (disk)", core::formatBytes(a["spill_bytes"].get<int64_t>()), core::formatBytes(b["spill_bytes"].get<int64_t>()), "");
  out += fmt::format("  {:<22} {} -> {}\n", "findings", severityCounts(a["findings"]), severityCounts(b["findings"]));
  out += "\n  stage time\n";
  for (const json& stage : comparison["stages"]) {
    line(stage["name"].get<std::string>().substr(0, 22), optionalMs(stage["before_ms"]), optionalMs(stage["after_ms"]),
         stage["before_ms"].is_null() || stage["after_ms"].is_null()
             ? ""
             : change(stage["before_ms"].get<double>(), stage["after_ms"].get<double>()));
  }
  if (!comparison["settings"].empty()) out += "\n  settings changed\n";
  for (const json& setting : comparison["settings"]) {
    out += fmt::format("  {}: {} -> {}\n", setting["key"].get<std::string>(),
                       setting["before"].get<std::string>().empty() ? "(unset)" : setting["before"].get<std::string>(),
                       setting["after"].get<std::string>().empty() ? "(unset)" : setting["after"].get<std::string>());
  }
  if (!comparison["findings"].empty()) out += "\n  findings\n";
  for (const json& finding : comparison["findings"]) {
    out += fmt::format("  {:<6} {:<9} {} ({})\n", finding["change"].get<std::string>(), finding["severity"].get<std::string>(),
                       finding["rule"].get<std::string>(), finding["scope"].get<std::string>());
  }
  return out;
}

json comparisonContext(const json& comparison) {
  const json& a = comparison["before"];
  const json& b = comparison["after"];
  json rows = json::array();
  auto row = [&](const std::string& what, const std::string& x, const std::string& y, double vx, double vy) {
    rows.push_back({{"what", what}, {"before", x}, {"after", y}, {"change", change(vx, vy)}, {"changeClass", changeClass(vx, vy)}});
  };
  double wallA = a["wall_time_s"].get<double>(), wallB = b["wall_time_s"].get<double>();
  row("Wall time", core::formatDurationMs(static_cast<int64_t>(wallA * 1000)), core::formatDurationMs(static_cast<int64_t>(wallB * 1000)),
      wallA, wallB);
  row("Cost", fmt::format("{:.5f}", a["cost"].get<double>()), fmt::format("{:.5f}", b["cost"].get<double>()), a["cost"].get<double>(),
      b["cost"].get<double>());
  row("Spill (disk)", core::formatBytes(a["spill_bytes"].get<int64_t>()), core::formatBytes(b["spill_bytes"].get<int64_t>()),
      a["spill_bytes"].get<double>(), b["spill_bytes"].get<double>());
  row("Findings", severityCounts(a["findings"]), severityCounts(b["findings"]), 0, 0);
  json stages = json::array();
  for (const json& stage : comparison["stages"]) {
    bool both = !stage["before_ms"].is_null() && !stage["after_ms"].is_null();
    stages.push_back({{"name", stage["name"]},
                      {"before", optionalMs(stage["before_ms"])},
                      {"after", optionalMs(stage["after_ms"])},
                      {"change", both ? change(stage["before_ms"].get<double>(), stage["after_ms"].get<double>()) : ""},
                      {"changeClass", both ? changeClass(stage["before_ms"].get<double>(), stage["after_ms"].get<double>()) : ""}});
  }
  json settings = json::array();
  for (const json& setting : comparison["settings"]) {
    settings.push_back({{"key", setting["key"]},
                        {"before", setting["before"].get<std::string>().empty() ? "(unset)" : setting["before"]},
                        {"after", setting["after"].get<std::string>().empty() ? "(unset)" : setting["after"]}});
  }
  return {{"beforeApp", a["app"]}, {"beforeStart", a["start"]}, {"afterApp", b["app"]},   {"rows", rows},
          {"stages", stages},      {"hasSettings", !settings.empty()}, {"settings", settings},
          {"findings", comparison["findings"]}, {"hasFindings", !comparison["findings"].empty()}};
}

}  // namespace jobtuner::reports

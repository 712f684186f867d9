#include "reports/nightly_digest.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "advisor/advice.h"
#include "advisor/run_history.h"
#include "advisor/stored_app_advice.h"
#include "analyzers/analysis.h"
#include "analyzers/suppressions.h"
#include "core/units.h"
#include "reports/template_renderer.h"
#include "reports/trend_sparkline.h"

namespace jobtuner::reports {

namespace {

using json = nlohmann::ordered_json;

// The digest lists at most this many of the most severe findings, and this many runs per trend.
constexpr size_t kTopFindings = 25;
constexpr size_t kTrendRuns = 14;

struct AppEntry {
  collector::AppRow row;
  advisor::AppMeasurements measured;
  std::vector<analyzers::Finding> findings;
};

const analyzers::Finding* worstOf(const std::vector<analyzers::Finding>& findings) {
  const analyzers::Finding* worst = nullptr;
  for (const analyzers::Finding& finding : findings) {
    if (!worst || finding.severity > worst->severity) worst = &finding;
  }
  return worst;
}

json appRow(const AppEntry& entry, const std::string& currency) {
  const analyzers::Finding* worst = worstOf(entry.findings);
  std::string status = !entry.row.completed ? "incomplete" : entry.measured.succeeded ? "succeeded" : "failed";
  return {{"name", entry.row.name},
          {"appId", entry.row.appId},
          {"attemptId", entry.row.attemptId},
          {"jobKey", entry.row.jobKey},
          {"source", entry.row.source},
          {"start", core::formatTimestampMs(entry.row.startTimeMs)},
          {"startMs", entry.row.startTimeMs},
          {"status", status},
          {"statusClass", !entry.row.completed ? "running" : entry.measured.succeeded ? "ok" : "failed"},
          {"durationMs", entry.measured.wallMs},
          {"duration", entry.measured.wallMs > 0 ? core::formatDurationMs(entry.measured.wallMs) : "-"},
          {"costValue", entry.measured.cost},
          {"cost", advisor::formatMoney(currency, entry.measured.cost)},
          {"worstRank", worst ? static_cast<int>(worst->severity) : 0},
          {"worstSeverity", worst ? analyzers::toString(worst->severity) : "none"},
          {"worstTitle", worst ? worst->title : "no finding"},
          {"findings", entry.findings.size()}};
}

json chartJson(const SvgChart& chart) { return toJson(chart); }

}  // namespace

bool isRegression(const std::vector<double>& earlierWallS, bool earlierSucceeded, double latestWallS, bool latestSucceeded,
                  double factor) {
  if (!latestSucceeded) return earlierSucceeded;
  if (earlierWallS.size() < 2) return false;
  std::vector<double> sorted = earlierWallS;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted.size() % 2 ? sorted[sorted.size() / 2] : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  return median > 0 && latestWallS > factor * median;
}

json digestContext(collector::Store& store, const DigestInput& input, const std::vector<analyzers::Rule>& rules,
                   const advisor::AdvisorConfig& config) {
  const std::string& currency = config.prices.currency;
  std::vector<AppEntry> apps;
  for (const collector::AppRow& row : store.listApps()) {
    if (std::max(row.startTimeMs, row.endTimeMs) < input.sinceMs) continue;
    analyzers::AppAnalysis analysis =
        analyzers::analyzeStoredApp(store, row.appId, row.attemptId, rules, analyzers::Suppressions{}, input.nowMs);
    apps.push_back({row, advisor::measureApp(store, row.appId, row.attemptId, config.prices), std::move(analysis.findings)});
  }
  std::sort(apps.begin(), apps.end(), [](const AppEntry& a, const AppEntry& b) { return a.row.startTimeMs > b.row.startTimeMs; });

  json appRows = json::array();
  int64_t failed = 0;
  double totalCost = 0;
  struct Ranked {
    const AppEntry* app;
    const analyzers::Finding* finding;
  };
  std::vector<Ranked> ranked;
  for (const AppEntry& entry : apps) {
    appRows.push_back(appRow(entry, currency));
    if (entry.row.completed && !entry.measured.succeeded) ++failed;
    totalCost += entry.measured.cost;
    for (const analyzers::Finding& finding : entry.findings) {
      if (finding.severity >= analyzers::Severity::kModerate) ranked.push_back({&entry, &finding});
    }
  }
  // Most severe first; among equals the newest app first (apps are sorted so), in finding order.
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.finding->severity > b.finding->severity; });
  json topFindings = json::array();
  for (size_t i = 0; i < ranked.size() && i < kTopFindings; ++i) {
    const analyzers::Finding& finding = *ranked[i].finding;
    topFindings.push_back({{"severity", analyzers::toString(finding.severity)},
                           {"title", finding.title},
                           {"appId", ranked[i].app->row.appId},
                           {"appName", ranked[i].app->row.name},
                           {"scope", finding.scope.describe()},
                           {"message", finding.message}});
  }

  // Jobs that ran in the window, each with its trend over its last runs and its pending advice.
  std::vector<std::string> jobKeys;
  for (const AppEntry& entry : apps) {
    if (!entry.row.jobKey.empty() && std::find(jobKeys.begin(), jobKeys.end(), entry.row.jobKey) == jobKeys.end()) {
      jobKeys.push_back(entry.row.jobKey);
    }
  }
  std::sort(jobKeys.begin(), jobKeys.end());
  json jobs = json::array();
  json pending = json::array();
  int64_t regressions = 0;
  for (const std::string& jobKey : jobKeys) {
    std::vector<advisor::RunRecord> history = advisor::loadRunHistory(store, jobKey, config.prices);
    if (history.empty()) continue;
    if (history.size() > kTrendRuns) history.erase(history.begin(), history.end() - static_cast<std::ptrdiff_t>(kTrendRuns));
    std::vector<TrendPoint> wall, cost;
    std::vector<double> earlierWall;
    bool earlierSucceeded = false;
    for (size_t i = 0; i < history.size(); ++i) {
      const advisor::RunRecord& run = history[i];
      wall.push_back({run.wallMs / 1000.0, fmt::format("{}: {}{}", run.appId, core::formatDurationMs(run.wallMs), run.succeeded ? "" : ", failed"),
                      !run.succeeded});
      cost.push_back({run.cost, fmt::format("{}: {}", run.appId, advisor::formatMoney(currency, run.cost)), !run.succeeded});
      if (i + 1 < history.size() && run.succeeded) {
        earlierWall.push_back(run.wallMs / 1000.0);
        earlierSucceeded = true;
      }
    }
    const advisor::RunRecord& latest = history.back();
    bool regressed = isRegression(earlierWall, earlierSucceeded, latest.wallMs / 1000.0, latest.succeeded);
    if (regressed) ++regressions;
    std::string slug = fmt::format("{}", jobs.size());
    json job = {{"jobKey", jobKey},
                {"runs", history.size()},
                {"latestApp", latest.appId},
                {"latestWall", core::formatDurationMs(latest.wallMs)},
                {"latestCost", advisor::formatMoney(currency, latest.cost)},
                {"wallTrend", chartJson(trendSparkline(wall, "trend-wall-" + slug, "wall time"))},
                {"costTrend", chartJson(trendSparkline(cost, "trend-cost-" + slug, "cost"))},
                {"regressed", regressed},
                {"trendText", regressed ? (latest.succeeded ? "slower than its earlier runs" : "failed after earlier successes")
                                        : "steady"}};
    jobs.push_back(job);

    // The latest run's advice: what no run has applied yet.
    advisor::StoredAppAdvice advice = advisor::adviseStoredApp(store, latest.appId, latest.attemptId, rules, config, input.nowMs);
    if (advice.advice.changes.empty()) continue;
    json changes = json::array();
    for (const advisor::Change& change : advice.advice.changes) {
      changes.push_back({{"setting", change.setting}, {"scope", change.scope}, {"from", change.from}, {"to", change.to}, {"reason", change.reason}});
    }
    pending.push_back({{"jobKey", jobKey},
                       {"appId", latest.appId},
                       {"predicted", fmt::format("{} instead of {}", core::formatDurationMs(static_cast<int64_t>(advice.advice.prediction.wallS * 1000)),
                                                 core::formatDurationMs(static_cast<int64_t>(advice.advice.prediction.currentWallS * 1000)))},
                       {"changes", changes}});
  }

  std::string summary = fmt::format("{} app{} ran since {}: {} failed, {} finding{} at moderate or worse, {} job{} regressed; {} in all.",
                                    apps.size(), apps.size() == 1 ? "" : "s", core::formatTimestampMs(input.sinceMs), failed,
                                    ranked.size(), ranked.size() == 1 ? "" : "s", regressions, regressions == 1 ? "" : "s",
                                    advisor::formatMoney(currency, totalCost));
  return {{"pageTitle", fmt::format("jobtuner digest, last {}", input.windowText)},
          {"version", input.version},
          {"generated", core::formatTimestampMs(input.nowMs)},
          {"window", input.windowText},
          {"since", core::formatTimestampMs(input.sinceMs)},
          {"summary", summary},
          {"verdictClass", failed > 0 ? "critical" : regressions > 0 ? "severe" : ranked.empty() ? "ok" : "moderate"},
          {"hasApps", !apps.empty()},
          {"apps", appRows},
          {"hasFindings", !topFindings.empty()},
          {"topFindings", topFindings},
          {"hasJobs", !jobs.empty()},
          {"jobs", jobs},
          {"hasPending", !pending.empty()},
          {"pending", pending}};
}

std::string renderDigest(const json& context) { return renderPage("digest.mustache", context); }

}  // namespace jobtuner::reports

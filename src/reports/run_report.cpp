#include "reports/run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analyzers/rule_value.h"
#include "core/task_summary.h"
#include "core/units.h"
#include "reports/executor_memory_chart.h"
#include "reports/executor_timeline_chart.h"
#include "reports/partition_bytes_chart.h"
#include "reports/spill_gc_chart.h"
#include "reports/task_duration_chart.h"
#include "reports/template_renderer.h"

namespace jobtuner::reports {

namespace {

using json = nlohmann::ordered_json;
using analyzers::Finding;
using analyzers::Severity;

// Rules whose evidence is how a stage's shuffle is spread over its partitions: their stage gets a
// partition chart, and the finding links to it.
const std::set<std::string> kSkewRules = {"task-duration-skew", "hot-key", "shuffle-read-skew"};
constexpr size_t kMostPartitionCharts = 12;

std::string money(const advisor::Advice& advice, double value) { return advisor::formatMoney(advice.currency, value); }

std::string seconds(double value) { return core::formatDurationMs(static_cast<int64_t>(value * 1000)); }

const char* severityLabel(Severity severity) {
  switch (severity) {
    case Severity::kCritical: return "Critical";
    case Severity::kSevere: return "Severe";
    case Severity::kModerate: return "Moderate";
    case Severity::kLow: return "Low";
  }
  return "";
}

/// Which chart shows a finding's evidence, by the chart's id; empty when none does.
std::string chartFor(const Finding& finding, const std::map<std::string, std::string>& chartIds) {
  auto id = [&](const std::string& key) {
    auto it = chartIds.find(key);
    return it == chartIds.end() ? std::string() : it->second;
  };
  const std::string& rule = finding.ruleId;
  if (kSkewRules.count(rule) && finding.scope.stageId) {
    std::string partitions = id(fmt::format("partitions-{}", *finding.scope.stageId));
    if (!partitions.empty()) return partitions;
    return id("durations");
  }
  if (rule == "stage-spill" || rule == "gc-pressure-stage") return id("spill-gc");
  if (rule == "gc-pressure-executor" || rule.starts_with("executor-memory") || rule == "lost-executor") return id("memory");
  if (rule == "stragglers" || rule == "task-duration-skew") return id("durations");
  return id("timeline");
}

json headerContext(const advisor::StoredAppAdvice& result, const std::vector<core::TaskAttempt>& tasks, const std::string& version) {
  const advisor::AppMeasurements& measured = result.measured;
  const core::AppAttempt& app = measured.app;
  int64_t failedTasks = std::count_if(tasks.begin(), tasks.end(), [](const core::TaskAttempt& task) {
    return task.status == core::TaskStatus::Failed;
  });
  int64_t cores = 0;
  for (const core::Executor& executor : app.executors) cores += executor.totalCores;
  std::string status = !app.completed ? "incomplete" : measured.succeeded ? "succeeded" : "failed";
  std::string statusClass = !app.completed ? "running" : measured.succeeded ? "ok" : "failed";

  // The verdict: the worst finding, and what the advice expects to gain.
  const Finding* worst = nullptr;
  for (const Finding& finding : result.findings) {
    if (!worst || finding.severity > worst->severity) worst = &finding;
  }
  std::string verdict;
  std::string verdictClass = "ok";
  if (!worst) {
    verdict = "No rule found a problem.";
  } else {
    verdictClass = analyzers::toString(worst->severity);
    verdict = fmt::format("{}: {} ({}).", severityLabel(worst->severity), worst->title, worst->scope.describe());
    if (result.findings.size() > 1) verdict += fmt::format(" {} findings in all.", result.findings.size());
  }
  const advisor::Advice& advice = result.advice;
  if (!advice.changes.empty() && advice.prediction.wallS > 0) {
    verdict += fmt::format(" The advice changes {} setting{} and predicts {} instead of {}.", advice.changes.size(),
                           advice.changes.size() == 1 ? "" : "s", seconds(advice.prediction.wallS),
                           seconds(advice.prediction.currentWallS));
  }
  // The runtime's log names the Spark version whose format it writes; its own version is ours.
  std::string source = app.source == core::AppSource::Runtime ? "jobtuner runtime " + version : "Spark " + app.engineVersion;
  return {{"name", app.name.empty() ? app.appId : app.name},
          {"appId", app.appId},
          {"attemptId", app.attemptId},
          {"jobKey", app.jobKey},
          {"sourceText", source},
          {"start", core::formatTimestampMs(app.startTimeMs)},
          {"duration", measured.wallMs > 0 ? core::formatDurationMs(measured.wallMs) : "unknown"},
          {"status", status},
          {"statusClass", statusClass},
          {"executors", measured.executors > 0 ? measured.executors : static_cast<int64_t>(app.executors.size())},
          {"cores", measured.executorCores > 0 ? fmt::format("{}", measured.executorCores) : fmt::format("{} in all", cores)},
          {"tasks", tasks.size()},
          {"failedTasks", failedTasks},
          {"cost", money(advice, measured.cost)},
          {"verdict", verdict},
          {"verdictClass", verdictClass}};
}

json findingGroupsContext(const std::vector<Finding>& findings, const std::map<std::string, std::string>& chartIds,
                          const std::map<std::string, std::string>& chartTitles) {
  json groups = json::array();
  for (Severity severity : {Severity::kCritical, Severity::kSevere, Severity::kModerate, Severity::kLow}) {
    json items = json::array();
    for (const Finding& finding : findings) {
      if (finding.severity != severity) continue;
      json evidence = json::array();
      for (const analyzers::Evidence& item : finding.evidence) {
        evidence.push_back({{"name", item.name}, {"value", analyzers::formatValue(item.value, item.unit)}});
      }
      std::string chart = chartFor(finding, chartIds);
      items.push_back({{"severity", analyzers::toString(severity)},
                       {"title", finding.title},
                       {"scope", finding.scope.describe()},
                       {"rule", finding.ruleId},
                       {"message", finding.message},
                       {"hasEvidence", !evidence.empty()},
                       {"evidence", evidence},
                       {"chart", chart},
                       {"chartTitle", chart.empty() ? "" : chartTitles.at(chart)}});
    }
    if (items.empty()) continue;
    groups.push_back({{"severity", analyzers::toString(severity)},
                      {"label", severityLabel(severity)},
                      {"count", items.size()},
                      {"noun", items.size() == 1 ? "finding" : "findings"},
                      {"findings", items}});
  }
  return groups;
}

json adviceContext(const advisor::Advice& advice) {
  json changes = json::array();
  for (const advisor::Change& change : advice.changes) {
    changes.push_back({{"setting", change.setting},
                       {"sparkKey", change.sparkKey != change.setting ? change.sparkKey : ""},
                       {"scope", change.scope},
                       {"from", change.from},
                       {"to", change.to},
                       {"reason", change.reason},
                       {"expect", change.expectedEffect}});
  }
  return {{"hasChanges", !changes.empty()},
          {"changes", changes},
          {"predicted", fmt::format("{}, {}", seconds(advice.prediction.wallS), money(advice, advice.prediction.cost))},
          {"current", fmt::format("{}, {}", seconds(advice.prediction.currentWallS), money(advice, advice.prediction.currentCost))},
          {"basis", advice.prediction.basis},
          {"converged", advice.convergedWhy},
          {"notes", advice.notes},
          {"artifactTitle", advice.runtime ? "The next run's profile" : "spark-submit settings"},
          {"artifact", advice.runtime ? advisor::adviceProfileYaml(advice) : advisor::adviceSparkConf(advice)}};
}

/// The quantile rows of one stage attempt, as the History Server's taskSummary computes them.
json quantilesContext(const core::TaskSummaryBuilder& summary) {
  if (summary.count() == 0) return nullptr;
  using Metric = core::TaskSummaryBuilder::Metric;
  struct Row {
    const char* name;
    Metric metric;
    analyzers::Unit unit;
  };
  const Row rows[] = {
      {"Duration", Metric::kDuration, analyzers::Unit::kMs},
      {"GC time", Metric::kJvmGcTime, analyzers::Unit::kMs},
      {"Scheduler delay", Metric::kSchedulerDelay, analyzers::Unit::kMs},
      {"Peak execution memory", Metric::kPeakExecutionMemory, analyzers::Unit::kBytes},
      {"Input", Metric::kInputBytesRead, analyzers::Unit::kBytes},
      {"Shuffle read", Metric::kShuffleReadBytes, analyzers::Unit::kBytes},
      {"Shuffle write", Metric::kShuffleWriteBytes, analyzers::Unit::kBytes},
      {"Spill (memory)", Metric::kMemoryBytesSpilled, analyzers::Unit::kBytes},
      {"Spill (disk)", Metric::kDiskBytesSpilled, analyzers::Unit::kBytes},
  };
  const std::vector<double> quantiles = core::stageSummaryDefaultQuantiles();
  json result = json::array();
  for (const Row& row : rows) {
    json values = json::array();
    for (double value : summary.quantilesOf(row.metric, quantiles)) {
      values.push_back(std::isnan(value) ? "-" : analyzers::formatValue(value, row.unit));
    }
    result.push_back({{"metric", row.name}, {"values", values}});
  }
  return {{"rows", result}};
}

json stagesContext(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks) {
  struct Totals {
    core::TaskSummaryBuilder summary;
    int64_t tasks = 0, failed = 0, input = 0, shuffleRead = 0, shuffleWrite = 0, spill = 0, gcMs = 0;
  };
  std::map<std::pair<int32_t, int32_t>, Totals> byStage;
  for (const core::TaskAttempt& task : tasks) {
    Totals& totals = byStage[{task.stageId, task.stageAttemptId}];
    totals.summary.add(task);
    ++totals.tasks;
    if (task.status == core::TaskStatus::Failed) ++totals.failed;
    totals.input += task.metrics.inputBytes;
    totals.shuffleRead += task.metrics.shuffleReadBytes();
    totals.shuffleWrite += task.metrics.shuffleBytesWritten;
    totals.spill += task.metrics.diskBytesSpilled;
    totals.gcMs += task.metrics.jvmGcTimeMs;
  }
  std::vector<const core::StageAttempt*> stages;
  for (const core::StageAttempt& stage : app.stages) stages.push_back(&stage);
  std::sort(stages.begin(), stages.end(), [](const core::StageAttempt* a, const core::StageAttempt* b) {
    return std::pair(a->stageId, a->attemptId) < std::pair(b->stageId, b->attemptId);
  });
  json rows = json::array();
  for (const core::StageAttempt* stage : stages) {
    Totals& totals = byStage[{stage->stageId, stage->attemptId}];
    int64_t durationMs = stage->completionTimeMs > stage->submissionTimeMs && stage->submissionTimeMs > 0
                             ? stage->completionTimeMs - stage->submissionTimeMs
                             : 0;
    std::string name = stage->runtimeStageName.empty() ? stage->name : stage->runtimeStageName;
    rows.push_back({{"id", fmt::format("{}.{}", stage->stageId, stage->attemptId)},
                    {"sortId", stage->stageId * 1000.0 + stage->attemptId},
                    {"anchor", fmt::format("{}-{}", stage->stageId, stage->attemptId)},
                    {"name", name},
                    {"status", core::toString(stage->status)},
                    {"tasks", totals.tasks},
                    {"failedTasks", totals.failed},
                    {"durationMs", durationMs},
                    {"duration", durationMs > 0 ? core::formatDurationMs(durationMs) : "-"},
                    {"inputBytes", totals.input},
                    {"input", core::formatBytes(totals.input)},
                    {"shuffleReadBytes", totals.shuffleRead},
                    {"shuffleRead", core::formatBytes(totals.shuffleRead)},
                    {"shuffleWriteBytes", totals.shuffleWrite},
                    {"shuffleWrite", core::formatBytes(totals.shuffleWrite)},
                    {"diskSpilledBytes", totals.spill},
                    {"spill", core::formatBytes(totals.spill)},
                    {"gcMs", totals.gcMs},
                    {"gc", core::formatDurationMs(totals.gcMs)},
                    {"quantiles", quantilesContext(totals.summary)}});
  }
  return rows;
}

/// The stages whose shuffle a skew finding points at, each with its last attempt, in the order of
/// the findings (most severe first), at most kMostPartitionCharts: an app with dozens of skewed
/// stages gets the worst ones charted, and the other findings link to the task-duration chart.
std::vector<std::pair<int32_t, int32_t>> skewedStages(const core::AppAttempt& app, const std::vector<Finding>& findings) {
  std::vector<std::pair<int32_t, int32_t>> result;
  std::vector<const Finding*> bySeverity;
  for (const Finding& finding : findings) bySeverity.push_back(&finding);
  std::stable_sort(bySeverity.begin(), bySeverity.end(), [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  for (const Finding* found : bySeverity) {
    const Finding& finding = *found;
    if (!kSkewRules.count(finding.ruleId) || !finding.scope.stageId) continue;
    int32_t stageId = *finding.scope.stageId;
    int32_t attempt = finding.scope.stageAttempt.value_or(0);
    for (const core::StageAttempt& stage : app.stages) {
      if (stage.stageId == stageId && !finding.scope.stageAttempt) attempt = std::max(attempt, stage.attemptId);
    }
    if (std::find_if(result.begin(), result.end(), [&](const auto& item) { return item.first == stageId; }) == result.end()) {
      result.emplace_back(stageId, attempt);
    }
    if (result.size() == kMostPartitionCharts) break;
  }
  return result;
}

json chartContext(const SvgChart& chart) {
  json context = toJson(chart);
  context["hasLegend"] = !chart.legend.empty();
  return context;
}

json propertiesContext(const core::AppAttempt& app) {
  std::vector<std::pair<std::string, std::string>> properties = app.environment.sparkProperties;
  std::sort(properties.begin(), properties.end());
  json rows = json::array();
  for (const auto& [key, value] : properties) rows.push_back({{"key", key}, {"value", value}});
  return rows;
}

}  // namespace

json runReportContext(const RunReportInput& input) {
  const advisor::StoredAppAdvice& result = *input.result;
  const std::vector<core::TaskAttempt>& tasks = *input.tasks;
  const core::AppAttempt& app = result.measured.app;

  // Charts first: findings link to them by id.
  std::vector<std::pair<std::string, SvgChart>> charts;
  charts.emplace_back("timeline", executorTimelineChart(app, tasks));
  charts.emplace_back("durations", taskDurationChart(app, tasks));
  for (const auto& [stageId, attempt] : skewedStages(app, result.findings)) {
    charts.emplace_back(fmt::format("partitions-{}", stageId), partitionBytesChart(app, tasks, stageId, attempt));
  }
  charts.emplace_back("spill-gc", spillGcChart(app, tasks));
  charts.emplace_back("memory", executorMemoryChart(app, tasks));
  std::map<std::string, std::string> chartIds;
  std::map<std::string, std::string> chartTitles;
  json chartItems = json::array();
  for (const auto& [kind, chart] : charts) {
    chartIds[kind] = chart.id;
    chartTitles[chart.id] = chart.title;
    chartItems.push_back(chartContext(chart));
  }

  json properties = propertiesContext(app);
  json context = {{"pageTitle", fmt::format("{} — jobtuner report", app.name.empty() ? app.appId : app.name)},
                  {"version", input.version},
                  {"generated", core::formatTimestampMs(input.generatedAtMs)},
                  {"header", headerContext(result, tasks, input.version)},
                  {"findingGroups", findingGroupsContext(result.findings, chartIds, chartTitles)},
                  {"advice", adviceContext(result.advice)},
                  {"stages", stagesContext(app, tasks)},
                  {"charts", chartItems},
                  {"propertyCount", properties.size()},
                  {"properties", properties}};
  if (input.comparison) context["comparison"] = *input.comparison;
  return context;
}

std::string renderRunReport(const RunReportInput& input) { return renderPage("run_report.mustache", runReportContext(input)); }

}  // namespace jobtuner::reports

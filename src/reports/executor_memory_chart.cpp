#include "reports/executor_memory_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "advisor/app_measurements.h"
#include "analyzers/removal_reasons.h"
#include "core/units.h"
#include "reports/chart_axes.h"
#include "reports/chart_labels.h"
#include "reports/stage_rows.h"

namespace jobtuner::reports {

namespace {

constexpr double kWidth = 960;
constexpr double kLabelX = 4;
constexpr double kPlotLeft = 110;  // executor labels sit left of it
constexpr double kPlotRight = 780;  // values are written right of it
constexpr double kValueX = 790;
constexpr double kTop = 8;
constexpr double kRowHeight = 22;
constexpr double kBarHeight = 12;
constexpr double kAxisRoom = 34;
constexpr size_t kMaxExecutors = 64;
constexpr int64_t kSparkDefaultMemoryBytes = 1LL << 30;  // spark.executor.memory and spark.driver.memory

struct ExecutorMemory {
  std::string id;
  std::optional<int64_t> peakBytes;
  std::string peakMeaning;  // "JVM heap peak", ...
  int64_t limitBytes = 0;
  std::string limitMeaning;  // "spark.executor.memory", ...
  bool killed = false;       // removed for exceeding its memory limit

  double use() const { return peakBytes && limitBytes > 0 ? static_cast<double>(*peakBytes) / static_cast<double>(limitBytes) : -1; }
};

std::optional<std::string> sparkProperty(const core::AppAttempt& app, std::string_view key) {
  for (const auto& [name, value] : app.environment.sparkProperties) {
    if (name == key) return value;
  }
  return std::nullopt;
}

/// A memory setting as Spark reads it: a bare number is MiB.
int64_t memorySetting(const core::AppAttempt& app, std::string_view key) {
  std::optional<std::string> text = sparkProperty(app, key);
  if (!text || text->empty()) return kSparkDefaultMemoryBytes;
  std::string value = *text;
  if (std::isdigit(static_cast<unsigned char>(value.back()))) value += "m";
  std::optional<int64_t> bytes = core::parseBytes(value);
  return bytes && *bytes > 0 ? *bytes : kSparkDefaultMemoryBytes;
}

/// Spark's peak of one executor metric by name; nullopt when unset, or not positive (Spark's -1
/// for "never reported").
std::optional<int64_t> peakMetric(const core::Executor& executor, std::string_view name) {
  if (!executor.peakMetrics) return std::nullopt;
  const auto& names = core::executorMetricNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (name == names[i] && executor.peakMetrics->values[i] > 0) return executor.peakMetrics->values[i];
  }
  return std::nullopt;
}

/// Per executor, for each stage attempt, its largest task's peak execution memory: the runtime's
/// estimate of an executor's use is the largest of these times its cores (the advisor's).
std::map<std::string, int64_t> largestTaskMemoryByExecutor(const std::vector<core::TaskAttempt>& tasks) {
  std::map<std::string, int64_t> largest;
  for (const core::TaskAttempt& task : tasks) {
    if (task.metrics.peakExecutionMemoryBytes <= 0) continue;
    int64_t& most = largest[task.executorId];
    most = std::max(most, task.metrics.peakExecutionMemoryBytes);
  }
  return largest;
}

std::vector<ExecutorMemory> measureExecutors(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks) {
  const bool runtime = app.source == core::AppSource::Runtime;
  const int64_t executorMemory = memorySetting(app, "spark.executor.memory");
  const int64_t driverMemory = memorySetting(app, "spark.driver.memory");
  int64_t configuredCores = 1;
  if (std::optional<std::string> cores = sparkProperty(app, "spark.executor.cores")) {
    try {
      configuredCores = std::max<int64_t>(1, std::stoll(*cores));
    } catch (const std::exception&) {
    }
  }
  const std::map<std::string, int64_t> largestTask = runtime ? largestTaskMemoryByExecutor(tasks) : std::map<std::string, int64_t>{};
  std::map<std::string, bool> ranTasks;
  for (const core::TaskAttempt& task : tasks) ranTasks[task.executorId] = true;

  const analyzers::RemovalCatalog& catalog = analyzers::RemovalCatalog::builtin();
  std::vector<ExecutorMemory> executors;
  for (const core::Executor& executor : app.executors) {
    const bool driver = executor.executorId == "driver";
    ExecutorMemory m;
    m.id = executor.executorId;
    m.limitBytes = driver ? driverMemory : executorMemory;
    m.limitMeaning = driver ? "spark.driver.memory" : "spark.executor.memory";
    // The removal catalogue knows every cluster manager's wording of a memory kill; only the
    // runtime's carries the figures.
    const bool removed = executor.removeTimeMs > 0 || !executor.removeReason.empty();
    m.killed = catalog.classify(executor.removeReason, removed) == analyzers::RemovalClass::kMemoryLimit;
    if (std::optional<advisor::MemoryKill> kill = advisor::parseMemoryKill(executor.removeReason)) {
      m.killed = true;
      m.peakBytes = kill->usedBytes;
      m.peakMeaning = "resident size when killed";
      m.limitBytes = kill->limitBytes;
      m.limitMeaning = "its memory limit (executor memory plus overhead)";
    } else if (std::optional<int64_t> heap = peakMetric(executor, "JVMHeapMemory")) {
      m.peakBytes = *heap;
      m.peakMeaning = "JVM heap peak";
    } else if (auto found = largestTask.find(executor.executorId); found != largestTask.end()) {
      const int64_t cores = executor.totalCores > 0 ? executor.totalCores : configuredCores;
      m.peakBytes = found->second * cores;
      m.peakMeaning = fmt::format("largest task's execution memory × {}", countOf(cores, "core"));
    }
    // A cluster-mode driver that reported nothing is not worth a "no metrics" row.
    if (driver && !m.peakBytes && !ranTasks.count(executor.executorId)) continue;
    executors.push_back(std::move(m));
  }
  std::stable_sort(executors.begin(), executors.end(), [](const ExecutorMemory& a, const ExecutorMemory& b) { return executorIdLess(a.id, b.id); });
  return executors;
}

}  // namespace

SvgChart executorMemoryChart(const core::AppAttempt& app, const std::vector<core::TaskAttempt>& tasks) {
  SvgChart chart;
  chart.id = "chart-executor-memory";
  chart.title = "Executor memory: peak against limit";
  chart.width = kWidth;
  const bool runtime = app.source == core::AppSource::Runtime;
  chart.caption = runtime ? "Each executor's peak memory against its limit. The bundled runtime reports no executor gauges: the peak is "
                            "its largest task's execution memory times its cores (the advisor's estimate), against spark.executor.memory."
                          : "Each executor's peak memory against its limit: the JVM heap's peak (Spark's JVMHeapMemory executor metric) "
                            "against the heap's size, spark.executor.memory (spark.driver.memory for the driver).";

  std::vector<ExecutorMemory> executors = measureExecutors(app, tasks);
  const bool anyPeak = std::any_of(executors.begin(), executors.end(), [](const ExecutorMemory& m) { return m.peakBytes.has_value(); });
  if (executors.empty() || !anyPeak) {
    chart.emptyText = app.executors.empty() ? "no executor was recorded"
                                            : "no executor reported its memory use (Spark logs carry executor metrics from Spark 3.0)";
    return chart;
  }
  const size_t allExecutors = executors.size();
  // The executors nearest their limit matter most; no-metrics rows weigh least.
  const size_t dropped = keepHeaviest(executors, kMaxExecutors, [](const ExecutorMemory& m) { return m.use(); });

  double most = 1;
  for (const ExecutorMemory& m : executors) most = std::max({most, static_cast<double>(m.peakBytes.value_or(0)), static_cast<double>(m.limitBytes)});
  const double plotBottom = kTop + static_cast<double>(executors.size()) * kRowHeight;
  chart.height = plotBottom + kAxisRoom;
  const std::vector<Tick> ticks = byteTicks(most, 7);
  const Scale x = Scale::linear(0, ticks.back().value, kPlotLeft, kPlotRight);
  drawBottomAxis(chart, x, ticks, kTop, plotBottom, "memory");

  bool anyKilled = false, anyWithout = false;
  for (size_t i = 0; i < executors.size(); ++i) {
    const ExecutorMemory& m = executors[i];
    const double rowTop = kTop + static_cast<double>(i) * kRowHeight;
    const double middle = rowTop + kRowHeight / 2;
    chart.texts.push_back({kLabelX, middle + 4, "start", "label", m.id == "driver" ? "driver" : executorLabel(m.id)});
    const double limitX = x(static_cast<double>(m.limitBytes));
    chart.lines.push_back({limitX, rowTop + 2, limitX, rowTop + kRowHeight - 2, "limit"});
    if (!m.peakBytes) {
      anyWithout = true;
      chart.texts.push_back({kPlotLeft + 4, middle + 4, "start", "label", m.killed ? "no metrics; killed for exceeding its memory limit" : "no metrics"});
      chart.texts.push_back({kValueX, middle + 4, "start", "label", "? / " + shortBytes(static_cast<double>(m.limitBytes))});
      continue;
    }
    anyKilled = anyKilled || m.killed;
    const double peak = static_cast<double>(*m.peakBytes);
    const double end = x(peak);
    const std::string percent = fmt::format("{:.0f}%", 100.0 * m.use());
    chart.rects.push_back({kPlotLeft, middle - kBarHeight / 2, std::max(1.0, end - kPlotLeft), kBarHeight, m.killed ? "peak failed" : "peak",
                           fmt::format("{}: {} {} of {} {} ({}){}", m.id == "driver" ? "driver" : executorLabel(m.id), m.peakMeaning,
                                       shortBytes(peak), m.limitMeaning, shortBytes(static_cast<double>(m.limitBytes)), percent,
                                       m.killed ? "; killed for exceeding its memory limit" : "")});
    chart.texts.push_back({kValueX, middle + 4, "start", "label",
                           fmt::format("{} / {} ({})", shortBytes(peak), shortBytes(static_cast<double>(m.limitBytes)), percent)});
  }

  chart.legend.push_back({"peak", "peak memory"});
  chart.legend.push_back({"limit", "memory limit"});
  if (anyKilled) {
    chart.legend.push_back({"failed", "killed for exceeding its memory limit"});
    chart.caption += " An executor killed for its memory limit is outlined; when its removal reason gives the figures (the bundled "
                     "runtime's does), its bar is what it used then and its line that limit (executor memory plus overhead).";
  }
  if (anyWithout) chart.caption += " Executors that reported nothing read \"no metrics\".";
  if (dropped > 0) {
    chart.caption += fmt::format(" The {} executors nearest their limit, of {}.", executors.size(), formatCount(static_cast<int64_t>(allExecutors)));
  }
  return chart;
}

}  // namespace jobtuner::reports

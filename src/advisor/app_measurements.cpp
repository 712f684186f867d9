#include "advisor/app_measurements.h"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "collector/store.h"
#include "core/errors.h"
#include "core/profile.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// A size as formatBytes writes it ("52.1 MB") back to bytes.
std::optional<int64_t> sizeOf(const std::string& number, const std::string& unit) {
  static const std::vector<std::string> kUnits = {"B", "KB", "MB", "GB", "TB", "PB"};
  auto found = std::find(kUnits.begin(), kUnits.end(), unit);
  if (found == kUnits.end()) return std::nullopt;
  double value = std::stod(number);
  for (auto i = kUnits.begin(); i != found; ++i) value *= 1024;
  return static_cast<int64_t>(value);
}

std::string confValue(const std::map<std::string, std::string>& conf, const std::string& key, const std::string& fallback) {
  auto found = conf.find(key);
  return found == conf.end() ? fallback : found->second;
}

int64_t confBytes(const std::map<std::string, std::string>& conf, const std::string& key, int64_t fallback) {
  auto found = conf.find(key);
  if (found == conf.end()) return fallback;
  // Spark reads a unitless executor memory as megabytes.
  std::string text = found->second;
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.back()))) text += "m";
  return core::parseBytes(text).value_or(fallback);
}

int64_t confCount(const std::map<std::string, std::string>& conf, const std::string& key, int64_t fallback) {
  try {
    return std::stoll(confValue(conf, key, std::to_string(fallback)));
  } catch (const std::exception&) {
    return fallback;
  }
}

}  // namespace

double StageMeasurement::medianTaskMs() const {
  std::vector<double> times;
  for (const TaskSample& task : tasks) times.push_back(task.durationMs);
  return median(times);
}

double StageMeasurement::maxTaskMs() const {
  double most = 0;
  for (const TaskSample& task : tasks) most = std::max(most, task.durationMs);
  return most;
}

int64_t StageMeasurement::maxTaskShuffleReadBytes() const {
  int64_t most = 0;
  for (const TaskSample& task : tasks) most = std::max(most, task.shuffleReadBytes);
  return most;
}

int64_t StageMeasurement::medianTaskShuffleReadBytes() const {
  std::vector<double> reads;
  for (const TaskSample& task : tasks) reads.push_back(static_cast<double>(task.shuffleReadBytes));
  return static_cast<int64_t>(median(reads));
}

const StageMeasurement* AppMeasurements::stage(int32_t stageId) const {
  for (const StageMeasurement& stage : stages) {
    if (stage.stageId == stageId) return &stage;
  }
  return nullptr;
}

std::vector<core::ShuffleKey> keysReadBy(const core::AppAttempt& app, const std::vector<int32_t>& parents) {
  std::vector<core::ShuffleKey> keys;
  for (const core::ShuffleKey& key : app.shuffleKeys) {
    if (std::find(parents.begin(), parents.end(), key.stageId) != parents.end()) keys.push_back(key);
  }
  std::stable_sort(keys.begin(), keys.end(), [](const core::ShuffleKey& a, const core::ShuffleKey& b) { return a.bytes > b.bytes; });
  return keys;
}

std::vector<core::ShuffleKey> AppMeasurements::keysReadBy(const StageMeasurement& stage) const {
  return advisor::keysReadBy(app, stage.parents);
}

std::optional<MemoryKill> parseMemoryKill(const std::string& reason) {
  static const std::regex kPattern(R"(exceeded memory limit ([0-9.]+) ([KMGTP]?B) \(used ([0-9.]+) ([KMGTP]?B)\))");
  std::smatch match;
  if (!std::regex_search(reason, match, kPattern)) return std::nullopt;
  std::optional<int64_t> limit = sizeOf(match[1], match[2]);
  std::optional<int64_t> used = sizeOf(match[3], match[4]);
  if (!limit || !used) return std::nullopt;
  return MemoryKill{"", *limit, *used};
}

std::string stepOfStageName(const std::string& stageName) {
  for (const char* suffix : {"-salted", "-exchange"}) {
    std::string_view tail(suffix);
    if (stageName.size() > tail.size() && stageName.ends_with(tail)) return stageName.substr(0, stageName.size() - tail.size());
  }
  return stageName;
}

AppMeasurements measureApp(const collector::Store& store, const std::string& appId, const std::string& attemptId,
                           const Prices& prices) {
  std::optional<core::AppAttempt> app = store.loadApp(appId, attemptId);
  if (!app) {
    throw core::UserError(fmt::format("app '{}' is not in the store {}", appId, store.path().string()),
                          "name an app id that `jobtuner apps` lists, or an event log to ingest");
  }
  AppMeasurements m;
  m.app = std::move(*app);
  for (const auto& [key, value] : m.app.environment.sparkProperties) m.conf[key] = value;
  m.runtime = m.app.source == core::AppSource::Runtime || confValue(m.conf, "spark.jobtuner.runtime", "") == "true";
  m.wallMs = m.app.endTimeMs > m.app.startTimeMs ? m.app.endTimeMs - m.app.startTimeMs : 0;
  m.succeeded = m.app.completed && !m.app.jobs.empty() &&
                std::all_of(m.app.jobs.begin(), m.app.jobs.end(), [](const core::Job& job) { return job.status == core::JobStatus::Succeeded; });

  // Spark's defaults where the app did not set a property; the runtime writes every one.
  m.executorCores = confCount(m.conf, "spark.executor.cores", 1);
  m.executorMemoryBytes = confBytes(m.conf, "spark.executor.memory", 1LL << 30);
  m.memoryOverheadBytes = confBytes(m.conf, "spark.executor.memoryOverhead",
                                    std::max<int64_t>(384LL << 20, m.executorMemoryBytes / 10));
  try {
    m.memoryFraction = std::stod(confValue(m.conf, "spark.memory.fraction", "0.6"));
  } catch (const std::exception&) {
  }
  int64_t configured = confCount(m.conf, "spark.executor.instances", 0);
  std::map<int64_t, int64_t> coresAt;  // for apps without spark.executor.instances: most executors alive at once
  for (const core::Executor& executor : m.app.executors) {
    if (executor.executorId == "driver") continue;
    if (executor.totalCores > 0 && !m.runtime) m.executorCores = executor.totalCores;
    // The runtime removes every executor when the run ends; only earlier removals are losses.
    if (!executor.removeReason.empty() && executor.removeTimeMs > 0 && executor.removeReason != "the run finished") {
      ++m.executorsLost;
      if (std::optional<MemoryKill> kill = parseMemoryKill(executor.removeReason)) {
        kill->executorId = executor.executorId;
        m.memoryKills.push_back(*kill);
      }
    }
    coresAt[executor.addTimeMs] += 1;
    if (executor.removeTimeMs > 0) coresAt[executor.removeTimeMs] -= 1;
  }
  int64_t alive = 0, mostAlive = 0;
  for (const auto& [time, change] : coresAt) mostAlive = std::max(mostAlive, alive += change);
  m.executors = configured > 0 ? configured : std::max<int64_t>(1, mostAlive);

  // Cost: every executor's lifetime, at its cores and its memory (heap and overhead).
  const int64_t end = m.app.endTimeMs > 0 ? m.app.endTimeMs : m.app.startTimeMs;
  const double memoryGb = static_cast<double>(m.executorMemoryBytes + m.memoryOverheadBytes) / double(1LL << 30);
  for (const core::Executor& executor : m.app.executors) {
    if (executor.executorId == "driver") continue;
    int64_t until = executor.removeTimeMs > 0 ? executor.removeTimeMs : end;
    double hours = static_cast<double>(std::max<int64_t>(0, until - executor.addTimeMs)) / 3'600'000.0;
    int64_t cores = executor.totalCores > 0 ? executor.totalCores : m.executorCores;
    m.coreHours += hours * static_cast<double>(cores);
    m.memoryGbHours += hours * memoryGb;
  }
  m.cost = m.coreHours * prices.coreHour + m.memoryGbHours * prices.memoryGbHour;

  // Stages: the last attempt of each, with the task attempts that counted.
  std::map<int32_t, StageMeasurement> byId;
  for (const core::StageAttempt& attempt : m.app.stages) {
    bool seen = byId.count(attempt.stageId) > 0;
    StageMeasurement& stage = byId[attempt.stageId];
    if (seen) ++stage.attempts;
    if (attempt.attemptId < stage.attemptId) continue;
    stage.stageId = attempt.stageId;
    stage.attemptId = attempt.attemptId;
    // The runtime names its stages by their stable names, which it writes as Spark's stage name.
    stage.name = attempt.runtimeStageName.empty() ? attempt.name : attempt.runtimeStageName;
    stage.step = m.runtime ? stepOfStageName(stage.name) : "";
    stage.parents = attempt.parentIds;
    stage.status = attempt.status;
    if (stage.submissionMs == 0 || (attempt.submissionTimeMs > 0 && attempt.submissionTimeMs < stage.submissionMs)) {
      stage.submissionMs = attempt.submissionTimeMs;
    }
    stage.completionMs = std::max(stage.completionMs, attempt.completionTimeMs);
  }
  std::map<int32_t, std::map<int32_t, TaskSample>> samples;
  store.forEachTaskForAnalysis(m.app.appId, m.app.attemptId, [&](const core::TaskAttempt& task) {
    auto found = byId.find(task.stageId);
    if (found == byId.end()) return;
    StageMeasurement& stage = found->second;
    const core::TaskMetrics& metrics = task.metrics;
    if (task.status == core::TaskStatus::Failed) ++stage.failedTaskAttempts;
    stage.memorySpilledBytes += metrics.memoryBytesSpilled;
    stage.diskSpilledBytes += metrics.diskBytesSpilled;
    stage.maxPeakExecutionMemoryBytes = std::max(stage.maxPeakExecutionMemoryBytes, metrics.peakExecutionMemoryBytes);
    if (task.launchTimeMs > 0 && (m.firstLaunchMs == 0 || task.launchTimeMs < m.firstLaunchMs)) m.firstLaunchMs = task.launchTimeMs;
    m.lastFinishMs = std::max(m.lastFinishMs, task.finishTimeMs);
    bool succeeded = task.status == core::TaskStatus::Success;
    if (succeeded) {
      stage.inputBytes += metrics.inputBytes;
      stage.shuffleReadBytes += metrics.shuffleReadBytes();
      stage.shuffleWriteBytes += metrics.shuffleBytesWritten;
    }
    TaskSample& sample = samples[task.stageId][task.index];
    if (sample.succeeded && !succeeded) return;  // the successful attempt is the one that counts
    sample.index = task.index;
    sample.durationMs = static_cast<double>(task.durationMs());
    sample.shuffleReadBytes = metrics.shuffleReadBytes();
    sample.bytesRead = metrics.inputBytes + sample.shuffleReadBytes;
    sample.memorySpilledBytes = metrics.memoryBytesSpilled;
    sample.diskSpilledBytes = metrics.diskBytesSpilled;
    sample.peakExecutionMemoryBytes = metrics.peakExecutionMemoryBytes;
    sample.succeeded = succeeded;
  });
  for (auto& [stageId, stage] : byId) {
    for (auto& [index, sample] : samples[stageId]) stage.tasks.push_back(sample);
    if (m.runtime) m.peakExecutorMemoryBytes = std::max(m.peakExecutorMemoryBytes, stage.maxPeakExecutionMemoryBytes * m.executorCores);
    m.stages.push_back(std::move(stage));
  }
  // The driver's heap is sized by spark.driver.memory: its peak says nothing of the executors',
  // unless it is the only one (local mode, where the driver runs the tasks).
  bool onlyDriver = std::all_of(m.app.executors.begin(), m.app.executors.end(),
                                [](const core::Executor& executor) { return executor.executorId == "driver"; });
  for (const core::Executor& executor : m.app.executors) {
    if (executor.executorId == "driver" && !onlyDriver) continue;
    if (executor.peakMetrics) m.peakExecutorMemoryBytes = std::max(m.peakExecutorMemoryBytes, executor.peakMetrics->values[0]);
  }
  return m;
}

}  // namespace jobtuner::advisor

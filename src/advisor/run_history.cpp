#include "advisor/run_history.h"

#include <fmt/format.h>

#include <algorithm>

#include "advisor/advice_plan.h"
#include "collector/store.h"
#include "core/profile_writer.h"
#include "core/settings_catalog.h"

namespace jobtuner::advisor {

namespace {

std::string stepText(const core::StepOverride* step, const std::string& field) {
  if (!step) return "-";
  if (field == "partitions") return step->partitions ? std::to_string(*step->partitions) : "-";
  if (field == "broadcast") return step->broadcast ? (*step->broadcast ? "true" : "false") : "-";
  if (!step->salting) return "-";
  std::string keys;
  for (const std::string& key : step->salting->keys) keys += (keys.empty() ? "" : ",") + key;
  return keys.empty() ? fmt::format("{} buckets", step->salting->buckets) : fmt::format("{} buckets for {}", step->salting->buckets, keys);
}

}  // namespace

std::vector<RunRecord> loadRunHistory(const collector::Store& store, const std::string& jobKey, const Prices& prices) {
  std::vector<RunRecord> runs;
  for (const collector::AppRow& row : store.listApps()) {
    if (row.jobKey != jobKey || !row.completed) continue;
    AppMeasurements measured = measureApp(store, row.appId, row.attemptId, prices);
    RunRecord run;
    run.appId = row.appId;
    run.attemptId = row.attemptId;
    run.startTimeMs = row.startTimeMs;
    run.wallMs = measured.wallMs;
    run.succeeded = measured.succeeded;
    run.completed = row.completed;
    run.cost = measured.cost;
    run.profile = core::profileFromSparkProperties(measured.conf);
    for (const StageMeasurement& stage : measured.stages) {
      if (stage.status != core::StageStatus::Complete) continue;
      StageRun& summary = run.stages[stage.name];
      summary.partitions = static_cast<int64_t>(stage.tasks.size());
      summary.shuffleBytes = stage.shuffleReadBytes;
      summary.durationMs = static_cast<double>(stage.durationMs());
      summary.spilledBytes = stage.memorySpilledBytes;
      int64_t read = stage.inputBytes + stage.shuffleReadBytes;
      int64_t wanted = 0;
      for (const TaskSample& task : stage.tasks) wanted += task.peakExecutionMemoryBytes + task.memorySpilledBytes;
      summary.memoryPerByte = read > 0 ? static_cast<double>(wanted) / static_cast<double>(read) : 0;
      summary.taskMemoryBytes = taskMemoryBytes(run.profile, measured.runtime);
      summary.slots = std::max<int64_t>(1, run.profile.executors * run.profile.executorCores);
    }
    collector::FindingQuery query;
    query.appId = row.appId;
    std::vector<collector::StoredFinding> findings = store.queryFindings(query);
    run.findings = static_cast<int64_t>(findings.size());
    if (!findings.empty()) {
      run.worstSeverity = findings.front().severity;
      run.worstRule = findings.front().ruleId;
    }
    runs.push_back(std::move(run));
  }
  std::stable_sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.startTimeMs < b.startTimeMs; });
  return runs;
}

std::vector<std::string> profileDifferences(const core::Profile& before, const core::Profile& after) {
  std::vector<std::string> lines;
  for (const core::ProfileSetting& setting : core::profileSettings()) {
    core::SettingValue old = before.value(setting.name);
    core::SettingValue now = after.value(setting.name);
    if (old == now) continue;
    lines.push_back(fmt::format("{}: {} -> {}", setting.name, core::formatSettingValue(setting.type, old),
                                core::formatSettingValue(setting.type, now)));
  }
  std::vector<std::string> steps;
  for (const auto& [name, step] : before.steps) steps.push_back(name);
  for (const auto& [name, step] : after.steps) steps.push_back(name);
  std::sort(steps.begin(), steps.end());
  steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
  for (const std::string& name : steps) {
    for (const char* field : {"partitions", "salting", "broadcast"}) {
      std::string old = stepText(before.stepOverride(name), field);
      std::string now = stepText(after.stepOverride(name), field);
      if (old != now) lines.push_back(fmt::format("steps.{}.{}: {} -> {}", name, field, old, now));
    }
  }
  return lines;
}

}  // namespace jobtuner::advisor

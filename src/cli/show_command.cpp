// jobtuner show APP : one app attempt with its jobs, stages (with task-metric quantiles) and
// executors.

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "cli/text_table.h"
#include "core/errors.h"
#include "core/task_summary.h"
#include "core/units.h"

namespace jobtuner::cli {

namespace {

struct ShowArguments {
  std::string appId;
  std::string attemptId;
  int stageId = -1;
  std::string quantiles;
  bool json = false;
};

nlohmann::json nullable(const std::string& text) { return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text); }

// The metrics the text view shows per stage, as (label, path in the History Server summary, kind).
struct SummaryRow {
  const char* label;
  const char* object;  // nested object in the summary, or nullptr
  const char* field;
  bool bytes;          // else milliseconds
};

constexpr SummaryRow kSummaryRows[] = {
    {"Duration", nullptr, "duration", false},
    {"Executor run time", nullptr, "executorRunTime", false},
    {"GC time", nullptr, "jvmGcTime", false},
    {"Scheduler delay", nullptr, "schedulerDelay", false},
    {"Input", "inputMetrics", "bytesRead", true},
    {"Shuffle read", "shuffleReadMetrics", "readBytes", true},
    {"Shuffle write", "shuffleWriteMetrics", "writeBytes", true},
    {"Spill (memory)", nullptr, "memoryBytesSpilled", true},
    {"Spill (disk)", nullptr, "diskBytesSpilled", true},
    {"Peak execution memory", nullptr, "peakExecutionMemory", true},
};

void printSummary(const nlohmann::json& summary, std::ostream& out) {
  std::vector<std::string> header{"metric"};
  for (const auto& q : summary["quantiles"]) header.push_back(fmt::format("p{:g}", q.get<double>() * 100));
  TextTable table(header);
  std::vector<size_t> numeric;
  for (size_t i = 1; i < header.size(); ++i) numeric.push_back(i);
  table.alignRight(numeric);
  for (const auto& row : kSummaryRows) {
    const nlohmann::json* values = row.object ? (summary.contains(row.object) ? &summary[row.object] : nullptr) : &summary;
    if (values == nullptr || !values->contains(row.field)) continue;
    std::vector<std::string> cells{row.label};
    for (const auto& value : (*values)[row.field]) {
      auto number = static_cast<int64_t>(value.get<double>());
      cells.push_back(row.bytes ? core::formatBytes(number) : core::formatDurationMs(number));
    }
    table.addRow(cells);
  }
  table.print(out, "    ");
}

/// The heaviest keys of the shuffles a stage wrote (jobtuner's runtime records them): where a
/// skewed reduce stage's data comes from.
void printHeaviestKeys(const core::AppAttempt& app, int32_t stageId, std::ostream& out) {
  constexpr int kShown = 5;
  int shown = 0;
  for (const auto& key : app.shuffleKeys) {
    if (key.stageId != stageId || shown == kShown) continue;
    if (shown++ == 0) out << fmt::format("    heaviest keys of shuffle {}:\n", key.shuffleId);
    out << fmt::format("      {:<30} {:>12} records {:>12} bytes\n", terminalSafe(key.key, 30), key.records, key.bytes);
  }
}

int runShow(const ShowArguments& arguments, const CommandContext& context) {
  std::vector<double> quantiles =
      arguments.quantiles.empty() ? core::defaultQuantiles() : core::parseQuantiles(arguments.quantiles);
  auto store = context.openStore();
  auto app = store->loadApp(arguments.appId, arguments.attemptId);
  if (!app) {
    auto attempts = store->attemptsOf(arguments.appId);
    if (!attempts.empty()) {
      std::string known;
      for (const auto& attempt : attempts) known += (known.empty() ? "" : ", ") + attempt;
      throw core::UserError(fmt::format("app '{}' has no attempt '{}'", arguments.appId, arguments.attemptId),
                            "its attempts are: " + known);
    }
    throw core::UserError(fmt::format("no app '{}' in the store {}", arguments.appId, context.resolvedDbPath().string()),
                          "'jobtuner apps' lists the apps; 'jobtuner ingest PATH' adds event logs");
  }

  std::vector<const core::StageAttempt*> stages;
  for (const auto& stage : app->stages) {
    if (arguments.stageId < 0 || stage.stageId == arguments.stageId) stages.push_back(&stage);
  }
  if (arguments.stageId >= 0 && stages.empty()) {
    throw core::UserError(fmt::format("app '{}' has no stage {}", app->appId, arguments.stageId),
                          "'jobtuner show APP' lists its stages");
  }

  nlohmann::json stagesJson = nlohmann::json::array();
  for (const core::StageAttempt* stage : stages) {
    core::TaskSummaryBuilder builder;
    int64_t succeeded = 0, failed = 0, killed = 0, running = 0;
    store->forEachTask(app->appId, app->attemptId, stage->stageId, stage->attemptId, [&](const core::TaskAttempt& task) {
      builder.add(task);
      switch (task.status) {
        case core::TaskStatus::Success: ++succeeded; break;
        case core::TaskStatus::Failed: ++failed; break;
        case core::TaskStatus::Killed: ++killed; break;
        case core::TaskStatus::Running: ++running; break;
      }
    });
    auto summary = builder.toHistoryServerJson(quantiles);
    stagesJson.push_back({{"stage_id", stage->stageId},
                          {"attempt_id", stage->attemptId},
                          {"name", stage->name},
                          {"status", core::toString(stage->status)},
                          {"num_tasks", stage->numTasks},
                          {"tasks_succeeded", succeeded},
                          {"tasks_failed", failed},
                          {"tasks_killed", killed},
                          {"tasks_running", running},
                          {"submission_time_ms", stage->submissionTimeMs},
                          {"completion_time_ms", stage->completionTimeMs},
                          {"duration_ms", stage->completionTimeMs > 0 && stage->submissionTimeMs > 0
                                              ? stage->completionTimeMs - stage->submissionTimeMs
                                              : 0},
                          {"failure_reason", nullable(stage->failureReason)},
                          {"task_summary", summary ? *summary : nlohmann::json(nullptr)}});
  }

  nlohmann::json executorsJson = nlohmann::json::array();
  for (const auto& executor : app->executors) {
    executorsJson.push_back({{"executor_id", executor.executorId},
                             {"host", executor.host},
                             {"cores", executor.totalCores},
                             {"max_memory_bytes", executor.maxMemoryBytes},
                             {"add_time_ms", executor.addTimeMs},
                             {"remove_time_ms", executor.removeTimeMs},
                             {"remove_reason", nullable(executor.removeReason)},
                             {"excluded", executor.excluded}});
  }
  nlohmann::json jobsJson = nlohmann::json::array();
  for (const auto& job : app->jobs) {
    jobsJson.push_back({{"job_id", job.jobId},
                        {"name", job.name},
                        {"status", core::toString(job.status)},
                        {"stage_ids", job.stageIds},
                        {"submission_time_ms", job.submissionTimeMs},
                        {"completion_time_ms", job.completionTimeMs},
                        {"failure_reason", nullable(job.failureReason)}});
  }

  nlohmann::json shuffleKeysJson = nlohmann::json::array();
  for (const auto& key : app->shuffleKeys) {
    shuffleKeysJson.push_back({{"shuffle_id", key.shuffleId},
                               {"stage_id", key.stageId},
                               {"key", key.key},
                               {"records", key.records},
                               {"bytes", key.bytes}});
  }

  if (arguments.json) {
    nlohmann::json out{{"app",
                        {{"app_id", app->appId},
                         {"attempt_id", nullable(app->attemptId)},
                         {"name", app->name},
                         {"user", app->user},
                         {"source", core::toString(app->source)},
                         {"engine_version", app->engineVersion},
                         {"job_key", app->jobKey},
                         {"start_time_ms", app->startTimeMs},
                         {"end_time_ms", app->endTimeMs},
                         {"status", app->completed ? "completed" : "incomplete"},
                         {"streaming", app->streaming}}},
                       {"quantiles", quantiles},
                       {"jobs", jobsJson},
                       {"stages", stagesJson},
                       {"shuffle_keys", shuffleKeysJson},
                       {"executors", executorsJson}};
    std::cout << out.dump(2) << "\n";
    return 0;
  }

  std::ostream& out = std::cout;
  out << fmt::format("{} {}  \"{}\"\n", terminalSafe(app->appId),
                     app->attemptId.empty() ? "" : "attempt " + terminalSafe(app->attemptId), terminalSafe(app->name));
  out << fmt::format("  {} {}, user {}, job key \"{}\"\n", core::toString(app->source), terminalSafe(app->engineVersion),
                     terminalSafe(app->user), terminalSafe(app->jobKey));
  out << fmt::format("  started {}, {}, {}\n", core::formatTimestampMs(app->startTimeMs),
                     app->endTimeMs > 0 ? "ran " + core::formatDurationMs(app->endTimeMs - app->startTimeMs) : "no end recorded",
                     app->completed ? "completed" : "incomplete");

  out << "\nJobs\n";
  TextTable jobs({"JOB", "STATUS", "STAGES", "DURATION", "NAME"});
  jobs.alignRight({0, 2, 3});
  for (const auto& job : app->jobs) {
    bool runsStage = std::find(job.stageIds.begin(), job.stageIds.end(), arguments.stageId) != job.stageIds.end();
    if (arguments.stageId >= 0 && !runsStage) continue;
    jobs.addRow({std::to_string(job.jobId), core::toString(job.status), std::to_string(job.stageIds.size()),
                 job.completionTimeMs > 0 ? core::formatDurationMs(job.completionTimeMs - job.submissionTimeMs) : "-",
                 terminalSafe(job.name, 80)});
  }
  jobs.print(out, "  ");

  out << "\nStages\n";
  for (size_t i = 0; i < stages.size(); ++i) {
    const auto& stage = stagesJson[i];
    out << fmt::format("  Stage {}.{} {} \"{}\": {} tasks ({} succeeded, {} failed, {} killed), {}\n",
                       stages[i]->stageId, stages[i]->attemptId, stage["status"].get<std::string>(),
                       terminalSafe(stages[i]->name, 80), stages[i]->numTasks, stage["tasks_succeeded"].get<int64_t>(),
                       stage["tasks_failed"].get<int64_t>(), stage["tasks_killed"].get<int64_t>(),
                       core::formatDurationMs(stage["duration_ms"].get<int64_t>()));
    if (!stages[i]->failureReason.empty()) out << "    failure: " << terminalSafe(stages[i]->failureReason) << "\n";
    if (!stage["task_summary"].is_null()) printSummary(stage["task_summary"], out);
    printHeaviestKeys(*app, stages[i]->stageId, out);
  }

  // With --stage the question is about one stage; the executor list belongs to the whole app.
  if (arguments.stageId >= 0) return 0;
  out << "\nExecutors\n";
  TextTable executors({"EXECUTOR", "HOST", "CORES", "ADDED", "REMOVED", "REASON"});
  executors.alignRight({2});
  for (const auto& executor : app->executors) {
    executors.addRow({terminalSafe(executor.executorId, 20), terminalSafe(executor.host, 40),
                      std::to_string(executor.totalCores), core::formatTimestampMs(executor.addTimeMs),
                      core::formatTimestampMs(executor.removeTimeMs),
                      terminalSafe(executor.removeReason, 100) + (executor.excluded ? " (excluded)" : "")});
  }
  executors.print(out, "  ");
  return 0;
}

}  // namespace

void addShowCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<ShowArguments>();
  CLI::App* command = app.add_subcommand("show", "Show one app attempt: jobs, stages with task-metric quantiles, executors");
  command->add_option("app", arguments->appId, "The app id ('jobtuner apps' lists them)")->required();
  command->add_option("--attempt", arguments->attemptId, "The attempt id; default the last attempt");
  command->add_option("--stage", arguments->stageId, "Only this stage id (all its attempts)");
  command->add_option("--quantiles", arguments->quantiles,
                      "Task-metric quantiles, comma-separated (default 0.05,0.25,0.5,0.75,0.95)");
  command->add_flag("--json", arguments->json, "Print JSON");
  command->callback([arguments, &context] { context.exitCode = runShow(*arguments, context); });
}

}  // namespace jobtuner::cli

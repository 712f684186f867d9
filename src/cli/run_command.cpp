// jobtuner run JOB : runs a job on the bundled runtime (a driver and executor processes), shows
// progress, and ends with a summary that says where the output, the event log and the advice are.
// jobtuner __executor (hidden) is the executor process the driver starts.

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_context.h"
#include "cli/run_progress.h"
#include "collector/ingest.h"
#include "core/errors.h"
#include "runtime/driver.h"
#include "runtime/executor.h"

namespace jobtuner::cli {

namespace {

struct RunOptions {
  std::string job;
  std::string profile;
  std::vector<std::string> settings;
  std::string output;
  bool overwrite = false;
  bool quiet = false;
  bool json = false;
};

std::string formatBytes(int64_t bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", value, units[unit]);
}

void printSummary(const runtime::RunSummary& summary, bool stored) {
  if (summary.succeeded) {
    fmt::print("Job succeeded in {:.1f} s: {} stages, {} tasks, {} shuffled, {} rows written.\n",
               static_cast<double>(summary.wallMs) / 1000.0, summary.stages, summary.tasks,
               formatBytes(summary.shuffleBytes), summary.outputRecords);
    fmt::print("Output:    {}\n", summary.output.string());
  } else {
    fmt::print("Job failed after {:.1f} s: {}\n", static_cast<double>(summary.wallMs) / 1000.0, summary.failure);
    fmt::print("No output was written.\n");
  }
  if (summary.badRecords > 0) fmt::print("Skipped {} bad input records (on_bad_record: skip).\n", summary.badRecords);
  if (summary.faultSeed) {
    fmt::print("Faults:    injected as the profile's faults section says, seed {} (set faults.seed to repeat)\n",
               *summary.faultSeed);
  }
  fmt::print("App id:    {}\n", summary.appId);
  fmt::print("Event log: {}\n", summary.eventLog.string());
  fmt::print("Logs:      {}\n", summary.runDir.string());
  if (stored) {
    fmt::print("Next:      jobtuner show {}   (stages and tasks of this run)\n", summary.appId);
    fmt::print("           jobtuner analyze {}   (what went wrong: skew, spill, memory, failures)\n", summary.appId);
  } else {
    fmt::print("Next:      jobtuner ingest {}   (the log was not stored; ingest it)\n",
               summary.eventLog.string());
  }
}

nlohmann::json summaryJson(const runtime::RunSummary& summary, bool stored) {
  return {{"succeeded", summary.succeeded},     {"failure", summary.failure},
          {"app_id", summary.appId},            {"run_dir", summary.runDir.string()},
          {"event_log", summary.eventLog.string()}, {"output", summary.succeeded ? summary.output.string() : ""},
          {"wall_ms", summary.wallMs},          {"stages", summary.stages},
          {"tasks", summary.tasks},             {"shuffle_bytes", summary.shuffleBytes},
          {"output_records", summary.outputRecords}, {"bad_records", summary.badRecords},
          {"fault_seed", summary.faultSeed ? nlohmann::json(*summary.faultSeed) : nlohmann::json()},
          {"stored", stored}};
}

}  // namespace

void addRunCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand("run", "Run a job (YAML) on the bundled runtime");
  command->add_option("job", options->job, "The job file")->required();
  command->add_option("--profile", options->profile, "The profile (YAML): executors, memory, partitions, ...");
  command->add_option("--set", options->settings, "Override one setting: key=value (e.g. shuffle_partitions=64)");
  command->add_option("--output", options->output, "Where the output goes (default: the job's sink path)");
  command->add_flag("--overwrite", options->overwrite, "Replace an existing output directory");
  command->add_flag("--quiet", options->quiet, "No progress, only the summary");
  command->add_flag("--json", options->json, "Print the summary as JSON");
  command->callback([options, &context] {
    runtime::RunRequest request;
    request.jobFile = options->job;
    if (!options->profile.empty()) request.profileFile = options->profile;
    request.settings = options->settings;
    if (!options->output.empty()) request.output = options->output;
    request.overwrite = options->overwrite;
    request.home = jobtunerHome();
    request.store = context.resolvedDbPath();
    RunProgress progress(stderr, ::isatty(STDERR_FILENO) == 1);
    if (!options->quiet && !options->json) request.observers.push_back(&progress);
    runtime::RunSummary summary = runtime::runJob(request);
    // The sidecar has stored the run's events as they came; when it could not, the event log is
    // ingested now, so that show, api and analyze see the run all the same.
    bool stored = summary.collected;
    if (!stored) {
      std::cerr << "jobtuner: warning: " << summary.collectorProblem << "; ingesting the event log instead\n";
      try {
        std::unique_ptr<collector::Store> store = context.openStore();
        collector::ingestPath(*store, summary.eventLog, collector::IngestOptions{});
        stored = true;
      } catch (const std::exception& error) {
        std::cerr << "jobtuner: warning: the run's event log was not stored: " << error.what() << "\n";
      }
    }
    if (!summary.succeeded) std::cerr << "jobtuner: " << (summary.userError ? "error: " : "failed: ") << summary.failure << "\n";
    if (options->json) {
      std::cout << summaryJson(summary, stored).dump(2) << "\n";
    } else {
      printSummary(summary, stored);
    }
    context.exitCode = summary.succeeded ? core::kExitOk : summary.userError ? core::kExitBadInput : core::kExitFailed;
  });

  auto executor = std::make_shared<runtime::ExecutorOptions>();
  CLI::App* hidden = app.add_subcommand("__executor", "");
  hidden->group("");  // an internal command: not listed in --help
  hidden->add_option("--driver", executor->driverSocket, "")->required();
  hidden->add_option("--id", executor->executorId, "")->required();
  hidden->add_option("--cores", executor->cores, "")->required();
  hidden->callback([executor, &context] { context.exitCode = runtime::runExecutor(*executor); });
}

}  // namespace jobtuner::cli

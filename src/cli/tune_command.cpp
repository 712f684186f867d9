// jobtuner tune JOB : runs the job, analyzes the run, advises, and runs it again with the advised
// profile, for --iterations runs or until the advice converges. Prints a row per run (wall time
// against the prediction, cost, the worst stage, spill, executors lost, findings, the changes
// made) and checks that every successful run's output equals the first successful one's. Each
// iteration's profile and output stay in $JOBTUNER_HOME/tune/<job>-<time>/.

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "advisor/stored_app_advice.h"
#include "cli/command_context.h"
#include "cli/rule_options.h"
#include "cli/text_table.h"
#include "collector/ingest.h"
#include "core/atomic_file.h"
#include "core/errors.h"
#include "core/job_loader.h"
#include "core/output_rows.h"
#include "core/profile.h"
#include "core/profile_writer.h"
#include "core/units.h"
#include "runtime/clock.h"
#include "runtime/driver.h"

namespace jobtuner::cli {

namespace fs = std::filesystem;

namespace {

struct TuneArguments {
  std::string job;
  std::string profile;
  int iterations = 3;
  std::string write;
  bool json = false;
  RuleOptions rules;
};

struct Iteration {
  int number = 0;
  runtime::RunSummary run;
  std::optional<double> predictedWallS;
  std::optional<double> predictedCost;
  advisor::StoredAppAdvice advice;
  fs::path profile;
  std::string outputCheck;  // "first", "equal", "DIFFERENT: ...", "-" for a failed run
  std::vector<std::string> changesMade;  // the changes that led to this run
};

struct WorstStage {
  std::string name;
  double maxMs = 0;
  double medianMs = 0;
};

WorstStage worstStage(const advisor::AppMeasurements& measured) {
  WorstStage worst;
  for (const advisor::StageMeasurement& stage : measured.stages) {
    if (stage.maxTaskMs() > worst.maxMs) worst = {stage.name, stage.maxTaskMs(), stage.medianTaskMs()};
  }
  return worst;
}

/// Findings by severity: [low .. critical] at [1 .. 4].
std::array<int, 5> severityCounts(const std::vector<analyzers::Finding>& findings) {
  std::array<int, 5> counts{};
  for (const analyzers::Finding& finding : findings) ++counts[static_cast<size_t>(finding.severity)];
  return counts;
}

int64_t spilledBytes(const advisor::AppMeasurements& measured) {
  int64_t bytes = 0;
  for (const advisor::StageMeasurement& stage : measured.stages) bytes += stage.diskSpilledBytes;
  return bytes;
}

std::string timestamp() {
  std::string text = core::formatTimestampMs(runtime::nowMs());
  std::string out;
  for (char c : text.substr(0, 19)) out += (c == ':' || c == 'T') ? '-' : c;
  return out;
}

runtime::RunSummary runOnce(const TuneArguments& arguments, const CommandContext& context, const fs::path& profile, const fs::path& output) {
  runtime::RunRequest request;
  request.jobFile = arguments.job;
  request.profileFile = profile;
  request.output = output;
  request.overwrite = true;
  request.home = jobtunerHome();
  request.store = context.resolvedDbPath();
  runtime::RunSummary summary = runtime::runJob(request);
  if (!summary.collected) {
    std::unique_ptr<collector::Store> store = context.openStore();
    collector::ingestPath(*store, summary.eventLog, collector::IngestOptions{});
  }
  return summary;
}

nlohmann::ordered_json iterationJson(const Iteration& it) {
  const advisor::AppMeasurements& measured = it.advice.measured;
  WorstStage worst = worstStage(measured);
  std::array<int, 5> counts = severityCounts(it.advice.findings);
  return {{"iteration", it.number},
          {"app", it.run.appId},
          {"profile", it.profile.string()},
          {"succeeded", it.run.succeeded},
          {"failure", it.run.failure},
          {"wall_time_s", static_cast<double>(measured.wallMs) / 1000.0},
          {"predicted_wall_time_s", it.predictedWallS ? nlohmann::ordered_json(*it.predictedWallS) : nlohmann::ordered_json()},
          {"cost", measured.cost},
          {"predicted_cost", it.predictedCost ? nlohmann::ordered_json(*it.predictedCost) : nlohmann::ordered_json()},
          {"worst_stage", {{"name", worst.name}, {"max_task_ms", worst.maxMs}, {"median_task_ms", worst.medianMs}}},
          {"spill_bytes", spilledBytes(measured)},
          {"executors_lost", measured.executorsLost},
          {"findings", {{"critical", counts[4]}, {"severe", counts[3]}, {"moderate", counts[2]}, {"low", counts[1]}}},
          {"changes_made", it.changesMade},
          {"output", it.outputCheck},
          {"advice", advisor::adviceJson(it.advice.advice, it.run.appId)}};
}

void printTable(const std::vector<Iteration>& iterations, const std::string& currency) {
  TextTable table({"#", "wall", "predicted", "cost", "worst stage max/median", "spill", "lost", "findings c/s/m/l", "output",
                   "changes made"});
  table.alignRight({0, 1, 2, 3, 5, 6});
  for (const Iteration& it : iterations) {
    const advisor::AppMeasurements& measured = it.advice.measured;
    WorstStage worst = worstStage(measured);
    std::array<int, 5> counts = severityCounts(it.advice.findings);
    std::string changes;
    for (const std::string& change : it.changesMade) changes += (changes.empty() ? "" : "; ") + change;
    table.addRow({std::to_string(it.number),
                  it.run.succeeded ? fmt::format("{:.2f} s", static_cast<double>(measured.wallMs) / 1000.0)
                                   : fmt::format("failed {:.2f} s", static_cast<double>(measured.wallMs) / 1000.0),
                  it.predictedWallS ? fmt::format("{:.2f} s", *it.predictedWallS) : "-",
                  fmt::format("{}{:.5f}", currency, measured.cost),
                  fmt::format("{}: {} / {}", worst.name, core::formatDurationMs(static_cast<int64_t>(worst.maxMs)),
                              core::formatDurationMs(static_cast<int64_t>(worst.medianMs))),
                  core::formatBytes(spilledBytes(measured)), std::to_string(measured.executorsLost),
                  fmt::format("{}c {}s {}m {}l", counts[4], counts[3], counts[2], counts[1]), it.outputCheck, changes.empty() ? (it.number == 1 ? "(start)" : "none") : changes});
  }
  table.print(std::cout, "  ");
}

int runTune(const TuneArguments& arguments, const CommandContext& context) {
  if (arguments.iterations < 1 || arguments.iterations > 20) {
    throw core::UserError(fmt::format("--iterations {} is out of range", arguments.iterations), "give 1 to 20");
  }
  advisor::AdvisorConfig config = context.advisorConfig();
  analyzers::RuleSet rules = loadRuleSet(arguments.rules);
  // The starting profile and the job are read now, so that a bad one fails before anything runs.
  core::Profile start = arguments.profile.empty() ? core::Profile{} : core::loadProfile(arguments.profile);
  core::JobSpec job = core::loadJob(arguments.job);
  fs::path workDir = jobtunerHome() / "tune" / fmt::format("{}-{}", job.name, timestamp());
  fs::create_directories(workDir);
  fs::path profile = workDir / "iteration-1.yaml";
  core::writeFileAtomically(profile, arguments.profile.empty() ? core::profileYaml(start, {}, "The starting profile: the defaults.\n")
                                                               : core::profileYaml(start, {}, "The starting profile, from " + arguments.profile + "\n"));
  if (!arguments.json) std::cout << fmt::format("Tuning {} ({} iterations at most); profiles and outputs in {}\n", job.name,
                                                arguments.iterations, workDir.string());

  std::vector<Iteration> iterations;
  std::optional<fs::path> firstOutput;
  std::vector<std::string> pendingChanges;
  std::optional<double> predictedWall, predictedCost;
  bool outputsDiffer = false;
  for (int number = 1; number <= arguments.iterations; ++number) {
    Iteration it;
    it.number = number;
    it.profile = profile;
    it.predictedWallS = predictedWall;
    it.predictedCost = predictedCost;
    it.changesMade = pendingChanges;
    fs::path output = workDir / fmt::format("output-{}", number);
    it.run = runOnce(arguments, context, profile, output);
    {
      std::unique_ptr<collector::Store> store = context.openStore();
      it.advice = advisor::adviseStoredApp(*store, it.run.appId, "", rules.rules, config, runtime::nowMs());
    }
    if (!it.run.succeeded) {
      it.outputCheck = "-";
    } else if (!firstOutput) {
      firstOutput = output;
      it.outputCheck = "first";
    } else {
      std::string differences = core::compareRows(core::readOutputRows(output), core::readOutputRows(*firstOutput));
      it.outputCheck = differences.empty() ? "equal" : "DIFFERENT: " + differences.substr(0, differences.find('\n'));
      outputsDiffer = outputsDiffer || !differences.empty();
    }
    iterations.push_back(std::move(it));
    const advisor::Advice& advice = iterations.back().advice.advice;
    if (!arguments.json) {
      const Iteration& last = iterations.back();
      std::cout << fmt::format("  run {}: {} in {:.2f} s ({}){}\n", number, last.run.succeeded ? "succeeded" : "failed",
                               static_cast<double>(last.advice.measured.wallMs) / 1000.0, last.run.appId,
                               last.run.succeeded ? "" : ": " + last.run.failure);
    }
    if (advice.converged || advice.changes.empty()) {
      if (!arguments.json) std::cout << "  converged: " << advice.convergedWhy << "\n";
      break;
    }
    if (number == arguments.iterations) break;
    pendingChanges.clear();
    for (const advisor::Change& change : advice.changes) pendingChanges.push_back(fmt::format("{} {} -> {}", change.setting, change.from, change.to));
    predictedWall = advice.prediction.wallS;
    predictedCost = advice.prediction.cost;
    profile = workDir / fmt::format("iteration-{}.yaml", number + 1);
    core::writeFileAtomically(profile, advisor::adviceProfileYaml(advice));
  }

  // The best run: the fastest that succeeded.
  const Iteration* best = nullptr;
  for (const Iteration& it : iterations) {
    if (it.run.succeeded && (!best || it.advice.measured.wallMs < best->advice.measured.wallMs)) best = &it;
  }
  if (best) {
    std::error_code error;
    fs::copy_file(best->profile, workDir / "tuned.yaml", fs::copy_options::overwrite_existing, error);
    if (!arguments.write.empty()) {
      std::ifstream in(best->profile, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      core::writeFileAtomically(arguments.write, text.str());
    }
  }
  if (arguments.json) {
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const Iteration& it : iterations) runs.push_back(iterationJson(it));
    std::cout << nlohmann::ordered_json{{"job", job.name},
                                        {"work_dir", workDir.string()},
                                        {"iterations", runs},
                                        {"best_iteration", best ? nlohmann::ordered_json(best->number) : nlohmann::ordered_json()},
                                        {"outputs_equal", !outputsDiffer}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "\n";
    printTable(iterations, config.prices.currency);
    if (best) {
      std::cout << fmt::format("\nBest: run {} in {:.2f} s, {:.2f}x the first run's time; its profile: {}\n", best->number,
                               static_cast<double>(best->advice.measured.wallMs) / 1000.0,
                               static_cast<double>(iterations.front().advice.measured.wallMs) /
                                   std::max<double>(1.0, static_cast<double>(best->advice.measured.wallMs)),
                               (arguments.write.empty() ? workDir / "tuned.yaml" : fs::path(arguments.write)).string());
    } else {
      std::cout << "\nNo run succeeded.\n";
    }
    if (outputsDiffer) std::cout << "The outputs of the runs differ: see the output column.\n";
  }
  if (outputsDiffer || !best) return core::kExitFailed;
  return core::kExitOk;
}

}  // namespace

void addTuneCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<TuneArguments>();
  CLI::App* command = app.add_subcommand("tune", "Run a job, advise, and run it again with the advised profile, until it converges");
  command->add_option("job", arguments->job, "The job file")->required();
  command->add_option("--profile", arguments->profile, "The starting profile (default: profiles' defaults)");
  command->add_option("--iterations", arguments->iterations, "Runs at most (default 3)");
  command->add_option("--write", arguments->write, "Write the best run's profile here (atomically)");
  command->add_flag("--json", arguments->json, "Print the iterations as JSON");
  addRuleOptions(*command, arguments->rules);
  command->callback([arguments, &context] { context.exitCode = runTune(*arguments, context); });
}

}  // namespace jobtuner::cli

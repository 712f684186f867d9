// jobtuner ingest PATH... : read event logs into the store.

#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "collector/ingest.h"
#include "core/errors.h"

namespace jobtuner::cli {

namespace fs = std::filesystem;

namespace {

struct IngestArguments {
  std::vector<std::string> paths;
  bool json = false;
  size_t maxLineMb = 256;
  size_t maxJsonDepth = 1024;
};

nlohmann::json toJson(const collector::IngestReport& report) {
  nlohmann::json warnings = nlohmann::json::array();
  for (const auto& warning : report.warnings) {
    warnings.push_back({{"line", warning.line}, {"message", warning.message}});
  }
  return {{"path", report.path},
          {"app_id", report.appId},
          {"attempt_id", report.attemptId.empty() ? nlohmann::json(nullptr) : nlohmann::json(report.attemptId)},
          {"name", report.name},
          {"status", report.status},
          {"streaming", report.streaming},
          {"task_end_events", report.taskEndEvents},
          {"stages", report.stages},
          {"events", report.events},
          {"unknown_events", report.unknownEvents},
          {"warnings", warnings},
          {"copy", report.kept ? "kept" : "superseded"},
          {"kept_path", report.keptPath},
          {"superseded", report.superseded}};
}

void printText(const collector::IngestReport& report, std::ostream& out) {
  out << fmt::format("{:<10} {} {} \"{}\" {}, {} TaskEnd events, {} stages, {} warnings: {}\n",
                     report.kept ? "kept" : "superseded", terminalSafe(report.appId),
                     report.attemptId.empty() ? "-" : "attempt " + terminalSafe(report.attemptId),
                     terminalSafe(report.name, 60), report.status, report.taskEndEvents, report.stages,
                     report.warnings.size(), report.path);
  if (!report.kept) out << "           a more complete copy is kept: " << report.keptPath << "\n";
  for (const auto& path : report.superseded) out << "           replaces " << path << "\n";
  size_t shown = 0;
  for (const auto& warning : report.warnings) {
    if (++shown > 10) {
      out << fmt::format("           ... and {} more warnings (--json lists all)\n", report.warnings.size() - 10);
      break;
    }
    out << "           warning: " << (warning.line > 0 ? fmt::format("line {}: ", warning.line) : "")
        << terminalSafe(warning.message) << "\n";
  }
}

int runIngest(const IngestArguments& arguments, const CommandContext& context) {
  // Every path must exist before anything is written, so a typo leaves the store as it was.
  for (const auto& path : arguments.paths) {
    std::error_code error;
    if (!fs::exists(path, error)) {
      throw core::UserError(core::SourceLocation{path}, "no such file or directory",
                            "check the path; jobtuner ingest takes event-log files and folders of them");
    }
  }
  auto store = context.openStore();
  collector::IngestOptions options;
  options.lineLimits.maxLineBytes = arguments.maxLineMb << 20;
  options.parseLimits.maxJsonDepth = arguments.maxJsonDepth;

  std::vector<collector::IngestReport> reports;
  std::vector<collector::SkippedPath> skipped;
  int exitCode = core::kExitOk;
  for (const auto& path : arguments.paths) {
    try {
      collector::IngestSummary summary = collector::ingestPath(*store, path, options);
      for (auto& report : summary.reports) reports.push_back(std::move(report));
      for (auto& skip : summary.skipped) skipped.push_back(std::move(skip));
    } catch (const core::UserError& error) {
      std::cerr << "jobtuner: error: " << error.render() << "\n";
      exitCode = core::kExitBadInput;
    }
  }

  // A later log may have superseded an earlier one of this same run: report the final state.
  std::map<std::string, std::string> statusByPath;
  std::map<std::pair<std::string, std::string>, std::string> keptByKey;
  for (const auto& file : store->listFiles()) {
    statusByPath[file.path] = file.status;
    if (file.status == "kept") keptByKey[{file.appId, file.attemptId}] = file.path;
  }
  for (auto& report : reports) {
    report.kept = statusByPath[report.path] == "kept";
    report.keptPath = keptByKey[{report.appId, report.attemptId}];
  }

  if (arguments.json) {
    nlohmann::json logs = nlohmann::json::array();
    for (const auto& report : reports) logs.push_back(toJson(report));
    nlohmann::json skippedJson = nlohmann::json::array();
    for (const auto& skip : skipped) skippedJson.push_back({{"path", skip.path.string()}, {"reason", skip.reason}});
    std::cout << nlohmann::json{{"logs", logs}, {"skipped", skippedJson}}.dump(2) << "\n";
  } else {
    for (const auto& report : reports) printText(report, std::cout);
    if (!skipped.empty()) {
      if (context.verbose) {
        for (const auto& skip : skipped) std::cout << "skipped    " << skip.path.string() << ": " << skip.reason << "\n";
      } else {
        std::cout << fmt::format("skipped {} files that are not event logs (--verbose lists them)\n", skipped.size());
      }
    }
  }
  return exitCode;
}

}  // namespace

void addIngestCommand(CLI::App& app, CommandContext& context) {
  auto arguments = std::make_shared<IngestArguments>();
  CLI::App* command = app.add_subcommand(
      "ingest", "Read Spark event logs (files, rolling eventlog_v2_* folders, legacy folders, .zstd) into the store");
  command->add_option("paths", arguments->paths, "Event-log files or folders (walked recursively)")->required();
  command->add_flag("--json", arguments->json, "Print one JSON object per log read");
  command->add_option("--max-line-mb", arguments->maxLineMb, "Skip event-log lines longer than this, with a warning")
      ->default_val(256)
      ->check(CLI::Range(1, 4096));
  command->add_option("--max-json-depth", arguments->maxJsonDepth, "Skip events nested deeper than this, with a warning")
      ->default_val(1024)
      ->check(CLI::Range(2, 100000));
  command->callback([arguments, &context] { context.exitCode = runIngest(*arguments, context); });
}

}  // namespace jobtuner::cli

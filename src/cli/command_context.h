#pragma once

// What every subcommand shares: the global options and the way it reports its exit code.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "advisor/advisor_config.h"
#include "collector/store.h"

namespace jobtuner::cli {

struct CommandContext {
  std::string dbPath;     // --db; empty means $JOBTUNER_HOME/jobtuner.db
  std::string configPath; // --config; empty means $JOBTUNER_HOME/jobtuner.yaml (defaults when absent)
  bool verbose = false;   // --verbose
  int exitCode = 0;       // set by the subcommand that ran

  /// The store path after defaults: --db, else $JOBTUNER_HOME/jobtuner.db, JOBTUNER_HOME
  /// defaulting to ~/.jobtuner.
  std::filesystem::path resolvedDbPath() const;
  /// Opens (creating if needed) the store.
  std::unique_ptr<collector::Store> openStore() const;
  /// The advisor's section of the configuration file (the defaults when no file is there and
  /// --config was not given).
  advisor::AdvisorConfig advisorConfig() const;
};

/// The directory jobtuner keeps its state in: $JOBTUNER_HOME, else ~/.jobtuner.
std::filesystem::path jobtunerHome();

void addIngestCommand(CLI::App& app, CommandContext& context);
void addAppsCommand(CLI::App& app, CommandContext& context);
void addShowCommand(CLI::App& app, CommandContext& context);
void addApiCommand(CLI::App& app, CommandContext& context);
void addValidateCommand(CLI::App& app, CommandContext& context);
void addRunCommand(CLI::App& app, CommandContext& context);
void addCollectCommand(CLI::App& app, CommandContext& context);
void addAnalyzeCommand(CLI::App& app, CommandContext& context);
void addRulesCommand(CLI::App& app, CommandContext& context);
void addFindingsCommand(CLI::App& app, CommandContext& context);
void addAdviseCommand(CLI::App& app, CommandContext& context);
void addRunsCommand(CLI::App& app, CommandContext& context);
void addTuneCommand(CLI::App& app, CommandContext& context);
void addReportCommand(CLI::App& app, CommandContext& context);
void addCompareCommand(CLI::App& app, CommandContext& context);

}  // namespace jobtuner::cli

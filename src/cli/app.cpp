#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "cli/command_context.h"
#include "core/errors.h"

namespace jobtuner::cli {

namespace fs = std::filesystem;

fs::path jobtunerHome() {
  if (const char* home = std::getenv("JOBTUNER_HOME"); home && *home) return fs::path(home);
  const char* user = std::getenv("HOME");
  return fs::path(user && *user ? user : ".") / ".jobtuner";
}

fs::path CommandContext::resolvedDbPath() const {
  return dbPath.empty() ? jobtunerHome() / "jobtuner.db" : fs::path(dbPath);
}

std::unique_ptr<collector::Store> CommandContext::openStore() const {
  return collector::Store::open(resolvedDbPath());
}

advisor::AdvisorConfig CommandContext::advisorConfig() const {
  if (!configPath.empty()) return advisor::loadAdvisorConfig(configPath, true);
  return advisor::loadAdvisorConfig(jobtunerHome() / "jobtuner.yaml", false);
}

int run(int argc, char** argv) {
  CLI::App app{"jobtuner: find what slowed a Spark-style batch job down, and fix its settings for the next run"};
  app.name("jobtuner");
  app.set_version_flag("--version", std::string("jobtuner ") + JOBTUNER_VERSION);
  app.require_subcommand(1);
  app.fallthrough();

  CommandContext context;
  app.add_option("--db", context.dbPath, "The store (SQLite); default $JOBTUNER_HOME/jobtuner.db, JOBTUNER_HOME defaulting to ~/.jobtuner");
  app.add_option("--config", context.configPath,
                 "jobtuner's configuration (YAML; the advisor's limits and prices); default $JOBTUNER_HOME/jobtuner.yaml");
  app.add_flag("--verbose", context.verbose, "Say more about what was done and skipped");

  addIngestCommand(app, context);
  addAppsCommand(app, context);
  addShowCommand(app, context);
  addApiCommand(app, context);
  addValidateCommand(app, context);
  addRunCommand(app, context);
  addCollectCommand(app, context);
  addAnalyzeCommand(app, context);
  addRulesCommand(app, context);
  addFindingsCommand(app, context);
  addAdviseCommand(app, context);
  addRunsCommand(app, context);
  addReportCommand(app, context);
  addCompareCommand(app, context);
  addTuneCommand(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& usage) {
    app.exit(usage);
    std::cerr << "Run 'jobtuner --help' (or 'jobtuner COMMAND --help') for usage.\n";
    return core::kExitBadInput;
  } catch (const core::UserError& error) {
    std::cerr << "jobtuner: error: " << error.render() << "\n";
    return core::kExitBadInput;
  } catch (const core::SystemError& error) {
    std::cerr << "jobtuner: failed: " << error.what() << "\n";
    return core::kExitFailed;
  } catch (const std::exception& error) {
    std::cerr << "jobtuner: internal error: " << error.what() << "\n";
    return core::kExitFailed;
  }
  return context.exitCode;
}

}  // namespace jobtuner::cli

// jobtuner collect --listen SOCKET --event-log LOG : the collector sidecar of one run. `jobtuner
// run` starts it with the run's secret on standard input; it listens on SOCKET, accepts the one
// driver that proves the secret, stores the event stream live (collector/live_collector.h) and
// exits once the stream has ended and everything is committed.

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <string>
#include <string_view>

#include "cli/command_context.h"
#include "collector/live_collector.h"
#include "core/errors.h"
#include "core/local_channel.h"
#include "runtime/driver_log.h"

namespace jobtuner::cli {

namespace {

struct CollectOptions {
  std::string listen;
  std::string eventLog;
  int acceptTimeoutMs = 30'000;
  int commitIntervalMs = 250;
};

std::atomic<bool> stopRequested{false};

void onStop(int) { stopRequested = true; }

/// The sidecar's log is its standard error, which the driver sends to collector.log in the run
/// directory: JSON lines, like the driver's and the executors' logs.
void logLine(std::string_view level, std::string_view message) {
  std::cerr << runtime::jsonLogLine(level, message) << "\n";
}

int collect(const CollectOptions& options, const CommandContext& context) {
  // Ctrl-C reaches the whole foreground process group: the driver handles it and ends the stream,
  // which the sidecar must then still store. SIGTERM (also sent when the driver dies) means: store
  // what has arrived and exit.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, onStop);

  std::string secret;
  if (!std::getline(std::cin, secret) || secret.empty()) {
    throw core::UserError("no run secret on standard input",
                          "jobtuner collect is started by jobtuner run, which passes the run's secret");
  }
  std::unique_ptr<collector::Store> store = context.openStore();
  core::LocalListener listener = core::LocalListener::listen(options.listen, secret);
  std::optional<core::Accepted> driver = listener.accept(options.acceptTimeoutMs);
  listener = core::LocalListener();  // one driver per sidecar: no one else may connect
  if (!driver) {
    throw core::SystemError(fmt::format("no driver connected to {} within {} ms", options.listen, options.acceptTimeoutMs));
  }

  collector::LiveCollectorOptions live;
  live.eventLog = options.eventLog;
  live.commitIntervalMs = options.commitIntervalMs;
  live.shouldStop = [] { return stopRequested.load(); };
  collector::LiveCollectorResult result = collector::collectLive(*store, driver->channel, live);
  logLine(result.stored ? "info" : "error",
          fmt::format("{}: {} events, {} task ends, {} commits before the last; {}; {}",
                      result.appId.empty() ? "(no app id)" : result.appId, result.events, result.taskEndEvents,
                      result.checkpoints, result.sawEnd ? "the run ended" : "the driver stopped mid-run",
                      result.stored ? "stored" : "NOT stored"));
  return result.stored ? core::kExitOk : core::kExitFailed;
}

int collectAndLog(const CollectOptions& options, const CommandContext& context) {
  try {
    return collect(options, context);
  } catch (const core::UserError& error) {
    logLine("error", error.render());
    return core::kExitBadInput;
  } catch (const std::exception& error) {
    logLine("error", error.what());
    return core::kExitFailed;
  }
}

}  // namespace

void addCollectCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CollectOptions>();
  CLI::App* command = app.add_subcommand(
      "collect", "The collector sidecar of a run (jobtuner run starts it): stores the run's events live");
  command->add_option("--listen", options->listen, "The Unix socket the driver connects to")->required();
  command->add_option("--event-log", options->eventLog, "The event log the driver writes (recorded in the store)")
      ->required();
  command->add_option("--accept-timeout-ms", options->acceptTimeoutMs, "How long to wait for the driver");
  command->add_option("--commit-interval-ms", options->commitIntervalMs, "How often to commit what has arrived")
      ->check(CLI::Range(10, 60'000));
  command->callback([options, &context] { context.exitCode = collectAndLog(*options, context); });
}

}  // namespace jobtuner::cli

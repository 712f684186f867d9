// jobtuner collect --listen SOCKET --event-log LOG : the collector sidecar of one run. `jobtuner
// run` starts it with the run's secret on standard input; it listens on SOCKET, accepts the one
// driver that proves the secret, stores the event stream live (collector/live_collector.h) and
// exits once the stream has ended and everything is committed.

#include <fmt/format.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <string>

#include "cli/command_context.h"
#include "collector/live_collector.h"
#include "core/errors.h"
#include "core/local_channel.h"

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
  if (context.verbose) {
    std::cerr << fmt::format("jobtuner collect: {}: {} events, {} task ends, {} commits before the last; {}\n",
                             result.appId, result.events, result.taskEndEvents, result.checkpoints,
                             result.sawEnd ? "the run ended" : "the driver stopped mid-run");
  }
  if (!result.stored) {
    throw core::SystemError(fmt::format("the events of {} were not stored", result.appId.empty() ? "the run" : result.appId));
  }
  return core::kExitOk;
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
  command->callback([options, &context] { context.exitCode = collect(*options, context); });
}

}  // namespace jobtuner::cli

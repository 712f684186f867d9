#include "runtime/driver.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <csignal>
#include <thread>
#include <fstream>

#include "core/errors.h"
#include "core/local_channel.h"
#include "core/profile.h"
#include "runtime/child_process.h"
#include "runtime/clock.h"
#include "runtime/driver_log.h"
#include "runtime/event_log_observer.h"
#include "runtime/event_sinks.h"
#include "runtime/job_preparation.h"
#include "runtime/range_bounds.h"
#include "runtime/run_directory.h"
#include "runtime/task_scheduler.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

namespace {

/// How long executors get to start, connect and plan.
constexpr int kStartTimeoutMs = 30'000;
constexpr int kSidecarConnectStepMs = 200;
// The sidecar has committed all but the last quarter second of the run by the end; this is for a
// store that another process holds locked.
constexpr int kSidecarExitTimeoutMs = 120'000;

volatile std::sig_atomic_t interrupted = 0;

void onInterrupt(int) { interrupted = 1; }

/// Counts what the summary reports.
class SummaryObserver final : public RunObserver {
 public:
  explicit SummaryObserver(RunSummary& summary) : summary_(summary) {}
  void taskEnded(const TaskEvent& task) override {
    if (task.succeeded) summary_.outputRecords += task.metrics.outputRecords;
  }

 private:
  RunSummary& summary_;
};

/// Where the output goes: --output, else the job's sink path, else runs/<app>/output.
fs::path outputPathOf(const RunRequest& request, const PreparedJob& job) {
  if (request.output) return *request.output;
  if (!job.sinkPath.empty()) return job.sinkPath;
  return {};
}

/// Moves the finished part files into place: the old output (with --overwrite) is removed only
/// once the new one is complete, and _SUCCESS is the last file written.
void commitOutput(const fs::path& tempDir, const fs::path& output) {
  std::ofstream(tempDir / "_SUCCESS").close();
  if (fs::exists(output)) {
    fs::path old = output;
    old += ".replaced";
    fs::remove_all(old);
    fs::rename(output, old);
    fs::rename(tempDir, output);
    fs::remove_all(old);
  } else {
    if (output.has_parent_path()) fs::create_directories(output.parent_path());
    fs::rename(tempDir, output);
  }
}

/// The sidecar's channel, or nullopt (with the reason in the summary) when it exited or did not
/// listen in time.
std::optional<core::LocalChannel> connectSidecar(ChildProcess& sidecar, const fs::path& socket,
                                                 const std::string& secret, RunSummary& summary) {
  for (int waited = 0; waited < kStartTimeoutMs; waited += kSidecarConnectStepMs) {
    if (std::optional<int> exitCode = sidecar.poll()) {
      summary.collectorProblem = fmt::format("the collector sidecar exited at start (exit code {})", *exitCode);
      return std::nullopt;
    }
    try {
      core::LocalChannel channel = core::connectLocal(socket, secret, "{}", kSidecarConnectStepMs);
      summary.collectorProblem.clear();
      return channel;
    } catch (const core::SystemError& error) {
      summary.collectorProblem = fmt::format("cannot connect to the collector sidecar: {}", error.what());
    }
  }
  return std::nullopt;
}

/// The sidecar exits once it has committed the end of the stream.
void waitForSidecar(ChildProcess& sidecar, RunSummary& summary, DriverLog& log) {
  std::optional<int> exitCode;
  for (int waited = 0; waited < kSidecarExitTimeoutMs && !(exitCode = sidecar.poll()); waited += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exitCode) {
    sidecar.kill(SIGKILL);
    sidecar.wait();
    summary.collectorProblem = "the collector sidecar did not finish storing the run in time";
  } else if (*exitCode != 0) {
    summary.collectorProblem = fmt::format("the collector sidecar failed (exit code {})", *exitCode);
  }
  summary.collected = summary.collectorProblem.empty();
  if (!summary.collected) log.error(summary.collectorProblem);
}

}  // namespace

RunSummary runJob(const RunRequest& request) {
  int64_t startMs = nowMs();
  core::Profile profile = request.profileFile ? core::loadProfile(*request.profileFile) : core::Profile();
  for (const std::string& setting : request.settings) core::applyOverride(profile, setting);
  PreparedJob job = prepareJob(request.jobFile, profile);

  RunSummary summary;
  fs::path output = outputPathOf(request, job);
  if (!output.empty() && fs::exists(output) && !request.overwrite) {
    throw core::UserError(fmt::format("the output directory {} already exists", output.string()),
                          "pass --overwrite to replace it, or choose another with --output");
  }

  RunDirectory run = createRunDirectory(request.home / "runs");
  if (output.empty()) output = run.root / "output";
  summary.appId = run.appId;
  summary.runDir = run.root;
  summary.output = output;
  summary.eventLog = run.eventLog();
  summary.stages = static_cast<int>(job.plan.stages.size());
  DriverLog log(run.driverLog());
  log.info(fmt::format("run {} of {} with {} executors x {} cores", run.appId, request.jobFile.string(),
                       profile.executors, profile.executorCores));

  fs::path outputTemp = output;
  outputTemp += ".tmp-" + run.appId;
  fs::create_directories(outputTemp);

  std::string secret = core::generateSecret();
  fs::path self = selfExecutable();

  // The collector sidecar and the executors: the same binary, proving the secret they read from
  // standard input. All start at once; the sidecar must be connected before the first event.
  fs::path collectorSocket = run.socketDir() / "collector.sock";
  std::optional<ChildProcess> sidecar;
  if (!request.store.empty()) {
    SpawnOptions options;
    options.logFile = run.collectorLog();
    options.stdinData = secret + "\n";
    options.parentDeathSignal = SIGTERM;  // store what has arrived, then exit
    sidecar = ChildProcess::spawn({self.string(), "--db", request.store.string(), "collect", "--listen",
                                   collectorSocket.string(), "--event-log", run.eventLog().string()},
                                  options);
  }
  fs::path driverSocket = run.socketDir() / "driver.sock";
  core::LocalListener listener = core::LocalListener::listen(driverSocket, secret);
  std::vector<ChildProcess> processes;
  for (int id = 1; id <= profile.executors; ++id) {
    SpawnOptions options;
    options.logFile = run.executorLog(id);
    options.stdinData = secret + "\n";
    processes.push_back(ChildProcess::spawn({self.string(), "__executor", "--driver", driverSocket.string(), "--id",
                                             std::to_string(id), "--cores", std::to_string(profile.executorCores)},
                                            options));
  }

  std::vector<std::unique_ptr<EventSink>> sinks;
  sinks.push_back(std::make_unique<FileEventSink>(run.eventLog()));
  if (sidecar) {
    if (std::optional<core::LocalChannel> channel = connectSidecar(*sidecar, collectorSocket, secret, summary)) {
      sinks.push_back(std::make_unique<ChannelEventSink>(std::move(*channel)));
    } else {
      log.error(summary.collectorProblem);
      sidecar.reset();  // ChildProcess's destructor kills and reaps it
    }
  }
  EventLogObserver events(sinks, run.appId, job, profile, startMs);
  std::vector<ExecutorConnection> executors;
  std::vector<RunObserver*> observers = {&events};
  SummaryObserver counter(summary);
  observers.push_back(&counter);
  observers.insert(observers.end(), request.observers.begin(), request.observers.end());

  ExecutorSetup setup;
  setup.appId = run.appId;
  setup.runDir = run.root.string();
  setup.jobFile = request.jobFile.string();
  setup.jobText = job.jobText;
  setup.profile = profile;
  setup.sources = job.sources;
  setup.outputTempDir = outputTemp.string();
  setup.sinkFormat = job.sinkFormat;
  std::string setupFailure;
  for (int connected = 0; connected < profile.executors; ++connected) {
    std::optional<core::Accepted> accepted = listener.accept(kStartTimeoutMs);
    if (!accepted) break;
    nlohmann::json hello = nlohmann::json::parse(accepted->helloBody, nullptr, false);
    ExecutorConnection executor;
    executor.id = hello.value("executor", connected + 1);
    executor.pid = hello.value("pid", 0);
    executor.cores = static_cast<int>(profile.executorCores);
    executor.freeSlots = executor.cores;
    executor.channel = std::move(accepted->channel);
    setup.executorId = executor.id;
    executor.channel.send(static_cast<uint8_t>(DriverFrame::kSetup), nlohmann::json(setup).dump());
    std::optional<core::Frame> answer = executor.channel.receive();
    if (!answer || answer->type != static_cast<uint8_t>(DriverFrame::kReady)) {
      setupFailure = answer ? answer->payload : "the executor exited during setup";
      log.error(fmt::format("executor {} failed to start: {}", executor.id, setupFailure));
      continue;
    }
    for (RunObserver* observer : observers) observer->executorAdded({executor.id, executor.cores, executor.pid, nowMs(), {}});
    executors.push_back(std::move(executor));
  }

  // The socket stays open for the whole run, and whoever connects without the secret is refused
  // (inside accept); executors cannot join late yet, so even a proven peer is turned away.
  std::atomic<bool> running{true};
  std::thread gatekeeper([&] {
    while (running) {
      if (std::optional<core::Accepted> late = listener.accept(100)) late->channel.close();
    }
  });
  ScheduleOutcome outcome;
  if (executors.empty()) {
    outcome.failure = setupFailure.empty() ? "no executor started" : "no executor started: " + setupFailure;
  } else {
    SchedulerOptions options;
    options.taskMaxFailures = static_cast<int>(profile.taskMaxFailures);
    options.rangeBounds = [](const ShuffleSpec& shuffle, const std::vector<std::string>& samples) {
      return computeRangeBounds(shuffle, samples);
    };
    auto previousInt = std::signal(SIGINT, onInterrupt);
    auto previousTerm = std::signal(SIGTERM, onInterrupt);
    options.shouldAbort = [] { return interrupted != 0; };
    outcome = runStages(job.plan, executors, observers, options);
    std::signal(SIGINT, previousInt);
    std::signal(SIGTERM, previousTerm);
  }
  running = false;
  gatekeeper.join();
  for (ExecutorConnection& executor : executors) {
    if (!executor.alive) continue;
    try {
      executor.channel.send(static_cast<uint8_t>(DriverFrame::kShutdown), {});
    } catch (const std::exception&) {
      // Already gone: nothing to tell it.
    }
  }
  for (ChildProcess& process : processes) {
    if (!outcome.failure.empty()) process.kill(SIGKILL);
    process.wait();
  }
  for (ExecutorConnection& executor : executors) {
    if (executor.alive) {
      for (RunObserver* observer : observers) {
        observer->executorRemoved({executor.id, executor.cores, executor.pid, nowMs(), "the run finished"});
      }
    }
  }

  summary.tasks = outcome.tasks;
  summary.badRecords = outcome.badRecords;
  summary.shuffleBytes = outcome.shuffleBytes;
  summary.userError = outcome.userError;
  summary.failure = outcome.failure;
  summary.succeeded = outcome.succeeded;
  if (summary.succeeded) {
    try {
      commitOutput(outputTemp, output);
    } catch (const std::exception& error) {
      summary.succeeded = false;
      summary.failure = fmt::format("cannot move the output into {}: {}", output.string(), error.what());
    }
  } else {
    std::error_code ignored;
    fs::remove_all(outputTemp, ignored);
  }
  fs::remove_all(run.shuffleDir());
  events.applicationEnd(nowMs());
  sinks.front().reset();  // closes the event log: renamed from .inprogress
  sinks.clear();          // then ends the sidecar's stream, so the sidecar sees the final name
  if (sidecar) waitForSidecar(*sidecar, summary, log);
  summary.wallMs = nowMs() - startMs;
  log.info(summary.succeeded ? "run succeeded" : "run failed: " + summary.failure);
  return summary;
}

}  // namespace jobtuner::runtime

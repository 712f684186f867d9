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
#include "runtime/executor_pool.h"
#include "runtime/fault_injector.h"
#include "runtime/job_preparation.h"
#include "runtime/range_bounds.h"
#include "runtime/run_directory.h"
#include "runtime/shuffle_files.h"
#include "runtime/task_scheduler.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

namespace {

/// How long the sidecar gets to start listening.
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
  // Attempts that died while writing (their executor lost) left their part files unrenamed.
  std::vector<fs::path> abandoned;
  for (const fs::directory_entry& entry : fs::directory_iterator(tempDir)) {
    if (entry.path().filename().string().find(".attempt-") != std::string::npos) abandoned.push_back(entry.path());
  }
  for (const fs::path& path : abandoned) fs::remove(path);
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

/// faults.lose_map_output deletes a map output's files; corrupt_map_output flips a byte in the
/// middle of its data, which the reader's checksums catch.
void damageMapOutput(const fs::path& shuffleDir, int shuffleId, int mapId, bool corrupt) {
  fs::path data = shuffleDataFile(shuffleDir, shuffleId, mapId);
  if (!corrupt) {
    std::error_code ignored;
    fs::remove(data, ignored);
    fs::remove(shuffleIndexFile(shuffleDir, shuffleId, mapId), ignored);
    return;
  }
  std::fstream file(data, std::ios::in | std::ios::out | std::ios::binary);
  auto size = static_cast<std::streamoff>(fs::file_size(data));
  if (!file || size == 0) return;
  file.seekg(size / 2);
  char byte = 0;
  file.get(byte);
  file.seekp(size / 2);
  file.put(static_cast<char>(byte ^ 0x5a));
}

}  // namespace

RunSummary runJob(const RunRequest& request) {
  int64_t startMs = nowMs();
  core::Profile profile = request.profileFile ? core::loadProfile(*request.profileFile) : core::Profile();
  for (const std::string& setting : request.settings) core::applyOverride(profile, setting);
  PreparedJob job = prepareJob(request.jobFile, profile);
  checkFaultTargets(profile.faults, job.plan);

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
  // Executors start and plan while the sidecar starts.
  ExecutorSetup setup;
  setup.appId = run.appId;
  setup.runDir = run.root.string();
  setup.jobFile = request.jobFile.string();
  setup.jobText = job.jobText;
  setup.profile = profile;
  setup.sources = job.sources;
  setup.outputTempDir = outputTemp.string();
  setup.sinkFormat = job.sinkFormat;
  int replacementLimit = static_cast<int>(profile.executorReplacementLimit());
  ExecutorPool pool(run, secret, setup, static_cast<int>(profile.executorCores), replacementLimit);
  ExecutorArrivals started = pool.startInitial(static_cast<int>(profile.executors));
  for (const std::string& failure : started.failures) log.error(failure);
  std::vector<ExecutorConnection> executors = std::move(started.ready);

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
  std::vector<RunObserver*> observers = {&events};
  SummaryObserver counter(summary);
  observers.push_back(&counter);
  observers.insert(observers.end(), request.observers.begin(), request.observers.end());

  std::optional<FaultInjector> faults;
  if (!profile.faults.empty()) {
    int64_t plannedTasks = 0;
    for (const PlanStage& stage : job.plan.stages) plannedTasks += stage.numTasks;
    faults.emplace(profile.faults, profile.faults.seed ? static_cast<uint64_t>(*profile.faults.seed) : freshFaultSeed(),
                   plannedTasks);
    summary.faultSeed = static_cast<int64_t>(faults->seed());
    log.info(fmt::format("fault injection is on (the profile's faults section), seed {}", faults->seed()));
  }

  ScheduleOutcome outcome;
  if (executors.empty()) {
    outcome.failure = started.failures.empty() ? "no executor started" : "no executor started: " + started.failures.back();
  } else {
    SchedulerOptions options;
    options.taskMaxFailures = static_cast<int>(profile.taskMaxFailures);
    options.memoryLimitBytes = profile.executorMemoryBytes + profile.memoryOverheadBytes;
    options.networkTimeoutMs = profile.networkTimeoutMs;
    options.maxExecutorFailures = replacementLimit;
    options.speculation = profile.speculation;
    options.speculationMultiplier = profile.speculationMultiplier;
    options.speculationQuantile = profile.speculationQuantile;
    options.speculationMinRuntimeMs = profile.speculationMinRuntimeMs;
    options.faults = faults ? &*faults : nullptr;
    options.log = [&log](const std::string& line) { log.info(line); };
    options.damageMapOutput = [&run](int shuffleId, int mapId, bool corrupt) {
      damageMapOutput(run.shuffleDir(), shuffleId, mapId, corrupt);
    };
    options.rangeBounds = [](const ShuffleSpec& shuffle, const std::vector<std::string>& samples) {
      return computeRangeBounds(shuffle, samples);
    };
    auto previousInt = std::signal(SIGINT, onInterrupt);
    auto previousTerm = std::signal(SIGTERM, onInterrupt);
    options.shouldAbort = [] { return interrupted != 0; };
    outcome = runStages(job.plan, executors, pool, observers, options);
    std::signal(SIGINT, previousInt);
    std::signal(SIGTERM, previousTerm);
  }
  for (ExecutorConnection& executor : executors) {
    try {
      executor.channel.send(static_cast<uint8_t>(DriverFrame::kShutdown), {});
    } catch (const std::exception&) {
      // Already gone: nothing to tell it.
    }
  }
  pool.stop(!outcome.failure.empty());
  for (ExecutorConnection& executor : executors) {
    for (RunObserver* observer : observers) {
      observer->executorRemoved({executor.id, executor.cores, executor.pid, nowMs(), "the run finished"});
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

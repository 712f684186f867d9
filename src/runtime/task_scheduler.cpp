#include "runtime/task_scheduler.h"

#include <fmt/format.h>
#include <poll.h>

#include <csignal>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "core/errors.h"
#include "core/units.h"

namespace jobtuner::runtime {

namespace {

/// How many of a shuffle's heaviest keys the event log keeps.
constexpr size_t kSketchEntriesKept = 20;
/// How long the loop waits for results before it looks at heartbeats, memory and due faults.
constexpr int kWatchStepMs = 50;
/// How long a closed connection's process gets to be reaped, so its exit can be told.
constexpr int kExitWaitMs = 500;
/// Attempts of a stage that fetch failures may fail before the job fails (Spark's
/// spark.stage.maxConsecutiveAttempts).
constexpr int kMaxStageAttempts = 4;

enum class TaskState : uint8_t { kPending, kRunning, kDone };

struct StageProgress {
  const PlanStage* stage = nullptr;
  bool submitted = false;
  bool completed = false;
  bool everSubmitted = false;
  int attempt = 0;             // the stage attempt: a fetch failure resubmits the stage
  int failedAttempts = 0;
  int64_t submittedMs = 0;
  std::vector<TaskState> tasks;
  std::vector<int> attempts;   // attempts launched per index
  std::vector<int> failures;   // failed attempts per index
  std::vector<int> running;    // attempts running per index (two while speculated)
  std::vector<bool> speculated;
  std::vector<int64_t> successDurationsMs;
  int done = 0;
  std::vector<std::string> samples;
  std::map<std::string, KeySketchEntry> sketch;
  std::string rangeBounds;
};

struct RunningTask {
  TaskEvent event;
  int executorIndex = 0;
};

class Scheduler {
 public:
  Scheduler(const PhysicalPlan& plan, std::vector<ExecutorConnection>& executors, ExecutorPool& pool,
            const std::vector<RunObserver*>& observers, const SchedulerOptions& options)
      : plan_(plan), executors_(executors), pool_(pool), observers_(observers), options_(options) {
    for (const PlanStage& stage : plan.stages) {
      StageProgress progress;
      progress.stage = &stage;
      progress.tasks.assign(static_cast<size_t>(stage.numTasks), TaskState::kPending);
      progress.attempts.assign(static_cast<size_t>(stage.numTasks), 0);
      progress.failures.assign(static_cast<size_t>(stage.numTasks), 0);
      progress.running.assign(static_cast<size_t>(stage.numTasks), 0);
      progress.speculated.assign(static_cast<size_t>(stage.numTasks), false);
      stages_.push_back(std::move(progress));
    }
  }

  ScheduleOutcome run() {
    int64_t start = nowMs();
    for (ExecutorConnection& executor : executors_) announce(executor);
    for (RunObserver* observer : observers_) observer->jobStarted(plan_, start);
    while (!outcome_.failure.size() && !allDone()) {
      if (options_.shouldAbort && options_.shouldAbort()) {
        outcome_.failure = "the run was interrupted";
        break;
      }
      adoptArrivals();
      submitReadyStages();
      launchTasks();
      injectFaults();  // faults aimed at the attempts just launched strike while they run
      if (liveExecutors() == 0 && pool_.starting() == 0) {
        outcome_.failure = "every executor was lost" + (lastStartFailure_.empty() ? "" : "; " + lastStartFailure_);
        break;
      }
      waitForResults();
      injectFaults();
      // Results can wake the loop thousands of times a second; /proc and the speculation scan
      // need not be read that often.
      if (nowMs() - lastWatchMs_ >= kWatchStepMs) {
        lastWatchMs_ = nowMs();
        watchExecutors();
        if (options_.speculation) findSpeculatableTasks();
      }
    }
    // Losers of speculative races may still run: they were told to die, and must be gone before
    // the output is committed, or a late part file could land in it.
    while (outcome_.failure.empty() && !running_.empty() && liveExecutors() > 0) {
      waitForResults();
      watchExecutors();
    }
    // The caller tells the live executors to shut down and reports the end of each.
    std::erase_if(executors_, [](const ExecutorConnection& executor) { return !executor.alive; });
    outcome_.succeeded = outcome_.failure.empty();
    for (RunObserver* observer : observers_) observer->jobEnded(nowMs(), outcome_.succeeded, outcome_.failure);
    return outcome_;
  }

 private:
  bool allDone() const {
    return std::all_of(stages_.begin(), stages_.end(), [](const StageProgress& s) { return s.completed; });
  }

  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  void announce(ExecutorConnection& executor) {
    executor.lastHeardMs = nowMs();
    for (RunObserver* observer : observers_) observer->executorAdded({executor.id, executor.cores, executor.pid, nowMs(), {}});
  }

  /// Replacements that became ready join the executors; failed starts are remembered for the
  /// message should every executor be lost.
  void adoptArrivals() {
    ExecutorArrivals arrivals = pool_.takeArrivals();
    for (const std::string& failure : arrivals.failures) {
      log(failure);
      lastStartFailure_ = failure;
    }
    for (ExecutorConnection& executor : arrivals.ready) {
      log(fmt::format("executor {} joined the run", executor.id));
      announce(executor);
      executors_.push_back(std::move(executor));
    }
  }

  int liveExecutors() const {
    return static_cast<int>(std::count_if(executors_.begin(), executors_.end(),
                                          [](const ExecutorConnection& e) { return e.alive; }));
  }

  void submitReadyStages() {
    for (StageProgress& progress : stages_) {
      if (progress.submitted) continue;
      bool ready = std::all_of(progress.stage->parents.begin(), progress.stage->parents.end(),
                               [&](int parent) { return stages_[static_cast<size_t>(parent)].completed; });
      if (!ready) continue;
      if (progress.everSubmitted) ++progress.attempt;  // resubmitted after a fetch failure
      progress.everSubmitted = true;
      progress.submitted = true;
      progress.submittedMs = nowMs();
      // A resubmitted range exchange keeps its bounds: its finished tasks partitioned by them.
      if (progress.stage->output.shuffle >= 0 && progress.rangeBounds.empty() &&
          plan_.shuffle(progress.stage->output.shuffle).partitioning == PartitioningKind::kRange) {
        // The stage feeding this range exchange returned samples of the sort keys.
        std::vector<std::string> samples;
        for (int parent : progress.stage->parents) {
          const StageProgress& feeding = stages_[static_cast<size_t>(parent)];
          samples.insert(samples.end(), feeding.samples.begin(), feeding.samples.end());
        }
        progress.rangeBounds = options_.rangeBounds(plan_.shuffle(progress.stage->output.shuffle), samples);
      }
      StageEvent event{progress.stage, progress.attempt, progress.submittedMs, 0, {}};
      for (RunObserver* observer : observers_) observer->stageSubmitted(event);
      if (progress.stage->numTasks == 0) completeStage(progress);
    }
  }

  /// The live executor with the most free slots, so work spreads evenly; `avoid` (an executor id
  /// already running an attempt of the task) is passed over.
  std::optional<size_t> freestExecutor(const std::vector<int>& avoid = {}) const {
    std::optional<size_t> best;
    for (size_t i = 0; i < executors_.size(); ++i) {
      const ExecutorConnection& executor = executors_[i];
      if (!executor.alive || executor.freeSlots == 0) continue;
      if (std::find(avoid.begin(), avoid.end(), executor.id) != avoid.end()) continue;
      if (!best || executor.freeSlots > executors_[*best].freeSlots) best = i;
    }
    return best;
  }

  void launchTasks() {
    for (StageProgress& progress : stages_) {
      if (!progress.submitted || progress.completed) continue;
      for (size_t index = 0; index < progress.tasks.size(); ++index) {
        if (progress.tasks[index] != TaskState::kPending) continue;
        std::optional<size_t> executorIndex = freestExecutor();
        if (!executorIndex) return;
        launchAttempt(progress, index, *executorIndex, false);
      }
    }
    // Speculative copies take the slots left, on executors not running the task already.
    for (auto it = speculatable_.begin(); it != speculatable_.end();) {
      StageProgress& progress = stages_[static_cast<size_t>(it->first)];
      size_t index = it->second;
      if (progress.tasks[index] != TaskState::kRunning || progress.running[index] != 1) {
        it = speculatable_.erase(it);
        continue;
      }
      std::optional<size_t> executorIndex = freestExecutor(executorsRunning(progress.stage->id, index));
      if (!executorIndex) {
        ++it;
        continue;
      }
      launchAttempt(progress, index, *executorIndex, true);
      it = speculatable_.erase(it);
    }
  }

  std::vector<int> executorsRunning(int stageId, size_t index) const {
    std::vector<int> ids;
    for (const auto& [taskId, running] : running_) {
      if (running.event.stageId == stageId && static_cast<size_t>(running.event.index) == index) {
        ids.push_back(running.event.executorId);
      }
    }
    return ids;
  }

  void launchAttempt(StageProgress& progress, size_t index, size_t executorIndex, bool speculative) {
    ExecutorConnection& executor = executors_[executorIndex];
    TaskLaunch launch;
    launch.taskId = nextTaskId_++;
    launch.stageId = progress.stage->id;
    launch.stageAttempt = progress.attempt;
    launch.index = static_cast<int>(index);
    launch.attempt = progress.attempts[index]++;
    launch.rangeBounds = progress.rangeBounds;
    if (options_.faults) options_.faults->markLaunch(launch);
    RunningTask running;
    running.executorIndex = static_cast<int>(executorIndex);
    running.event.taskId = launch.taskId;
    running.event.stageId = launch.stageId;
    running.event.stageAttempt = launch.stageAttempt;
    running.event.index = launch.index;
    running.event.attempt = launch.attempt;
    running.event.executorId = executor.id;
    running.event.speculative = speculative;
    running.event.launchMs = nowMs();
    try {
      executor.channel.send(static_cast<uint8_t>(DriverFrame::kLaunchTask), nlohmann::json(launch).dump());
    } catch (const core::SystemError&) {
      progress.attempts[index]--;
      --nextTaskId_;
      loseExecutor(executorIndex, pool_.exitDescription(executor.id, kExitWaitMs));
      return;
    }
    --executor.freeSlots;
    if (options_.faults) options_.faults->taskLaunched(launch, executor.id, running.event.launchMs);
    progress.tasks[index] = TaskState::kRunning;
    ++progress.running[index];
    ++outcome_.tasks;
    if (speculative) log(fmt::format("speculating task {} of stage {} on executor {}", index, launch.stageId, executor.id));
    for (RunObserver* observer : observers_) observer->taskStarted(running.event);
    running_.emplace(launch.taskId, std::move(running));
  }

  /// Spark's rule (TaskSetManager.checkSpeculatableTasks): once a quantile of the stage's tasks
  /// succeeded, a lone attempt running over multiplier x their median duration is copied.
  void findSpeculatableTasks() {
    int64_t now = nowMs();
    for (StageProgress& progress : stages_) {
      if (!progress.submitted || progress.completed) continue;
      int numTasks = progress.stage->numTasks;
      int minFinished = std::max(1, static_cast<int>(std::floor(options_.speculationQuantile * numTasks)));
      if (progress.done < minFinished || progress.successDurationsMs.empty()) continue;
      std::vector<int64_t> durations = progress.successDurationsMs;
      std::nth_element(durations.begin(), durations.begin() + static_cast<std::ptrdiff_t>(durations.size() / 2),
                       durations.end());
      double median = static_cast<double>(durations[durations.size() / 2]);
      double threshold = std::max(options_.speculationMultiplier * median,
                                  static_cast<double>(options_.speculationMinRuntimeMs));
      for (const auto& [taskId, running] : running_) {
        if (running.event.stageId != progress.stage->id) continue;
        auto index = static_cast<size_t>(running.event.index);
        if (progress.speculated[index] || progress.running[index] != 1) continue;
        if (static_cast<double>(now - running.event.launchMs) <= threshold) continue;
        progress.speculated[index] = true;
        speculatable_.emplace_back(progress.stage->id, index);
      }
    }
  }

  /// Asks the executor running attempt `taskId` to end it; it reports back as killed.
  void killAttempt(int64_t taskId, const std::string& reason) {
    auto found = running_.find(taskId);
    if (found == running_.end()) return;
    killReasons_[taskId] = reason;
    ExecutorConnection& executor = executors_[static_cast<size_t>(found->second.executorIndex)];
    try {
      executor.channel.send(static_cast<uint8_t>(DriverFrame::kKillTask), nlohmann::json(TaskKill{taskId}).dump());
    } catch (const core::SystemError&) {
      // Gone already: the loss of the executor ends the attempt.
    }
  }

  /// Renames the winning attempt's files into place; an error is the attempt's failure.
  static std::string commitAttempt(const TaskResult& result) {
    try {
      for (const auto& [from, to] : result.commits) std::filesystem::rename(from, to);
    } catch (const std::exception& error) {
      return fmt::format("cannot commit the attempt's output: {}", error.what());
    }
    return {};
  }

  static void discardAttempt(const TaskResult& result) {
    std::error_code ignored;
    for (const auto& [from, to] : result.commits) std::filesystem::remove(from, ignored);
  }

  void waitForResults() {
    std::vector<pollfd> fds;
    std::vector<size_t> owners;
    for (size_t i = 0; i < executors_.size(); ++i) {
      if (!executors_[i].alive) continue;
      fds.push_back({executors_[i].channel.fd(), POLLIN, 0});
      owners.push_back(i);
    }
    int ready = ::poll(fds.data(), fds.size(), kWatchStepMs);
    if (ready <= 0) return;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      size_t executorIndex = owners[k];
      std::optional<core::Frame> frame;
      try {
        frame = executors_[executorIndex].channel.receive();
      } catch (const core::SystemError& error) {
        // A killed executor's connection may end mid-frame or be reset: its exit says more.
        std::string exit = pool_.exitDescription(executors_[executorIndex].id, kExitWaitMs);
        bool exited = exit.find("(it closed its connection)") == std::string::npos;
        loseExecutor(executorIndex, exited ? exit : fmt::format("the executor sent a malformed message: {}", error.what()));
        continue;
      }
      if (!frame) {
        loseExecutor(executorIndex, pool_.exitDescription(executors_[executorIndex].id, kExitWaitMs));
        continue;
      }
      executors_[executorIndex].lastHeardMs = nowMs();
      if (frame->type != static_cast<uint8_t>(DriverFrame::kTaskResult)) continue;
      TaskResult result = nlohmann::json::parse(frame->payload).get<TaskResult>();
      handleResult(executorIndex, std::move(result));
    }
  }

  void handleResult(size_t executorIndex, TaskResult result) {
    auto found = running_.find(result.taskId);
    if (found == running_.end()) return;  // an attempt already written off with its executor
    RunningTask running = std::move(found->second);
    running_.erase(found);
    ++executors_[executorIndex].freeSlots;
    StageProgress& progress = stages_[static_cast<size_t>(running.event.stageId)];
    auto index = static_cast<size_t>(running.event.index);
    --progress.running[index];
    running.event.finishMs = nowMs();
    running.event.metrics = result.metrics;
    bool alreadyDone = progress.tasks[index] == TaskState::kDone;
    if (result.killed || (result.succeeded && alreadyDone)) {
      // The loser of a speculative race: killed, or finished too late to be committed (Spark's
      // wording for the latter).
      discardAttempt(result);
      auto reason = killReasons_.find(result.taskId);
      running.event.killed = true;
      running.event.failureReason = result.killed && reason != killReasons_.end()
                                        ? reason->second
                                        : "Finish but did not commit due to another attempt succeeded";
      killReasons_.erase(result.taskId);
      for (RunObserver* observer : observers_) observer->taskEnded(running.event);
      return;
    }
    if (result.succeeded) {
      std::string commitError = commitAttempt(result);
      if (!commitError.empty()) {
        result.succeeded = false;
        result.error = commitError;
      }
    } else {
      discardAttempt(result);
    }
    running.event.succeeded = result.succeeded;
    running.event.failureReason = result.error;
    running.event.fetchFailure = result.fetchFailure;
    for (RunObserver* observer : observers_) observer->taskEnded(running.event);
    if (result.succeeded) {
      progress.tasks[index] = TaskState::kDone;
      ++progress.done;
      progress.successDurationsMs.push_back(running.event.finishMs - running.event.launchMs);
      for (const auto& [taskId, other] : running_) {
        if (other.event.stageId == running.event.stageId && other.event.index == running.event.index) {
          killAttempt(taskId, "another attempt succeeded");
        }
      }
      outcome_.badRecords += result.metrics.badRecords;
      outcome_.shuffleBytes += result.metrics.shuffleWriteBytes;
      // A map task recomputed after a fetch failure would count its keys and samples twice.
      if (progress.attempt == 0) {
        if (!result.sortKeySample.empty()) progress.samples.push_back(std::move(result.sortKeySample));
        for (KeySketchEntry& entry : result.keySketch) {
          KeySketchEntry& merged = progress.sketch[entry.key];
          merged.key = entry.key;
          merged.records += entry.records;
          merged.bytes += entry.bytes;
        }
      }
      if (progress.done == progress.stage->numTasks) completeStage(progress);
      return;
    }
    if (result.fetchFailure.any()) {
      handleFetchFailure(progress, index, running.event);
      return;
    }
    if (result.userError) {
      // Bad input fails the same way on every attempt: stop at once with its message.
      outcome_.userError = true;
      failJob(progress, result.error);
      return;
    }
    failAttempt(progress, index, result.error);
  }

  void failAttempt(StageProgress& progress, size_t index, const std::string& reason) {
    if (++progress.failures[index] >= options_.taskMaxFailures) {
      failJob(progress, fmt::format("Task {} in stage {} failed {} times, most recently: {}", index,
                                    progress.stage->id, progress.failures[index], reason));
      return;
    }
    // With a speculative copy still running, the task waits for it rather than running a third.
    if (progress.running[index] == 0) progress.tasks[index] = TaskState::kPending;
  }

  /// Spark's answer to a FetchFailed (DAGScheduler.handleTaskCompletion): the reading stage's
  /// attempt fails, the map task that wrote the output runs again (a new attempt of its stage),
  /// and the reading stage is resubmitted for its missing partitions once the map stage is
  /// complete again. Fetch failures do not count toward task_max_failures.
  void handleFetchFailure(StageProgress& progress, size_t index, const TaskEvent& event) {
    if (progress.running[index] == 0 && progress.tasks[index] == TaskState::kRunning) {
      progress.tasks[index] = TaskState::kPending;
    }
    if (event.stageAttempt != progress.attempt || !progress.submitted) return;  // this attempt failed already
    const FetchFailure& failure = event.fetchFailure;
    std::string reason = fmt::format("FetchFailed (shuffle {}, map {}, reduce {}): {}", failure.shuffleId,
                                     failure.mapId, index, failure.message);
    log(fmt::format("stage {} attempt {} failed: {}", progress.stage->id, progress.attempt, reason));
    StageEvent failed{progress.stage, progress.attempt, progress.submittedMs, nowMs(), reason};
    for (RunObserver* observer : observers_) observer->stageCompleted(failed);
    progress.submitted = false;
    if (++progress.failedAttempts >= kMaxStageAttempts) {
      outcome_.failure = fmt::format("Stage {} has failed the maximum allowable number of times: {}. Most recent "
                                     "failure reason: {}",
                                     progress.stage->id, kMaxStageAttempts, reason);
      return;
    }
    StageProgress& map = stages_[static_cast<size_t>(plan_.shuffle(failure.shuffleId).mapStage)];
    auto mapIndex = static_cast<size_t>(failure.mapId);
    if (mapIndex >= map.tasks.size() || map.tasks[mapIndex] != TaskState::kDone) return;
    map.tasks[mapIndex] = TaskState::kPending;
    --map.done;
    if (map.completed) {
      map.completed = false;
      ++map.attempt;
      map.submittedMs = nowMs();
      StageEvent resubmitted{map.stage, map.attempt, map.submittedMs, 0, {}};
      for (RunObserver* observer : observers_) observer->stageSubmitted(resubmitted);
    }
  }

  void failJob(StageProgress& progress, const std::string& reason) {
    outcome_.failure = reason;
    StageEvent event{progress.stage, progress.attempt, progress.submittedMs, nowMs(), reason};
    for (RunObserver* observer : observers_) observer->stageCompleted(event);
  }

  void completeStage(StageProgress& progress) {
    progress.completed = true;
    const PlanStage& stage = *progress.stage;
    if (stage.output.shuffle >= 0 && !progress.sketch.empty() && progress.attempt == 0) {
      std::vector<KeySketchEntry> top;
      for (auto& [key, entry] : progress.sketch) top.push_back(entry);
      std::sort(top.begin(), top.end(), [](const KeySketchEntry& a, const KeySketchEntry& b) {
        return a.bytes != b.bytes ? a.bytes > b.bytes : a.key < b.key;
      });
      if (top.size() > kSketchEntriesKept) top.resize(kSketchEntriesKept);
      for (RunObserver* observer : observers_) observer->keySketch(stage, plan_.shuffle(stage.output.shuffle), top);
    }
    StageEvent event{&stage, progress.attempt, progress.submittedMs, nowMs(), {}};
    for (RunObserver* observer : observers_) observer->stageCompleted(event);
    if (options_.faults && progress.attempt == 0 && stage.output.shuffle >= 0 && options_.damageMapOutput) {
      FaultInjector::MapOutputFaults damage = options_.faults->mapOutputFaults(stage.id);
      for (int mapId : damage.lost) {
        log(fmt::format("faults.lose_map_output: deleting map output {} of stage {}", mapId, stage.id));
        options_.damageMapOutput(stage.output.shuffle, mapId, false);
      }
      for (int mapId : damage.corrupt) {
        log(fmt::format("faults.corrupt_map_output: damaging map output {} of stage {}", mapId, stage.id));
        options_.damageMapOutput(stage.output.shuffle, mapId, true);
      }
    }
  }

  /// Loses executors that went silent for network_timeout (hung, stopped) or grew past their
  /// memory limit, killing their processes as a cluster manager kills a container.
  void watchExecutors() {
    int64_t now = nowMs();
    for (size_t i = 0; i < executors_.size(); ++i) {
      ExecutorConnection& executor = executors_[i];
      if (!executor.alive) continue;
      if (now - executor.lastHeardMs > options_.networkTimeoutMs) {
        pool_.signal(executor.id, SIGKILL);
        loseExecutor(i, fmt::format("Executor heartbeat timed out after {} ms", now - executor.lastHeardMs));
        continue;
      }
      if (options_.memoryLimitBytes <= 0) continue;
      int64_t resident = pool_.residentBytes(executor.id);
      if (resident > options_.memoryLimitBytes) {
        pool_.signal(executor.id, SIGKILL);
        loseExecutor(i, fmt::format("Container killed by jobtuner: exceeded memory limit {} (used {})",
                                    core::formatBytes(options_.memoryLimitBytes), core::formatBytes(resident)));
      }
    }
  }

  void injectFaults() {
    if (!options_.faults) return;
    std::vector<int> busy;
    for (const ExecutorConnection& executor : executors_) {
      if (executor.alive && executor.freeSlots < executor.cores) busy.push_back(executor.id);
    }
    for (const ExecutorFault& fault : options_.faults->due(nowMs(), busy)) {
      log(fault.description);
      pool_.signal(fault.executorId, fault.signal);
      if (fault.signal != SIGKILL) continue;
      // Lost at once, as the process exit will say, so no task is launched on it meanwhile.
      for (size_t i = 0; i < executors_.size(); ++i) {
        if (executors_[i].id == fault.executorId) loseExecutor(i, pool_.exitDescription(fault.executorId, kExitWaitMs));
      }
    }
  }

  void loseExecutor(size_t executorIndex, const std::string& reason) {
    ExecutorConnection& executor = executors_[executorIndex];
    if (!executor.alive) return;
    executor.alive = false;
    executor.channel.close();
    log(fmt::format("lost executor {}: {}", executor.id, reason));
    for (RunObserver* observer : observers_) {
      observer->executorRemoved({executor.id, executor.cores, executor.pid, nowMs(), reason});
    }
    if (++executorFailures_ > options_.maxExecutorFailures) {
      outcome_.failure = fmt::format(
          "Max number of executor failures ({}) reached; the last executor lost ({}): {}",
          options_.maxExecutorFailures, executor.id, reason);
    } else if (!allDone()) {
      pool_.startReplacement();
    }
    // Its running attempts fail; shuffle files live on the shared local disk, so finished map
    // outputs stay readable.
    for (auto it = running_.begin(); it != running_.end();) {
      if (it->second.executorIndex != static_cast<int>(executorIndex)) {
        ++it;
        continue;
      }
      TaskEvent event = it->second.event;
      it = running_.erase(it);
      event.finishMs = nowMs();
      event.failureReason =
          fmt::format("ExecutorLostFailure (executor {} exited caused by one of the running tasks) Reason: {}",
                      executor.id, reason);
      event.executorLossReason = reason;
      for (RunObserver* observer : observers_) observer->taskEnded(event);
      StageProgress& progress = stages_[static_cast<size_t>(event.stageId)];
      --progress.running[static_cast<size_t>(event.index)];
      if (outcome_.failure.empty() && progress.tasks[static_cast<size_t>(event.index)] == TaskState::kRunning) {
        failAttempt(progress, static_cast<size_t>(event.index), event.failureReason);
      }
    }
  }

  const PhysicalPlan& plan_;
  std::vector<ExecutorConnection>& executors_;
  ExecutorPool& pool_;
  const std::vector<RunObserver*>& observers_;
  const SchedulerOptions& options_;
  std::vector<StageProgress> stages_;
  std::unordered_map<int64_t, RunningTask> running_;
  int64_t nextTaskId_ = 0;
  int executorFailures_ = 0;
  int64_t lastWatchMs_ = 0;
  std::vector<std::pair<int, size_t>> speculatable_;     // stage id, task index
  std::unordered_map<int64_t, std::string> killReasons_;  // attempts asked to die, and why
  std::string lastStartFailure_;
  ScheduleOutcome outcome_;
};

}  // namespace

ScheduleOutcome runStages(const PhysicalPlan& plan, std::vector<ExecutorConnection>& executors, ExecutorPool& pool,
                          const std::vector<RunObserver*>& observers, const SchedulerOptions& options) {
  return Scheduler(plan, executors, pool, observers, options).run();
}

}  // namespace jobtuner::runtime

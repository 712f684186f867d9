// Writes a synthetic but format-faithful Spark 3.3 event log for benchmarks: the same event
// types, field names and shapes as Spark's JsonProtocol, with values that behave like a real
// batch application (waves of tasks on executor slots, shuffle sizes that follow the data, a
// skewed stage or two, stragglers with speculative copies, failed tasks, a lost executor).
// Deterministic for a seed. Prints a one-line JSON summary on stdout.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <queue>
#include <string>
#include <vector>

#include "deterministic_random.h"
#include "generator_options.h"
#include "json_line_writer.h"
#include "spark_events.h"

namespace jobtuner::bench {
namespace {

struct Slot {
  int64_t freeAt;
  int32_t executor;
  bool operator>(const Slot& other) const {
    return freeAt != other.freeAt ? freeAt > other.freeAt : executor > other.executor;
  }
};
using SlotQueue = std::priority_queue<Slot, std::vector<Slot>, std::greater<Slot>>;

/// What a stage's tasks do, drawn once per stage.
struct StageProfile {
  double medianRunMs = 1000;
  double inputBytesPerTask = 0;
  double rowBytes = 120;
  double shuffleReadBytesPerTask = 0;
  int64_t mapTasks = 0;  // blocks each reducer fetches
  double writeRatio = 0.3;
  bool skewed = false;
  bool speculation = false;
  bool largeResults = false;  // a collect(): results fetched indirectly, "Getting Result Time" set
  bool writesOutput = false;
  bool aggregates = false;  // sorts or hashes what it reads: peak execution memory
};

class Generator {
 public:
  Generator(const Options& options, JsonLineWriter& out) : options_(options), out_(out), random_(options.seed) {}

  void run();
  const TaskEndStats& stats() const { return stats_; }
  int32_t jobs() const { return nextJobId_; }
  int64_t failedTasks() const { return failedTasks_; }
  int64_t killedTasks() const { return killedTasks_; }
  size_t executorsAdded() const { return executors_.size() - 1; }  // the driver is not one

 private:
  void startExecutors();
  void runJob(int32_t numStages);
  void runStage(StageRecord& stage, const StageProfile& profile, int32_t position);
  TaskMetricValues taskMetrics(const StageRecord& stage, const StageProfile& profile, double weight, int64_t runMs);
  int64_t plannedTasks(int32_t position, int64_t plannedInJob);
  void addExecutor(int64_t time);

  const Options& options_;
  JsonLineWriter& out_;
  Random random_;
  AppInfo app_;
  std::vector<ExecutorRecord> executors_;  // [0] is the driver's block manager
  std::vector<bool> executorAlive_;
  std::vector<double> stageWeights_;
  TaskEndStats stats_;
  int64_t clock_ = 0;
  int32_t nextStageId_ = 0;
  int32_t nextJobId_ = 0;
  int32_t nextRddId_ = 0;
  int64_t nextAccumulatorId_ = 1;
  int64_t nextTaskId_ = 0;
  int64_t tasksPlanned_ = 0;
  int64_t taskEventBytes_ = 0;
  int64_t taskEvents_ = 0;
  int64_t failedTasks_ = 0;
  int64_t killedTasks_ = 0;
  int64_t lastWriteBytes_ = 0;  // the previous shuffle stage's total output
  int64_t lastWriteTasks_ = 0;
  int32_t lossStage_ = -1;
  int32_t skewedStages_ = 0;
  bool executorLost_ = false;
};

void Generator::run() {
  app_.appId = options_.appId;
  app_.appName = options_.appName;
  app_.startTime = 1718098200000LL + static_cast<int64_t>(options_.seed % 1000) * 86400000LL;
  clock_ = app_.startTime;
  // The jobs' shapes are drawn first so that every stage's share of the budget is known before
  // the first task is planned. Tiny stages (a count, a broadcast) sit among big ones, and reducers
  // run fewer tasks than scans (AQE coalesces shuffle partitions), as in real applications.
  std::vector<int32_t> jobShapes;
  for (int32_t stagesLeft = options_.stages; stagesLeft > 0;) {
    static constexpr int32_t kShapes[] = {1, 1, 1, 2, 2, 3, 4};
    jobShapes.push_back(std::min<int32_t>(stagesLeft, kShapes[random_.between(0, 6)]));
    stagesLeft -= jobShapes.back();
    for (int32_t i = 0; i < jobShapes.back(); ++i) {
      double weight = random_.chance(0.06) ? 0.004 : 0.3 + random_.uniform() * 1.4;
      stageWeights_.push_back(i > 0 ? weight * 0.18 : weight);
    }
  }
  lossStage_ = options_.stages / 2;

  writeLogStart(out_);
  writeResourceProfileAdded(out_, app_);
  ExecutorRecord driver{"driver", "10.0.0.12", 0, 2101975449, 40413, clock_ + 1200, 0, ""};
  executors_.push_back(driver);
  executorAlive_.push_back(false);  // runs no tasks
  writeBlockManagerAdded(out_, driver);
  writeEnvironmentUpdate(out_, app_, options_.executors);
  writeApplicationStart(out_, app_);
  startExecutors();

  for (int32_t numStages : jobShapes) {
    runJob(numStages);
    clock_ += random_.between(40, 2500);
  }
  app_.endTime = clock_ + random_.between(200, 900);
  writeApplicationEnd(out_, app_);
}

void Generator::startExecutors() {
  clock_ += 3500;
  for (int32_t i = 0; i < options_.executors; ++i) addExecutor(clock_ + i * 50);
  clock_ += options_.executors * 50 + 1500;
}

void Generator::addExecutor(int64_t time) {
  ExecutorRecord executor;
  int32_t number = static_cast<int32_t>(executors_.size());
  executor.id = std::to_string(number);
  executor.host = "10.0." + std::to_string(1 + number / 200) + "." + std::to_string(10 + number % 200);
  executor.cores = app_.executorCores;
  executor.maxMemory = 4772362649;
  executor.blockManagerPort = 35000 + number;
  executor.addTime = time;
  executors_.push_back(executor);
  executorAlive_.push_back(true);
  writeExecutorAdded(out_, executors_.back(), app_);
  writeBlockManagerAdded(out_, executors_.back());
}

// Spreads what is left of the budget (bytes or tasks) over the stages not yet planned, in
// proportion to their weights, using the bytes per task measured so far.
int64_t Generator::plannedTasks(int32_t position, int64_t plannedInJob) {
  double weightLeft = 0;
  for (size_t i = position; i < stageWeights_.size(); ++i) weightLeft += stageWeights_[i];
  double share = stageWeights_[position] / weightLeft;
  double tasksLeft;
  if (options_.tasks > 0) {
    tasksLeft = static_cast<double>(options_.tasks - tasksPlanned_);
  } else {
    double bytesPerTask = taskEvents_ > 0 ? static_cast<double>(taskEventBytes_) / taskEvents_ : 3300.0;
    double stagesLeft = static_cast<double>(stageWeights_.size() - position);
    // Stages of this job already planned are not written yet: their tasks are spent too.
    double bytesLeft = static_cast<double>(options_.sizeBytes - out_.bytesWritten()) - stagesLeft * 8500.0 -
                       static_cast<double>(plannedInJob) * bytesPerTask;
    tasksLeft = std::max(0.0, bytesLeft / bytesPerTask);
  }
  if (position + 1 == static_cast<int32_t>(stageWeights_.size())) share = 1.0;
  return std::max<int64_t>(1, std::llround(tasksLeft * share));
}

void Generator::runJob(int32_t numStages) {
  const int32_t jobId = nextJobId_++;
  const int64_t sqlExecutionId = jobId % 4 == 3 ? -1 : jobId;  // some jobs use the RDD API
  std::vector<StageRecord> stages(numStages);
  std::vector<StageProfile> profiles(numStages);
  int64_t plannedInJob = 0;
  // Some jobs start from generated or cached data (range, parallelize, broadcast builds): their
  // light tasks read no files.
  const bool fromGeneratedData = random_.chance(0.5);
  for (int32_t i = 0; i < numStages; ++i) {
    StageRecord& stage = stages[i];
    StageProfile& profile = profiles[i];
    const int32_t position = nextStageId_;
    stage.stageId = nextStageId_++;
    stage.readsInput = i == 0 && !fromGeneratedData;
    stage.readsShuffle = i > 0;
    stage.writesShuffle = i + 1 < numStages;
    stage.numTasks = static_cast<int32_t>(plannedTasks(position, plannedInJob));
    tasksPlanned_ += stage.numTasks;
    plannedInJob += stage.numTasks;
    if (i > 0) stage.parentIds.push_back(stage.stageId - 1);
    static constexpr const char* kOperations[] = {"parquet at NativeMethodAccessorImpl.java:0",
                                                  "save at NativeMethodAccessorImpl.java:0",
                                                  "collect at /jobs/etl/rollup.py:88",
                                                  "count at /jobs/etl/rollup.py:61",
                                                  "toPandas at /jobs/etl/report.py:40"};
    stage.name = !stage.writesShuffle ? kOperations[1 + (jobId + i) % 4]
                 : i > 0              ? "sql at NativeMethodAccessorImpl.java:0"
                 : stage.readsInput   ? kOperations[0]
                                      : "range at NativeMethodAccessorImpl.java:0";
    stage.firstRddId = nextRddId_;
    stage.numRdds = 2 + static_cast<int32_t>(random_.between(0, 2));
    nextRddId_ += stage.numRdds;
    stage.jobDescription = sqlExecutionId >= 0 ? "" : "rollup job " + std::to_string(jobId);
    stage.sqlExecutionId = sqlExecutionId;

    profile.medianRunMs = 300.0 + 2500.0 * random_.spread(0.5) * random_.uniform();
    profile.rowBytes = 60 + random_.uniform() * 180;
    profile.writeRatio = 0.05 + random_.uniform() * 0.4;
    profile.inputBytesPerTask = stage.readsInput ? 40e6 + random_.uniform() * 94e6 : 0;
    // Two skewed stages: the first reducers at a quarter and at 70% of the application.
    if (stage.readsShuffle && skewedStages_ < 2 &&
        position >= (skewedStages_ == 0 ? options_.stages / 4 : options_.stages * 7 / 10)) {
      profile.skewed = true;
      ++skewedStages_;
    }
    profile.speculation = position % 29 == 13;
    profile.aggregates = stage.readsShuffle && random_.chance(0.7);
    profile.largeResults = !stage.writesShuffle && position % 11 == 5;
    profile.writesOutput = !stage.writesShuffle && stage.name.rfind("save", 0) == 0;

    // SQL jobs carry SQL metric accumulators, registered before the stage's internal ones.
    if (sqlExecutionId >= 0) {
      if ((stage.readsInput || stage.readsShuffle) && position % 5 < 2) {
        auto rowsSource = stage.readsInput ? &TaskMetricValues::inputRecordsRead : &TaskMetricValues::recordsRead;
        stage.sqlMetrics.push_back({nextAccumulatorId_++, "number of output rows", rowsSource, 1});
      }
      if (position % 6 == 0) {
        stage.sqlMetrics.push_back({nextAccumulatorId_++, "duration", &TaskMetricValues::executorRunTime, 1});
      }
      if (stage.readsInput && position % 6 == 1) {
        stage.sqlMetrics.push_back({nextAccumulatorId_++, "scan time", &TaskMetricValues::executorRunTime, 2});
      }
    }
    stage.sqlTotals.assign(stage.sqlMetrics.size(), 0);
    stage.internalAccumulatorBase = nextAccumulatorId_;
    nextAccumulatorId_ += kInternalAccumulatorsPerStage;
  }

  std::vector<const StageRecord*> infos;
  for (const auto& stage : stages) infos.push_back(&stage);
  const int64_t jobStart = clock_;
  writeJobStart(out_, jobId, jobStart, infos);
  clock_ += random_.between(5, 25);
  for (int32_t i = 0; i < numStages; ++i) {
    if (stages[i].readsShuffle) {
      profiles[i].shuffleReadBytesPerTask = static_cast<double>(lastWriteBytes_) / stages[i].numTasks;
      profiles[i].mapTasks = std::max<int64_t>(1, lastWriteTasks_);
    }
    runStage(stages[i], profiles[i], stages[i].stageId);
    clock_ = stages[i].completionTime + random_.between(5, 30);
  }
  writeJobEnd(out_, jobId, stages.back().completionTime + random_.between(2, 9));
}

TaskMetricValues Generator::taskMetrics(const StageRecord& stage, const StageProfile& profile, double weight,
                                        int64_t runMs) {
  TaskMetricValues m;
  m.executorRunTime = runMs;
  m.executorDeserializeTime = random_.chance(0.55) ? 0 : random_.between(1, 40);
  m.executorDeserializeCpuTime = m.executorDeserializeTime * 610000 + random_.between(200000, 4000000);
  m.executorCpuTime = static_cast<int64_t>(runMs * (0.55 + 0.4 * random_.uniform()) * 1e6);
  // Most short tasks see no GC and no measurable result serialization, as in real logs.
  m.jvmGcTime = runMs < 1500 && random_.chance(0.8) ? 0 : static_cast<int64_t>(runMs * (0.005 + 0.045 * random_.uniform()));
  m.resultSerializationTime = random_.chance(0.97) ? 0 : random_.between(1, 5);
  m.resultSize = profile.largeResults ? random_.between(1100000, 4000000) : random_.between(1800, 4600);
  double rows = 0;
  if (stage.readsInput) {
    m.inputBytesRead = static_cast<int64_t>(profile.inputBytesPerTask * weight * (0.8 + 0.4 * random_.uniform()));
    m.inputRecordsRead = static_cast<int64_t>(m.inputBytesRead / profile.rowBytes);
    rows = static_cast<double>(m.inputRecordsRead);
  }
  if (stage.readsShuffle) {
    const double bytes = profile.shuffleReadBytesPerTask * weight * (0.9 + 0.2 * random_.uniform());
    const int64_t numExecutors = std::max<int64_t>(2, options_.executors);
    const int64_t blocks = profile.mapTasks;
    m.localBlocksFetched = blocks / numExecutors;
    m.remoteBlocksFetched = blocks - m.localBlocksFetched;
    m.localBytesRead = static_cast<int64_t>(bytes / numExecutors);
    m.remoteBytesRead = static_cast<int64_t>(bytes) - m.localBytesRead;
    m.remoteBytesReadToDisk = m.remoteBytesRead > (200LL << 20) ? m.remoteBytesRead : 0;
    m.fetchWaitTime = random_.chance(0.5) ? 0 : random_.between(1, 40 + runMs / 20);
    m.recordsRead = static_cast<int64_t>(bytes / (profile.rowBytes * 0.4));
    rows = static_cast<double>(m.recordsRead);
    if (profile.aggregates) m.peakExecutionMemory = static_cast<int64_t>(std::min(bytes * 1.6, 2.4e9)) + 262144;
    if (bytes > 4 * profile.shuffleReadBytesPerTask && bytes > 64e6) {  // a hot partition outgrows its memory
      m.memoryBytesSpilled = static_cast<int64_t>(bytes * 2.1);
      m.diskBytesSpilled = static_cast<int64_t>(bytes * 0.7);
    }
  }
  double inBytes = stage.readsInput ? m.inputBytesRead : m.localBytesRead + m.remoteBytesRead;
  if (!stage.readsInput && !stage.readsShuffle) {  // generated rows
    rows = 2e5 * weight * (0.8 + 0.4 * random_.uniform());
    inBytes = rows * profile.rowBytes;
  }
  if (stage.writesShuffle) {
    m.shuffleBytesWritten = static_cast<int64_t>(inBytes * profile.writeRatio) + 80;
    m.shuffleRecordsWritten = static_cast<int64_t>(rows * profile.writeRatio * 1.3);
    m.shuffleWriteTime = m.shuffleBytesWritten * 4 + random_.between(40000, 900000);
  }
  if (profile.writesOutput) {
    m.outputBytesWritten = static_cast<int64_t>((m.localBytesRead + m.remoteBytesRead) * 0.45) + 1024;
    m.outputRecordsWritten = m.recordsRead;
  }
  return m;
}

void Generator::runStage(StageRecord& stage, const StageProfile& profile, int32_t position) {
  stage.submissionTime = clock_;
  writeStageSubmitted(out_, stage);

  // Partition weights: data volume per task; a skewed stage has a few hot keys.
  std::vector<double> weights(stage.numTasks);
  for (auto& weight : weights) weight = 0.6 + 0.8 * random_.uniform();
  if (profile.skewed) {
    const int32_t hot = std::max<int32_t>(1, stage.numTasks / 100);
    for (int32_t i = 0; i < hot; ++i) weights[random_.between(0, stage.numTasks - 1)] = 20.0 + 40.0 * random_.uniform();
  }
  double weightSum = 0;
  for (double weight : weights) weightSum += weight;
  for (auto& weight : weights) weight *= stage.numTasks / weightSum;

  SlotQueue slots;
  for (size_t e = 1; e < executors_.size(); ++e) {
    if (!executorAlive_[e]) continue;
    for (int32_t core = 0; core < executors_[e].cores; ++core) {
      slots.push({stage.submissionTime + random_.between(2, 30), static_cast<int32_t>(e)});
    }
  }
  const int32_t failingIndex = (position % 23 == 7 || position == options_.stages / 3)
                                   ? static_cast<int32_t>(random_.between(0, stage.numTasks - 1))
                                   : -1;
  const bool loseExecutor = !executorLost_ && position >= lossStage_ && stage.numTasks >= 8;
  const int32_t lossAtIndex = stage.numTasks / 2;
  int32_t lostExecutor = -1;
  int64_t lossTime = 0;

  std::vector<TaskRecord> tasks;
  tasks.reserve(stage.numTasks + 16);
  struct Pending {
    int32_t index;
    int32_t attempt;
    int64_t readyAt;
  };
  std::deque<Pending> retries;
  std::vector<int32_t> attemptsOfIndex(stage.numTasks, 1);
  int32_t nextIndex = 0;

  auto popSlot = [&]() {
    while (true) {
      Slot slot = slots.top();
      slots.pop();
      if (executorAlive_[slot.executor]) return slot;
    }
  };
  auto runMsFor = [&](double weight, bool straggler) {
    double runMs = profile.medianRunMs * weight * random_.spread(0.25);
    if (straggler) runMs *= 3.0 + 3.0 * random_.uniform();
    return std::max<int64_t>(3, std::llround(runMs));
  };
  auto finishTask = [&](TaskRecord& task, int64_t runMs) {
    const TaskMetricValues& m = task.metrics;
    int64_t duration = runMs + m.executorDeserializeTime + m.resultSerializationTime + random_.between(2, 40);
    if (profile.largeResults) {
      const int64_t fetchMs = random_.between(8, 220);
      duration += fetchMs;
      task.gettingResultTime = task.launchTime + duration - fetchMs;
    }
    task.finishTime = task.launchTime + duration;
  };

  while (nextIndex < stage.numTasks || !retries.empty()) {
    Slot slot = popSlot();
    TaskRecord task;
    task.taskId = nextTaskId_++;
    task.executor = slot.executor;
    if (!retries.empty() && (retries.front().readyAt <= slot.freeAt || nextIndex >= stage.numTasks)) {
      Pending retry = retries.front();
      retries.pop_front();
      task.index = retry.index;
      task.attempt = retry.attempt;
      task.launchTime = std::max(slot.freeAt, retry.readyAt) + random_.between(1, 5);
      task.locality = "ANY";
    } else {
      task.index = nextIndex++;
      task.launchTime = slot.freeAt + random_.between(1, 5);
      task.locality = stage.readsInput ? (random_.chance(0.85) ? "NODE_LOCAL" : "RACK_LOCAL") : "PROCESS_LOCAL";
    }
    const double weight = weights[task.index];
    // Speculation is switched on where stragglers are common enough to matter.
    const bool straggler = random_.chance(profile.speculation ? 0.03 : 0.003);
    int64_t runMs = runMsFor(weight, straggler);
    task.metrics = taskMetrics(stage, profile, weight, runMs);
    if (straggler) task.metrics.jvmGcTime = runMs * (30 + random_.between(0, 20)) / 100;
    finishTask(task, runMs);

    if (task.index == failingIndex && task.attempt == 0) {
      // The executor reports only what it measured before the exception.
      task.outcome = TaskOutcome::kExceptionFailure;
      TaskMetricValues partial;
      partial.executorRunTime = runMs * 2 / 5;
      partial.jvmGcTime = task.metrics.jvmGcTime * 2 / 5;
      partial.inputBytesRead = task.metrics.inputBytesRead * 2 / 5;
      partial.inputRecordsRead = task.metrics.inputRecordsRead * 2 / 5;
      task.metrics = partial;
      task.finishTime = task.launchTime + partial.executorRunTime + random_.between(5, 30);
      task.gettingResultTime = 0;
      retries.push_back({task.index, attemptsOfIndex[task.index]++, task.finishTime + random_.between(3, 40)});
      ++failedTasks_;
    } else if (straggler && profile.speculation) {
      // A speculative copy starts once the stage's scheduler sees the straggler; the loser is killed.
      Slot copySlot = popSlot();
      const int64_t copyLaunch =
          std::max(copySlot.freeAt, task.launchTime + static_cast<int64_t>(profile.medianRunMs * 1.5)) +
          random_.between(1, 5);
      if (copyLaunch + 10 >= task.finishTime) {  // the original ends first: nothing to speculate on
        slots.push(copySlot);
        slots.push({task.finishTime + 1, task.executor});
        tasks.push_back(task);
        continue;
      }
      TaskRecord copy;
      copy.taskId = nextTaskId_++;
      copy.index = task.index;
      copy.attempt = attemptsOfIndex[task.index]++;
      copy.executor = copySlot.executor;
      copy.speculative = true;
      copy.locality = "ANY";
      copy.launchTime = copyLaunch;
      int64_t copyRunMs = runMsFor(weight, false);
      copy.metrics = taskMetrics(stage, profile, weight, copyRunMs);
      finishTask(copy, copyRunMs);
      TaskRecord& loser = copy.finishTime < task.finishTime ? task : copy;
      const TaskRecord& winner = copy.finishTime < task.finishTime ? copy : task;
      loser.outcome = TaskOutcome::kKilled;
      loser.finishTime = std::max(loser.launchTime + 1, winner.finishTime + random_.between(2, 12));
      loser.gettingResultTime = 0;
      loser.metrics.executorRunTime = std::max<int64_t>(1, loser.finishTime - loser.launchTime - 5);
      loser.metrics.resultSize = 0;
      loser.metrics.shuffleBytesWritten = loser.metrics.shuffleRecordsWritten = loser.metrics.shuffleWriteTime = 0;
      loser.metrics.outputBytesWritten = loser.metrics.outputRecordsWritten = 0;
      ++killedTasks_;
      slots.push({copy.finishTime + 1, copy.executor});
      tasks.push_back(copy);
    }
    slots.push({task.finishTime + 1, task.executor});
    tasks.push_back(task);

    if (loseExecutor && lostExecutor < 0 && task.index == lossAtIndex && task.attempt == 0) {
      // The container of one executor is killed; what ran there fails and runs again elsewhere.
      lostExecutor = task.executor == 1 ? 2 : 1;
      lossTime = task.launchTime;
      for (const auto& other : tasks) {
        if (other.executor == lostExecutor) lossTime = std::max(lossTime, other.launchTime + 1);
      }
      executorAlive_[lostExecutor] = false;
      ExecutorRecord& lost = executors_[lostExecutor];
      lost.removeTime = lossTime;
      lost.removeReason = "Container killed by YARN for exceeding physical memory limits. 10.1 GB of 10 GB physical "
                          "memory used. Consider boosting spark.executor.memoryOverhead.";
      for (auto& other : tasks) {
        const bool running = other.executor == lostExecutor && other.finishTime > lossTime;
        if (!running || other.outcome != TaskOutcome::kSuccess) continue;
        other.outcome = TaskOutcome::kExecutorLost;
        other.finishTime = lossTime;
        other.gettingResultTime = 0;
        retries.push_back({other.index, attemptsOfIndex[other.index]++, lossTime + random_.between(10, 80)});
        ++failedTasks_;
      }
      executorLost_ = true;
    }
  }

  // Events in the order the driver posts them: by time, ends before starts at the same moment.
  struct Event {
    int64_t time;
    int32_t kind;  // 0 TaskEnd, 1 executor removed, 2 executor added, 3 TaskStart
    int32_t ref;
  };
  std::vector<Event> events;
  events.reserve(tasks.size() * 2 + 2);
  for (size_t i = 0; i < tasks.size(); ++i) {
    events.push_back({tasks[i].launchTime, 3, static_cast<int32_t>(i)});
    events.push_back({tasks[i].finishTime, 0, static_cast<int32_t>(i)});
  }
  if (lostExecutor >= 0) events.push_back({lossTime, 1, lostExecutor});
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.kind != b.kind ? a.kind < b.kind : a.ref < b.ref;
  });
  int64_t lastFinish = stage.submissionTime;
  for (const Event& event : events) {
    const int64_t before = out_.bytesWritten();
    switch (event.kind) {
      case 0:
        writeTaskEnd(out_, stage, tasks[event.ref], executors_, stats_);
        lastFinish = std::max(lastFinish, event.time);
        break;
      case 1:
        writeExecutorRemoved(out_, executors_[event.ref]);
        writeBlockManagerRemoved(out_, executors_[event.ref]);
        break;
      case 3:
        writeTaskStart(out_, stage, tasks[event.ref], executors_);
        break;
    }
    if (event.kind == 0 || event.kind == 3) taskEventBytes_ += out_.bytesWritten() - before;
  }
  taskEvents_ += static_cast<int64_t>(tasks.size());
  stage.completionTime = lastFinish + random_.between(3, 15);
  writeStageCompleted(out_, stage);
  if (stage.writesShuffle) {
    lastWriteBytes_ = stage.internalTotals[18];  // shuffle.write.bytesWritten
    lastWriteTasks_ = stage.numTasks;
  }
  if (lostExecutor >= 0) {
    // Resource managers replace a lost container; the new executor registers a little later.
    clock_ = stage.completionTime;
    addExecutor(stage.completionTime + random_.between(1000, 4000));
    stage.completionTime = executors_.back().addTime + 50;
  }
}

}  // namespace
}  // namespace jobtuner::bench

int main(int argc, char** argv) {
  using namespace jobtuner::bench;
  Options options;
  try {
    options = parseOptions(argc, argv);
  } catch (const UsageError& error) {
    std::fprintf(stderr, "jobtuner_eventlog_generator: %s\n%s", error.what(), generatorUsage());
    return 2;
  }
  const std::string temporary = options.output + ".tmp";
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) {
    std::fprintf(stderr, "jobtuner_eventlog_generator: cannot create %s: %s\n", temporary.c_str(), std::strerror(errno));
    return 3;
  }
  try {
    JsonLineWriter out(file);
    Generator generator(options, out);
    generator.run();
    out.flush();
    if (std::fclose(file) != 0) throw std::runtime_error(std::string("cannot close the log: ") + std::strerror(errno));
    file = nullptr;
    if (std::rename(temporary.c_str(), options.output.c_str()) != 0) {
      throw std::runtime_error(std::string("cannot rename the log into place: ") + std::strerror(errno));
    }
    const TaskEndStats& stats = generator.stats();
    JsonLineWriter summary(stdout);
    summary.raw("{\"path\":").string(options.output).raw(",\"bytes\":").number(out.bytesWritten());
    summary.raw(",\"task_end_events\":").number(stats.events).raw(",\"stages\":").number(options.stages);
    summary.raw(",\"jobs\":").number(generator.jobs());
    summary.raw(",\"executors\":").number(static_cast<int64_t>(generator.executorsAdded()));
    summary.raw(",\"failed_tasks\":").number(generator.failedTasks());
    summary.raw(",\"killed_tasks\":").number(generator.killedTasks());
    char figures[128];
    std::snprintf(figures, sizeof figures, ",\"mean_task_end_line_bytes\":%.1f,\"accumulables_share\":%.3f}",
                  stats.events ? static_cast<double>(stats.lineBytes) / stats.events : 0.0,
                  stats.lineBytes ? static_cast<double>(stats.accumulableBytes) / stats.lineBytes : 0.0);
    summary.raw(figures);
    summary.endLine();
    summary.flush();
  } catch (const std::exception& error) {
    if (file) std::fclose(file);
    std::remove(temporary.c_str());
    std::fprintf(stderr, "jobtuner_eventlog_generator: %s\n", error.what());
    return 3;
  }
  return 0;
}

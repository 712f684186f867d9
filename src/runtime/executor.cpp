#include "runtime/executor.h"

#include <fmt/format.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "core/local_channel.h"
#include "runtime/clock.h"
#include "runtime/driver_log.h"
#include "runtime/driver_protocol.h"
#include "runtime/injected_faults.h"
#include "runtime/task_kills.h"
#include "runtime/job_preparation.h"
#include "runtime/memory_manager.h"
#include "runtime/resident_memory.h"
#include "runtime/task_runner.h"

namespace jobtuner::runtime {

namespace {

/// Tasks waiting for a free thread of this executor.
class TaskQueue {
 public:
  void push(TaskLaunch launch) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(launch));
    }
    ready_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  std::optional<TaskLaunch> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !tasks_.empty(); });
    if (tasks_.empty()) return std::nullopt;
    TaskLaunch launch = std::move(tasks_.front());
    tasks_.pop_front();
    return launch;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<TaskLaunch> tasks_;
  bool closed_ = false;
};

/// Tells the driver every `intervalMs` that this executor is alive, until stopped. A hung or
/// stopped process stops heartbeating, which is how the driver tells it from a busy one.
class Heartbeat {
 public:
  Heartbeat(core::LocalChannel& channel, int64_t intervalMs)
      : thread_([this, &channel, intervalMs] {
          std::unique_lock lock(mutex_);
          while (!stopped_) {
            if (stop_.wait_for(lock, std::chrono::milliseconds(intervalMs), [&] { return stopped_; })) break;
            try {
              channel.send(static_cast<uint8_t>(DriverFrame::kHeartbeat), {});
            } catch (const std::exception&) {
              break;  // the driver is gone; the main loop notices too
            }
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
    }
    stop_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopped_ = false;
  std::thread thread_;
};

void log(const ExecutorOptions& options, std::string_view level, std::string_view message) {
  std::cerr << jsonLogLine(level, message, {{"executor", options.executorId}}) << '\n';
}

}  // namespace

int runExecutor(const ExecutorOptions& options) {
  std::string secret;
  if (!std::getline(std::cin, secret) || secret.empty()) {
    log(options, "error", "no run secret on standard input");
    return 3;
  }
  core::LocalChannel channel;
  try {
    nlohmann::json hello = {{"executor", options.executorId}, {"pid", ::getpid()}, {"cores", options.cores}};
    channel = core::connectLocal(options.driverSocket, secret, hello.dump(), 30'000);
  } catch (const std::exception& error) {
    log(options, "error", fmt::format("cannot reach the driver: {}", error.what()));
    return 3;
  }
  std::optional<core::Frame> setupFrame = channel.receive();
  if (!setupFrame || setupFrame->type != static_cast<uint8_t>(DriverFrame::kSetup)) {
    log(options, "error", "the driver sent no setup");
    return 3;
  }
  ExecutorSetup setup = nlohmann::json::parse(setupFrame->payload).get<ExecutorSetup>();
  tuneAllocator(setup.profile.executorMemoryBytes);
  std::unique_ptr<PreparedJob> planned;
  try {
    planned = std::make_unique<PreparedJob>(prepareFromSetup(setup));
  } catch (const std::exception& error) {
    // The driver planned the same inputs without error, so this is a bug or a changed file.
    std::string message = dynamic_cast<const core::UserError*>(&error)
                              ? static_cast<const core::UserError&>(error).render()
                              : std::string(error.what());
    log(options, "error", "cannot plan the job: " + message);
    channel.send(static_cast<uint8_t>(DriverFrame::kSetupFailed), message);
    return 2;
  }
  MemoryManager memory(MemoryConfig{setup.profile.executorMemoryBytes, setup.profile.memoryFraction,
                                    setup.profile.storageFraction});
  ExecutorResources resources{std::filesystem::path(setup.runDir) / "shuffle",
                              std::filesystem::path(setup.runDir) / "spill", &memory};
  std::error_code spillDirError;
  std::filesystem::create_directories(resources.spillDir, spillDirError);
  if (spillDirError) {
    std::string message = fmt::format("cannot create the spill folder {}: {}; check the permissions and free space of "
                                      "the run directory", resources.spillDir.string(), spillDirError.message());
    log(options, "error", message);
    channel.send(static_cast<uint8_t>(DriverFrame::kSetupFailed), message);
    return 3;
  }
  log(options, "info", fmt::format("planned {} stages; {} task slots", planned->plan.stages.size(), options.cores));
  channel.send(static_cast<uint8_t>(DriverFrame::kReady), {});

  TaskQueue queue;
  SinkTarget sink{setup.outputTempDir, setup.sinkFormat};
  std::vector<std::thread> workers;
  for (int i = 0; i < options.cores; ++i) {
    workers.emplace_back([&] {
      while (std::optional<TaskLaunch> launch = queue.pop()) {
        TaskResult result = runTask(planned->plan, resources, sink, *launch);
        forgetTaskKill(launch->taskId);
        if (!result.succeeded && !result.killed) {
          log(options, "warn", fmt::format("task {} (stage {}, partition {}) failed: {}", launch->taskId,
                                           launch->stageId, launch->index, result.error));
        }
        try {
          channel.send(static_cast<uint8_t>(DriverFrame::kTaskResult), nlohmann::json(result).dump());
        } catch (const std::exception& error) {
          log(options, "error", fmt::format("cannot send a task result: {}", error.what()));
        }
      }
    });
  }
  int exitCode = 0;
  std::optional<Heartbeat> heartbeat;
  heartbeat.emplace(channel, std::max<int64_t>(10, setup.profile.heartbeatIntervalMs));
  try {
    while (std::optional<core::Frame> frame = channel.receive()) {
      if (frame->type == static_cast<uint8_t>(DriverFrame::kShutdown)) break;
      if (frame->type == static_cast<uint8_t>(DriverFrame::kLaunchTask)) {
        queue.push(nlohmann::json::parse(frame->payload).get<TaskLaunch>());
      } else if (frame->type == static_cast<uint8_t>(DriverFrame::kKillTask)) {
        requestTaskKill(nlohmann::json::parse(frame->payload).get<TaskKill>().taskId);
      }
    }
  } catch (const std::exception& error) {
    log(options, "error", fmt::format("the driver connection failed: {}", error.what()));
    exitCode = 3;
  }
  heartbeat.reset();
  releaseHungTasks();
  queue.close();
  for (std::thread& worker : workers) worker.join();
  std::error_code ignored;  // tasks removed their spill files; the last executor out removes the folder
  std::filesystem::remove(resources.spillDir, ignored);
  std::cerr << jsonLogLine("info", "exiting", {{"executor", options.executorId}, {"peak_rss_bytes", peakResidentBytes()}})
            << '\n';
  return exitCode;
}

}  // namespace jobtuner::runtime

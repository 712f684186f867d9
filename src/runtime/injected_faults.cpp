#include "runtime/injected_faults.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "runtime/task_kills.h"

namespace jobtuner::runtime {

namespace {

std::atomic<bool> hungTasksReleased{false};

}  // namespace

void actOutInjectedFault(const TaskLaunch& launch) {
  switch (launch.fault) {
    case InjectedFault::kNone:
      return;
    case InjectedFault::kSlow: {
      // In steps, so a speculative copy that wins can have this attempt killed meanwhile.
      auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(launch.faultDelayMs);
      while (std::chrono::steady_clock::now() < end) {
        throwIfTaskKilled(launch.taskId);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return;
    }
    case InjectedFault::kFail:
      throw std::runtime_error(fmt::format("injected failure (faults.fail_task: stage {}, partition {}, attempt {})",
                                           launch.stageId, launch.index, launch.attempt));
    case InjectedFault::kHang:
      while (!hungTasksReleased) {
        throwIfTaskKilled(launch.taskId);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      throw std::runtime_error("injected hang (faults.hang_task) ended by the executor's shutdown");
  }
}

void releaseHungTasks() { hungTasksReleased = true; }

}  // namespace jobtuner::runtime

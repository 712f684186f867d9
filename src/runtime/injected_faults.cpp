#include "runtime/injected_faults.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace jobtuner::runtime {

namespace {

std::atomic<bool> hungTasksReleased{false};

}  // namespace

void actOutInjectedFault(const TaskLaunch& launch) {
  switch (launch.fault) {
    case InjectedFault::kNone:
      return;
    case InjectedFault::kSlow:
      std::this_thread::sleep_for(std::chrono::milliseconds(launch.faultDelayMs));
      return;
    case InjectedFault::kFail:
      throw std::runtime_error(fmt::format("injected failure (faults.fail_task: stage {}, partition {}, attempt {})",
                                           launch.stageId, launch.index, launch.attempt));
    case InjectedFault::kHang:
      while (!hungTasksReleased) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      throw std::runtime_error("injected hang (faults.hang_task) ended by the executor's shutdown");
  }
}

void releaseHungTasks() { hungTasksReleased = true; }

}  // namespace jobtuner::runtime

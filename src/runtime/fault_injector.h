#pragma once

// The driver's side of fault injection (the profile's `faults:` section): marks the task attempts
// that must fail, hang or crawl in their launches, and decides when to SIGKILL or SIGSTOP which
// executor — at a targeted attempt, or at moments drawn from the seed while the victim runs tasks.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/fault_plan.h"
#include "runtime/driver_protocol.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

/// A signal for one executor's process, and what the driver logs about it.
struct ExecutorFault {
  int executorId = 0;
  int signal = 0;
  std::string description;
};

class FaultInjector {
 public:
  /// `plannedTasks`: the task attempts of a run without failures, the range random kills fall in.
  FaultInjector(core::FaultPlan plan, uint64_t seed, int64_t plannedTasks);

  bool active() const { return !plan_.empty(); }
  uint64_t seed() const { return seed_; }

  /// Marks `launch` with the task fault aimed at it, if any.
  void markLaunch(TaskLaunch& launch) const;
  /// An attempt was launched on `executorId`: schedules the executor faults aimed at it.
  void taskLaunched(const TaskLaunch& launch, int executorId, int64_t nowMs);
  /// The map outputs of `stageId` to delete (`lost`) or damage once the stage first completes.
  struct MapOutputFaults {
    std::vector<int> lost;
    std::vector<int> corrupt;
  };
  MapOutputFaults mapOutputFaults(int stageId) const;
  /// The faults due by `nowMs`. A random kill goes to an executor in `busyExecutors` (running
  /// tasks), preferring the one it was drawn for; with none busy it waits.
  std::vector<ExecutorFault> due(int64_t nowMs, const std::vector<int>& busyExecutors);

 private:
  struct Scheduled {
    int64_t dueMs = 0;
    int executorId = 0;
    int signal = 0;
    bool random = false;
    std::string description;
  };

  core::FaultPlan plan_;
  uint64_t seed_;
  std::mt19937_64 random_;
  std::vector<int64_t> randomKillLaunches_;  // launch ordinals that trigger a random kill, ascending
  int64_t launches_ = 0;
  std::vector<Scheduled> scheduled_;
};

/// Throws core::UserError when a fault aims at a stage or partition `plan` does not have (it would
/// silently never strike).
void checkFaultTargets(const core::FaultPlan& faults, const PhysicalPlan& plan);

/// A seed for fault injection when the profile gives none.
uint64_t freshFaultSeed();

}  // namespace jobtuner::runtime

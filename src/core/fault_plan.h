#pragma once

// Faults a profile may inject into a run of the bundled runtime (the `faults:` section), so tests
// and demos can make executors die, hang, and tasks fail or crawl for real — never on unless a
// profile asks. Random choices (which moments, which victims) follow `seed`, which the driver
// prints at the start of the run so a failing chaos run can be repeated.
//
//   faults:
//     seed: 7
//     kill_executors: 2          # SIGKILL this many executors at random moments while they run tasks
//     kill_executor:             # SIGKILL the executor running this attempt, `after` it started
//       - {stage: 1, partition: 0, attempt: 0, after: 50ms}
//     hang_executor:             # SIGSTOP it instead: it stops answering and heartbeating
//       - {stage: 1, partition: 0}
//     fail_task:   [{stage: 1, partition: 3}]               # the attempt throws
//     hang_task:   [{stage: 1, partition: 3}]               # the attempt never finishes
//     slow_task:   [{stage: 1, partition: 3, delay: 2s}]    # the attempt sleeps first
//     lose_map_output:    [{stage: 0, partition: 2}]   # its shuffle files vanish once the stage is done
//     corrupt_map_output: [{stage: 0, partition: 2}]   # a byte of its shuffle data flips

#include <cstdint>
#include <optional>
#include <vector>

namespace jobtuner::core {

/// One task attempt: stage id (as `jobtuner show` prints them for a run), partition, attempt number.
struct TaskSelector {
  int64_t stage = 0;
  int64_t partition = 0;
  int64_t attempt = 0;

  bool operator==(const TaskSelector&) const = default;
  bool matches(int64_t stageId, int64_t index, int64_t attemptNumber) const {
    return stage == stageId && partition == index && attempt == attemptNumber;
  }
};

/// A fault aimed at one task attempt, acting `afterMs` after it started (kill and hang of an
/// executor) or delaying it by `delayMs` (slow_task).
struct TaskFault {
  TaskSelector task;
  int64_t afterMs = 0;
  int64_t delayMs = 0;

  bool operator==(const TaskFault&) const = default;
};

struct FaultPlan {
  std::optional<int64_t> seed;  // unset: the driver picks one and prints it
  int64_t randomExecutorKills = 0;
  std::vector<TaskFault> killExecutor;
  std::vector<TaskFault> hangExecutor;
  std::vector<TaskFault> failTask;
  std::vector<TaskFault> hangTask;
  std::vector<TaskFault> slowTask;
  std::vector<TaskFault> loseMapOutput;
  std::vector<TaskFault> corruptMapOutput;

  bool empty() const {
    return randomExecutorKills == 0 && killExecutor.empty() && hangExecutor.empty() && failTask.empty() &&
           hangTask.empty() && slowTask.empty() && loseMapOutput.empty() && corruptMapOutput.empty();
  }
  bool operator==(const FaultPlan&) const = default;
};

}  // namespace jobtuner::core

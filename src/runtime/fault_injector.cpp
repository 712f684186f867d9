#include "runtime/fault_injector.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <set>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

const core::TaskFault* findFault(const std::vector<core::TaskFault>& faults, const TaskLaunch& launch) {
  for (const core::TaskFault& fault : faults) {
    if (fault.task.matches(launch.stageId, launch.index, launch.attempt)) return &fault;
  }
  return nullptr;
}

}  // namespace

FaultInjector::FaultInjector(core::FaultPlan plan, uint64_t seed, int64_t plannedTasks)
    : plan_(std::move(plan)), seed_(seed), random_(seed) {
  // Distinct launch ordinals, so two random kills never strike at once.
  int64_t candidates = std::max<int64_t>(1, plannedTasks - 1);
  std::set<int64_t> picked;
  int64_t wanted = std::min(plan_.randomExecutorKills, candidates);
  while (static_cast<int64_t>(picked.size()) < wanted) {
    picked.insert(static_cast<int64_t>(random_() % static_cast<uint64_t>(candidates)));
  }
  randomKillLaunches_.assign(picked.begin(), picked.end());
}

void FaultInjector::markLaunch(TaskLaunch& launch) const {
  if (findFault(plan_.failTask, launch)) {
    launch.fault = InjectedFault::kFail;
  } else if (findFault(plan_.hangTask, launch)) {
    launch.fault = InjectedFault::kHang;
  } else if (const core::TaskFault* slow = findFault(plan_.slowTask, launch)) {
    launch.fault = InjectedFault::kSlow;
    launch.faultDelayMs = slow->delayMs;
  }
}

void FaultInjector::taskLaunched(const TaskLaunch& launch, int executorId, int64_t nowMs) {
  std::string attempt = fmt::format("stage {}, partition {}, attempt {}", launch.stageId, launch.index, launch.attempt);
  if (const core::TaskFault* kill = findFault(plan_.killExecutor, launch)) {
    scheduled_.push_back({nowMs + kill->afterMs, executorId, SIGKILL, false,
                          fmt::format("faults.kill_executor: SIGKILL executor {} running {}", executorId, attempt)});
  }
  if (const core::TaskFault* hang = findFault(plan_.hangExecutor, launch)) {
    scheduled_.push_back({nowMs + hang->afterMs, executorId, SIGSTOP, false,
                          fmt::format("faults.hang_executor: SIGSTOP executor {} running {}", executorId, attempt)});
  }
  int64_t ordinal = launches_++;
  if (std::binary_search(randomKillLaunches_.begin(), randomKillLaunches_.end(), ordinal)) {
    // At the launch itself: short tasks may be done by the driver's next look.
    scheduled_.push_back({nowMs, executorId, SIGKILL, true,
                          fmt::format("faults.kill_executors (seed {}): SIGKILL executor", seed_)});
  }
}

FaultInjector::MapOutputFaults FaultInjector::mapOutputFaults(int stageId) const {
  MapOutputFaults faults;
  for (const core::TaskFault& fault : plan_.loseMapOutput) {
    if (fault.task.stage == stageId) faults.lost.push_back(static_cast<int>(fault.task.partition));
  }
  for (const core::TaskFault& fault : plan_.corruptMapOutput) {
    if (fault.task.stage == stageId) faults.corrupt.push_back(static_cast<int>(fault.task.partition));
  }
  return faults;
}

std::vector<ExecutorFault> FaultInjector::due(int64_t nowMs, const std::vector<int>& busyExecutors) {
  std::vector<ExecutorFault> faults;
  std::vector<int> candidates = busyExecutors;  // a random kill's possible victims, each struck once
  for (auto it = scheduled_.begin(); it != scheduled_.end();) {
    if (it->dueMs > nowMs) {
      ++it;
      continue;
    }
    int victim = it->executorId;
    if (it->random) {
      if (candidates.empty()) {
        ++it;  // strikes once an executor runs tasks again
        continue;
      }
      auto drawn = std::find(candidates.begin(), candidates.end(), victim);
      if (drawn == candidates.end()) drawn = candidates.begin() + static_cast<std::ptrdiff_t>(random_() % candidates.size());
      victim = *drawn;
      candidates.erase(drawn);
      it->description += fmt::format(" {} while it runs tasks", victim);
    }
    faults.push_back({victim, it->signal, it->description});
    it = scheduled_.erase(it);
  }
  return faults;
}

void checkFaultTargets(const core::FaultPlan& faults, const PhysicalPlan& plan) {
  auto check = [&](const char* kind, const std::vector<core::TaskFault>& list) {
    for (const core::TaskFault& fault : list) {
      const core::TaskSelector& task = fault.task;
      if (task.stage < 0 || task.stage >= static_cast<int64_t>(plan.stages.size())) {
        throw core::UserError(fmt::format("faults.{} names stage {}, but the job has stages 0 to {}", kind, task.stage,
                                          plan.stages.size() - 1),
                              "stage ids are those `jobtuner show APP` prints for a run of this job and profile");
      }
      const PlanStage& stage = plan.stages[static_cast<size_t>(task.stage)];
      if (task.partition >= stage.numTasks) {
        throw core::UserError(fmt::format("faults.{} names partition {} of stage {} ({}), which has {} task{}", kind,
                                          task.partition, task.stage, stage.name, stage.numTasks,
                                          stage.numTasks == 1 ? "" : "s"),
                              fmt::format("choose a partition from 0 to {}", stage.numTasks - 1));
      }
    }
  };
  check("kill_executor", faults.killExecutor);
  check("hang_executor", faults.hangExecutor);
  check("fail_task", faults.failTask);
  check("hang_task", faults.hangTask);
  check("slow_task", faults.slowTask);
  check("lose_map_output", faults.loseMapOutput);
  check("corrupt_map_output", faults.corruptMapOutput);
  for (const auto* list : {&faults.loseMapOutput, &faults.corruptMapOutput}) {
    for (const core::TaskFault& fault : *list) {
      const PlanStage& stage = plan.stages[static_cast<size_t>(fault.task.stage)];
      if (stage.output.shuffle < 0) {
        throw core::UserError(fmt::format("faults.{} names stage {} ({}), which writes the job's output, not a "
                                          "shuffle",
                                          list == &faults.loseMapOutput ? "lose_map_output" : "corrupt_map_output",
                                          fault.task.stage, stage.name),
                              "choose a stage whose tasks write shuffle files (not the last one)");
      }
    }
  }
}

uint64_t freshFaultSeed() { return std::random_device()() % 1'000'000; }

}  // namespace jobtuner::runtime

#include "advisor/what_if_simulation.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <queue>
#include <set>

namespace jobtuner::advisor {

SimulationResult simulateStages(const std::vector<SimulatedStage>& stages, int64_t slots) {
  SimulationResult result;
  slots = std::max<int64_t>(1, slots);
  std::set<int32_t> known;
  for (const SimulatedStage& stage : stages) known.insert(stage.id);

  std::map<int32_t, size_t> unfinishedParents;
  std::map<int32_t, std::vector<size_t>> children;  // parent id -> stage positions
  std::map<size_t, size_t> tasksLeft;
  std::set<int32_t> done;
  for (size_t i = 0; i < stages.size(); ++i) {
    size_t waiting = 0;
    for (int32_t parent : stages[i].parents) {
      if (known.count(parent) == 0 || parent == stages[i].id) continue;
      ++waiting;
      children[parent].push_back(i);
    }
    unfinishedParents[stages[i].id] = waiting;
    tasksLeft[i] = stages[i].taskMs.size();
  }

  struct Runnable {
    size_t stage;
    double ms;
  };
  std::deque<Runnable> queue;
  // (end time, stage position) of running tasks, soonest first.
  std::priority_queue<std::pair<double, size_t>, std::vector<std::pair<double, size_t>>, std::greater<>> running;
  double now = 0;

  std::function<void(size_t)> finishStage;
  std::set<size_t> released;
  auto release = [&](size_t position) {
    if (!released.insert(position).second) return;
    const SimulatedStage& stage = stages[position];
    if (stage.taskMs.empty()) {
      finishStage(position);
      return;
    }
    for (double ms : stage.taskMs) queue.push_back({position, std::max(0.0, ms)});
  };
  finishStage = [&](size_t position) {
    const SimulatedStage& stage = stages[position];
    if (!done.insert(stage.id).second) return;
    result.stageEndMs[stage.id] = now;
    for (size_t child : children[stage.id]) {
      if (--unfinishedParents[stages[child].id] == 0) release(child);
    }
  };
  for (size_t i = 0; i < stages.size(); ++i) {
    if (unfinishedParents[stages[i].id] == 0) release(i);
  }
  while (!queue.empty() || !running.empty()) {
    while (!queue.empty() && static_cast<int64_t>(running.size()) < slots) {
      Runnable task = queue.front();
      queue.pop_front();
      result.busySlotMs += task.ms;
      running.push({now + task.ms, task.stage});
    }
    if (running.empty()) break;
    auto [end, position] = running.top();
    running.pop();
    now = end;
    if (--tasksLeft[position] == 0) finishStage(position);
  }
  result.wallMs = now;
  result.reservedSlotMs = now * static_cast<double>(slots);
  return result;
}

std::vector<WhatIfPoint> sweepExecutors(const std::vector<SimulatedStage>& stages, int64_t coresPerExecutor,
                                        int64_t currentExecutors, int64_t maxExecutors, int64_t maxSlots, double fixedMs,
                                        double executorMemoryGb, double coreHourPrice, double memoryGbHourPrice) {
  std::vector<WhatIfPoint> points;
  coresPerExecutor = std::max<int64_t>(1, coresPerExecutor);
  for (int64_t executors = 1; executors <= std::max<int64_t>(1, maxExecutors); ++executors) {
    WhatIfPoint point;
    point.executors = executors;
    point.slots = std::min(executors * coresPerExecutor, std::max<int64_t>(1, maxSlots));
    SimulationResult simulated = simulateStages(stages, point.slots);
    point.wallMs = simulated.wallMs + std::max(0.0, fixedMs);
    double hours = point.wallMs / 3'600'000.0;
    point.coreHours = hours * static_cast<double>(executors * coresPerExecutor);
    point.wastedCoreHours = std::max(0.0, point.coreHours - simulated.busySlotMs / 3'600'000.0);
    point.cost = point.coreHours * coreHourPrice + hours * static_cast<double>(executors) * executorMemoryGb * memoryGbHourPrice;
    points.push_back(point);
    // Past the point where every task of the widest stage has a slot, more executors change nothing.
    size_t widest = 0;
    for (const SimulatedStage& stage : stages) widest = std::max(widest, stage.taskMs.size());
    bool saturated = point.slots >= static_cast<int64_t>(widest) || point.slots >= maxSlots;
    if (saturated && executors >= currentExecutors) break;
  }
  return points;
}

const WhatIfPoint* smallestNearBest(const std::vector<WhatIfPoint>& points, double tolerance) {
  if (points.empty()) return nullptr;
  double best = points.front().wallMs;
  for (const WhatIfPoint& point : points) best = std::min(best, point.wallMs);
  for (const WhatIfPoint& point : points) {
    if (point.wallMs <= best * (1.0 + tolerance)) return &point;
  }
  return &points.back();
}

}  // namespace jobtuner::advisor

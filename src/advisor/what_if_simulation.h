#pragma once

// A what-if replay of an app's stage DAG: its stages' task times scheduled on a given number of
// task slots, as the driver schedules them (a stage's tasks become runnable when all its parent
// stages are done; free slots take runnable tasks first come, first served). In the spirit of
// Sparklens' completion estimator. The advisor uses it to size executors and to predict the next
// run; executor sizing for a cluster (dynamic allocation) reuses it.

#include <cstdint>
#include <map>
#include <vector>

namespace jobtuner::advisor {

struct SimulatedStage {
  int32_t id = 0;
  std::vector<int32_t> parents;  // parents that are not in the list are taken as done
  std::vector<double> taskMs;    // one entry per task, in launch order
};

struct SimulationResult {
  double wallMs = 0;        // from the first launch to the last task's end
  double busySlotMs = 0;    // the sum of task times
  double reservedSlotMs = 0;  // slots x wall: what the executors are paid for
  std::map<int32_t, double> stageEndMs;

  /// The share of reserved slot time no task used.
  double idleFraction() const { return reservedSlotMs > 0 ? 1.0 - busySlotMs / reservedSlotMs : 0; }
};

/// Replays `stages` on `slots` task slots. Stages whose parents never finish (a cycle, which a
/// DAG cannot have) are left out rather than waited for.
SimulationResult simulateStages(const std::vector<SimulatedStage>& stages, int64_t slots);

/// One point of an executor-count sweep.
struct WhatIfPoint {
  int64_t executors = 0;
  int64_t slots = 0;
  double wallMs = 0;
  double coreHours = 0;        // executors' cores for the whole wall time
  double wastedCoreHours = 0;  // of which no task ran
  double cost = 0;
};

/// The app's stages on 1..maxExecutors executors of `coresPerExecutor` cores, stopping once more
/// executors cannot help and the current count is covered (at most
/// `maxSlots` slots run at once, for a machine with fewer cores), with `fixedMs` of time outside
/// the stages (driver work, start-up) added to each wall time. Prices per core-hour and per
/// GB-hour of executor memory give each point's cost.
std::vector<WhatIfPoint> sweepExecutors(const std::vector<SimulatedStage>& stages, int64_t coresPerExecutor,
                                        int64_t currentExecutors, int64_t maxExecutors, int64_t maxSlots, double fixedMs,
                                        double executorMemoryGb, double coreHourPrice, double memoryGbHourPrice);

/// The smallest executor count whose wall time is within `tolerance` (0.05: 5%) of the best.
const WhatIfPoint* smallestNearBest(const std::vector<WhatIfPoint>& points, double tolerance);

}  // namespace jobtuner::advisor

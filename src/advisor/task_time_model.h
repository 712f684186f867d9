#pragma once

// How a stage's task time depends on the data a task reads and the data it spills, fitted by least
// squares on the stage's own tasks: t = overhead + a x bytes + b x spilled bytes. With it the
// advisor predicts the stage under other partition counts, salting and memory: the same work cut
// differently. Coefficients are never negative: a term the tasks do not support is dropped. When
// every task spilled, spill and bytes move together and the fit cannot price spill: a prior
// measured on the runtime's spill path (task_time_model.cpp) prices it instead.

#include <cstdint>
#include <vector>

#include "advisor/app_measurements.h"

namespace jobtuner::advisor {

struct TaskTimeModel {
  double overheadMs = 0;
  double msPerByte = 0;
  double msPerSpilledByte = 0;
  // Memory a task wanted per byte it read: its peak execution memory plus what it spilled.
  double memoryPerByte = 0;

  double predictMs(double bytes, double spilledBytes) const {
    return overheadMs + msPerByte * bytes + msPerSpilledByte * spilledBytes;
  }
};

TaskTimeModel fitTaskTimes(const StageMeasurement& stage);

/// How the next run cuts a stage's data.
struct StageCut {
  int64_t partitions = 0;       // tasks of the stage (0: as measured)
  int64_t saltBuckets = 1;      // the hot keys' share is spread over this many tasks
  int64_t hotBytes = 0;         // the bytes of the stage's hot keys (0: none known)
  int64_t taskMemoryBytes = 0;  // the memory a task may use before it spills
};

/// The stage's task times under `cut`: the non-hot bytes spread evenly over the partitions, each
/// salting bucket of the hot bytes added to one task, spill where a task wants more memory than
/// it may use.
std::vector<double> predictTaskTimes(const StageMeasurement& stage, const TaskTimeModel& model, const StageCut& cut);

}  // namespace jobtuner::advisor

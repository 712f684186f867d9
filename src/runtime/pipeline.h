#pragma once

// A task's operators, chained: each takes batches pushed by the one before and pushes its own to
// the next. Streaming operators (filter, project, limit, salt, join probe) pass batches through at
// once; blocking ones (aggregate, distinct, sort) hold their input until finish(). The last link is
// the stage's output (a shuffle writer or the sink's part file).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

#include "core/column_batch.h"
#include "runtime/driver_protocol.h"
#include "runtime/physical_plan.h"
#include "runtime/task_memory.h"

namespace jobtuner::runtime {

class Operator {
 public:
  virtual ~Operator() = default;
  virtual void push(core::ColumnBatch batch) = 0;
  /// No more input: flush what is held, then finish the next operator.
  virtual void finish() = 0;
};

/// What a task's operators share: where shuffle files are, which partition this is, the task's
/// memory (operators that hold rows reserve it there, and spill when refused), and the
/// measurements they add to.
struct TaskContext {
  const PhysicalPlan* plan = nullptr;
  const PlanStage* stage = nullptr;
  std::filesystem::path shuffleDir;
  int taskIndex = 0;
  int attempt = 0;
  uint64_t seed = 0;  // salting's random numbers: fixed per stage and task index, whatever the attempt
  TaskMemory* memory = nullptr;
  TaskMeasurements* metrics = nullptr;
};

/// Builds the operator for `op` that pushes into `next` (not owned).
std::unique_ptr<Operator> makeOperator(const PlanOp& op, const TaskContext& context, Operator* next);

/// Reads one partition of a shuffle from every map output of its stage into `consume`, adding to
/// the task's shuffle-read measurements. A broadcast's build side is partition 0 of a
/// one-partition shuffle.
void readShuffleInput(const TaskContext& context, int shuffleId, int partition,
                      const std::function<void(core::ColumnBatch)>& consume);

}  // namespace jobtuner::runtime

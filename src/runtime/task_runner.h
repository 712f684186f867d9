#pragma once

// Runs one task attempt inside an executor: reads the stage's input for the task's partition,
// pushes it through the stage's operators into the stage's output (a shuffle map output, or a part
// file of the sink), and measures what Spark measures for a task.

#include "runtime/driver_protocol.h"
#include "runtime/memory_manager.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

struct SinkTarget {
  std::string tempDir;  // part files go here; the driver renames the directory into place
  std::string format;   // "csv" or "jsonl"
};

/// What the tasks of one executor share.
struct ExecutorResources {
  std::filesystem::path shuffleDir;
  std::filesystem::path spillDir;  // must exist; each attempt's spill files are gone when it ends
  MemoryManager* memory = nullptr;
};

/// Runs the attempt and returns its result; failures are results too (a UserError's message marks
/// `userError`, any other exception is an ordinary failed attempt the driver may retry).
TaskResult runTask(const PhysicalPlan& plan, const ExecutorResources& resources, const SinkTarget& sink,
                   const TaskLaunch& launch);

/// The part file a sink task writes: part-00007.csv.
std::string partFileName(int index, const std::string& format);

}  // namespace jobtuner::runtime

#pragma once

// The executor's side of fault injection (the profile's `faults:` section): the driver marks a
// task attempt as failing, hanging or slow in its launch, and the attempt acts it out here, at its
// start, inside the task's measured time — so the event log shows a slow attempt as slow.

#include "runtime/driver_protocol.h"

namespace jobtuner::runtime {

/// kSlow sleeps for the launch's delay; kFail throws; kHang blocks until releaseHungTasks(). A
/// sleeping or hung attempt the driver kills ends at once (TaskKilledError).
void actOutInjectedFault(const TaskLaunch& launch);

/// Lets hung attempts end (with a failure), so an executor told to exit can join its threads.
void releaseHungTasks();

}  // namespace jobtuner::runtime

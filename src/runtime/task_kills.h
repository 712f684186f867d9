#pragma once

// Kill requests for the task attempts an executor runs: the driver kills the loser of a
// speculative race, and the attempts still running when a job ends. An attempt notices between
// batches (and in injected sleeps and hangs) and ends as killed, as Spark's tasks check their
// interrupt flag.

#include <cstdint>
#include <stdexcept>

namespace jobtuner::runtime {

/// Thrown inside a task attempt the driver asked to kill.
class TaskKilledError : public std::runtime_error {
 public:
  TaskKilledError() : std::runtime_error("the driver killed this attempt") {}
};

void requestTaskKill(int64_t taskId);
bool taskKillRequested(int64_t taskId);
/// Throws TaskKilledError when the attempt was asked to die.
void throwIfTaskKilled(int64_t taskId);
/// The attempt ended: its request, if any, is dropped.
void forgetTaskKill(int64_t taskId);

}  // namespace jobtuner::runtime

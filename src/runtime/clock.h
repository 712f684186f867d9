#pragma once

#include <cstdint>

namespace jobtuner::runtime {

/// Milliseconds since the epoch: the clock of every event and log line of a run.
int64_t nowMs();

}  // namespace jobtuner::runtime

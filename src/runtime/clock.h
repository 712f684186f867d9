#pragma once

#include <cstdint>

namespace jobtuner::runtime {

/// Milliseconds since the epoch: the clock of every event and log line of a run.
int64_t nowMs();

/// Nanoseconds on a monotonic clock: what durations are measured with.
int64_t steadyNs();

}  // namespace jobtuner::runtime

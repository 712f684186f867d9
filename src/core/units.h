#pragma once

// Rendering of the model's units for people: sizes, durations and instants.

#include <cstdint>
#include <string>

namespace jobtuner::core {

/// "0 B", "512 B", "1.5 KB", "1.2 GB" (powers of 1024, as Spark and the cluster managers print).
std::string formatBytes(int64_t bytes);

/// "850 ms", "1.2 s", "3.4 min", "1.5 h".
std::string formatDurationMs(int64_t milliseconds);

/// ISO 8601 in UTC with milliseconds ("2015-02-03T16:42:59.720Z"); "-" for 0 (unknown).
std::string formatTimestampMs(int64_t epochMilliseconds);

}  // namespace jobtuner::core

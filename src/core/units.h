#pragma once

// Rendering of the model's units for people: sizes, durations and instants.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jobtuner::core {

/// "0 B", "512 B", "1.5 KB", "1.2 GB" (powers of 1024, as Spark and the cluster managers print).
std::string formatBytes(int64_t bytes);

/// "850 ms", "1.2 s", "3.4 min", "1.5 h".
std::string formatDurationMs(int64_t milliseconds);

/// ISO 8601 in UTC with milliseconds ("2015-02-03T16:42:59.720Z"); "-" for 0 (unknown).
std::string formatTimestampMs(int64_t epochMilliseconds);

/// Reads a size as Spark and the JVM write it: a number with an optional unit b, k, m, g, t, p
/// (powers of 1024; "kb"/"kib" and any case accepted, e.g. 512m, 2g, 1.5GB, 64 KiB); no unit means
/// bytes. A leading '-' is kept (Spark's -1 means "disabled"). Returns nothing for any other text
/// or a size beyond 64 bits; a fractional size is rounded to whole bytes.
std::optional<int64_t> parseBytes(std::string_view text);

/// Reads a duration as Spark writes it: a number with a unit us, ms, s, m or min, h, d (250ms,
/// 30s, 1.5h); no unit means milliseconds. Returns nothing for any other text or a negative one.
std::optional<int64_t> parseDurationMs(std::string_view text);

/// A size in Spark's own notation, exact and as short as possible: "1g", "384m", "64k", "1000b"
/// (Spark reads a bare number as MiB for some keys, so the unit is always written).
std::string formatSparkBytes(int64_t bytes);

}  // namespace jobtuner::core

#include "core/units.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <ctime>

namespace jobtuner::core {

std::string formatBytes(int64_t bytes) {
  static constexpr std::array<const char*, 6> kUnits{"B", "KB", "MB", "GB", "TB", "PB"};
  if (bytes < 0) return "-" + formatBytes(-bytes);
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < kUnits.size()) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string formatDurationMs(int64_t milliseconds) {
  if (milliseconds < 0) return "-" + formatDurationMs(-milliseconds);
  if (milliseconds < 1000) return fmt::format("{} ms", milliseconds);
  double seconds = static_cast<double>(milliseconds) / 1000.0;
  if (seconds < 60) return fmt::format("{:.1f} s", seconds);
  if (seconds < 3600) return fmt::format("{:.1f} min", seconds / 60.0);
  return fmt::format("{:.1f} h", seconds / 3600.0);
}

std::string formatTimestampMs(int64_t epochMilliseconds) {
  if (epochMilliseconds <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(epochMilliseconds / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, epochMilliseconds % 1000);
}

}  // namespace jobtuner::core

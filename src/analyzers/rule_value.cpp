#include "analyzers/rule_value.h"

#include <fmt/format.h>

#include "core/units.h"

namespace jobtuner::analyzers {

std::string describe(ValueType type) {
  switch (type.kind) {
    case ValueKind::kBool: return "a boolean";
    case ValueKind::kString: return "a string";
    case ValueKind::kNumber: break;
  }
  switch (type.unit) {
    case Unit::kMs: return "a duration (ms)";
    case Unit::kBytes: return "a size (bytes)";
    case Unit::kNone: break;
  }
  return "a plain number";
}

const char* unitName(Unit unit) {
  switch (unit) {
    case Unit::kMs: return "ms";
    case Unit::kBytes: return "bytes";
    case Unit::kNone: break;
  }
  return "";
}

std::string formatValue(double value, Unit unit) {
  if (std::isnan(value)) return "n/a";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  constexpr double kInt64Edge = 9.2e18;  // beyond it the cast below would overflow
  switch (unit) {
    case Unit::kMs:
      if (std::fabs(value) < kInt64Edge) return core::formatDurationMs(static_cast<int64_t>(std::llround(value)));
      break;
    case Unit::kBytes:
      if (std::fabs(value) < kInt64Edge) return core::formatBytes(static_cast<int64_t>(std::llround(value)));
      break;
    case Unit::kNone: break;
  }
  if (value == std::floor(value) && std::fabs(value) < 1e15) return fmt::format("{}", static_cast<int64_t>(value));
  if (std::fabs(value) >= 100) return fmt::format("{:.0f}", value);
  if (std::fabs(value) >= 10) return fmt::format("{:.1f}", value);
  return fmt::format("{:.2f}", value);
}

}  // namespace jobtuner::analyzers

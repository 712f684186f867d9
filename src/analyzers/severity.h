#pragma once

// How bad a finding is. Rules list their levels from the most severe down; `--fail-on` and
// `findings --severity` compare against these.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobtuner::analyzers {

enum class Severity { kLow = 1, kModerate = 2, kSevere = 3, kCritical = 4 };

/// "low", "moderate", "severe", "critical".
const char* toString(Severity severity);
/// Reads one of the four names (ASCII case ignored).
std::optional<Severity> parseSeverity(std::string_view text);
/// The four names, most severe first (the order rule files list them in).
const std::vector<std::string>& severityNames();

}  // namespace jobtuner::analyzers

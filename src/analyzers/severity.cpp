#include "analyzers/severity.h"

#include <algorithm>
#include <cctype>

namespace jobtuner::analyzers {

const char* toString(Severity severity) {
  switch (severity) {
    case Severity::kLow: return "low";
    case Severity::kModerate: return "moderate";
    case Severity::kSevere: return "severe";
    case Severity::kCritical: return "critical";
  }
  return "low";
}

std::optional<Severity> parseSeverity(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (Severity severity : {Severity::kLow, Severity::kModerate, Severity::kSevere, Severity::kCritical}) {
    if (lower == toString(severity)) return severity;
  }
  return std::nullopt;
}

const std::vector<std::string>& severityNames() {
  static const std::vector<std::string> kNames = {"critical", "severe", "moderate", "low"};
  return kNames;
}

}  // namespace jobtuner::analyzers

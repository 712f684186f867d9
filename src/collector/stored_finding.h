#pragma once

// A finding as the store keeps it: plain values, so the store needs nothing of the analyzers
// (which turn their findings into these and back).

#include <cstdint>
#include <optional>
#include <string>

namespace jobtuner::collector {

struct StoredFinding {
  // The app it is about (filled in by queries).
  std::string appId;
  std::string attemptId;
  std::string appName;
  std::string jobKey;
  int64_t appStartTimeMs = 0;

  std::string ruleId;
  std::string title;
  std::string severity;   // low, moderate, severe, critical
  int severityRank = 1;   // 1..4
  std::string scopeKind;  // app, job, stage, executor
  std::optional<int64_t> jobId;
  std::optional<int64_t> stageId;
  std::optional<int64_t> stageAttempt;
  std::string stageName;
  std::string executorId;
  std::string message;
  std::string evidenceJson = "{}";
  std::string adviceJson = "[]";
  int64_t analyzedAtMs = 0;
};

/// Which stored findings to list; empty fields do not filter.
struct FindingQuery {
  std::string appId;
  std::string jobKey;
  int minSeverityRank = 1;
  /// Only apps that started or ended at or after this instant (epoch ms); 0 for all.
  int64_t sinceMs = 0;
};

}  // namespace jobtuner::collector

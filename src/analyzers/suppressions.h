#pragma once

// Known findings users silence until a date: a YAML list of
//   - rule: task-duration-skew      # the rule id (required)
//     job: nightly-sales*           # glob on the app's job key (optional)
//     app: application_17*          # glob on the app id (optional)
//     stage: "aggregate*"           # glob on the stage name (optional)
//     executor: "3"                 # glob on the executor id (optional)
//     expires: 2027-01-31           # the last day it applies (required)
//     reason: the hot customer is split upstream from February (required)
// An expired suppression silences nothing and is reported, so it cannot outlive its reason.

#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/finding.h"
#include "core/errors.h"

namespace jobtuner::analyzers {

struct Suppression {
  std::string ruleId;
  std::string jobKey;    // globs; empty matches anything
  std::string appId;
  std::string stageName;
  std::string executorId;
  std::string expires;   // YYYY-MM-DD as written
  int64_t expiresEndMs = 0;  // the end of that day, UTC
  std::string reason;
  core::SourceLocation location;
};

struct Suppressions {
  std::vector<Suppression> entries;

  /// Reads a suppressions file. Throws core::UserError at the first problem (file:line:col).
  static Suppressions load(const std::string& path);
  static Suppressions parse(const std::string& text, const std::string& fileName);

  /// The suppression that silences this finding at `nowMs`, or null.
  const Suppression* match(const Finding& finding, const std::string& appId, const std::string& jobKey,
                           int64_t nowMs) const;
  /// The entries expired at `nowMs`.
  std::vector<const Suppression*> expired(int64_t nowMs) const;
};

}  // namespace jobtuner::analyzers

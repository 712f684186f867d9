#pragma once

// What the advisor proposes for an app's next run: each change with the setting, its old and new
// value, the finding and evidence behind it and the effect expected; notes for what no setting
// can fix; the predicted wall time and cost; and the what-if sweep over executor counts.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "advisor/what_if_simulation.h"
#include "core/profile.h"

namespace jobtuner::advisor {

struct Change {
  std::string setting;  // a profile key ("shuffle_partitions", "steps.NAME.salting"), or a Spark key for Spark apps
  std::string sparkKey;  // the Spark property it stands for; empty when Spark has none
  std::string scope;     // "app", "step revenue-by-customer", "stage 3.0 (...)"
  std::string from;      // as the target's notation writes it (profile or Spark)
  std::string to;
  std::string reason;
  std::string rule;      // the finding's rule id, or "history", "what-if"
  nlohmann::ordered_json evidence = nlohmann::ordered_json::object();
  std::string expectedEffect;
};

struct Prediction {
  double wallS = 0;
  double cost = 0;
  double currentWallS = 0;
  double currentCost = 0;
  std::string basis;  // "simulation", "simulation and 6 earlier runs", ...
};

struct Advice {
  std::string appId;
  std::string attemptId;
  std::string appName;
  std::string jobKey;
  bool runtime = false;
  bool succeeded = false;
  std::string currency = "$";
  std::vector<Change> changes;
  std::vector<std::string> notes;
  // Changes the findings asked for that the configured limits did not allow.
  std::vector<std::string> blocked;
  Prediction prediction;
  std::vector<WhatIfPoint> whatIf;
  int64_t chosenExecutors = 0;
  bool converged = false;   // nothing is predicted to gain more than the configured minimum
  std::string convergedWhy;
  // The settings for the next run: the app's profile with the changes applied, and for Spark apps
  // the Spark-only properties the changes set (AQE, serializer, ...).
  core::Profile profile;
  std::map<std::string, std::string> sparkOnly;
};

/// {"target", "app", "job", "changes": [{"setting", "scope", "from", "to", "reason", "evidence",
/// "expected_effect", ...}], "notes", "prediction": {"wall_time_s", "cost", ...}, "what_if": [...],
/// "converged"}
nlohmann::ordered_json adviceJson(const Advice& advice, const std::string& target);

/// An amount in the configured currency: "$0.00013" below a cent, "$5.02" above.
std::string formatMoney(const std::string& currency, double value);

/// The advice as text for a terminal.
std::string adviceText(const Advice& advice);

/// The next run's profile: complete, each changed line commented with its reason.
std::string adviceProfileYaml(const Advice& advice);

/// `--conf key=value` lines, then the same as a spark-defaults.conf fragment.
std::string adviceSparkConf(const Advice& advice);

}  // namespace jobtuner::advisor

#pragma once

// From an app's findings, measurements, settings and the earlier runs of its job to the settings
// of the next run (advice.h). Each piece of advice is a function of its own (partitions, salting,
// memory, executors, speculation, Spark-only settings) working on one AdvicePlan; this file puts
// them in order, predicts the result, reverts what history shows made the job slower and stops
// proposing once nothing is predicted to gain enough.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "advisor/advice.h"
#include "advisor/advisor_config.h"
#include "advisor/app_measurements.h"
#include "advisor/run_history.h"
#include "analyzers/finding.h"
#include "core/job_spec.h"

namespace jobtuner::advisor {

struct AdvisorInput {
  AppMeasurements measured;
  std::vector<analyzers::Finding> findings;
  std::vector<RunRecord> history;  // runs of the same job, oldest first (this app among them or not)
  AdvisorConfig config;
  // Cores of the machine the bundled runtime runs on: slots beyond it do not run at once. 0 for
  // Spark apps (a cluster).
  int64_t machineCores = 0;
  // The job, when its file is at hand: which steps shuffle, and how.
  std::optional<core::JobSpec> job;
};

Advice advise(const AdvisorInput& input);

}  // namespace jobtuner::advisor

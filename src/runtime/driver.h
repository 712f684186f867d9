#pragma once

// The driver of one run: reads and checks the job and profile, resolves the inputs, plans the
// stages, starts the collector sidecar and the executor processes, schedules every task, writes
// the event log (to the run directory and live to the sidecar), and commits the output with a
// _SUCCESS marker only when the job succeeded. It never carries the data itself.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/run_observer.h"

namespace jobtuner::runtime {

struct RunRequest {
  std::filesystem::path jobFile;
  std::optional<std::filesystem::path> profileFile;
  std::vector<std::string> settings;            // --set key=value, in order
  std::optional<std::filesystem::path> output;  // --output; else the job's sink path, else the run directory
  bool overwrite = false;
  std::filesystem::path home;                   // $JOBTUNER_HOME: runs/ live there
  std::filesystem::path store;                  // the store the sidecar writes; empty: no sidecar
  std::vector<RunObserver*> observers;          // e.g. the console progress
};

struct RunSummary {
  bool succeeded = false;
  bool userError = false;     // the job failed on bad input (exit code 2)
  std::string failure;
  std::string appId;
  std::filesystem::path runDir;
  std::filesystem::path eventLog;
  std::filesystem::path output;
  int64_t wallMs = 0;
  int stages = 0;
  int64_t tasks = 0;
  int64_t shuffleBytes = 0;
  int64_t outputRecords = 0;
  int64_t badRecords = 0;     // skipped with on_bad_record: skip
  std::optional<int64_t> faultSeed;  // set when the profile injected faults
  bool collected = false;     // the sidecar stored the whole run in the store
  std::string collectorProblem;  // why not, when a sidecar was asked for
};

/// Runs the job. Problems with the job, the profile or the inputs found before anything starts
/// are thrown as core::UserError (nothing is written); failures while running are reported in the
/// summary.
RunSummary runJob(const RunRequest& request);

}  // namespace jobtuner::runtime

#pragma once

// The advisor's limits and prices: the `advisor` section of jobtuner's configuration file
// (`--config FILE`, default $JOBTUNER_HOME/jobtuner.yaml; the daemon's configuration later adds
// sections of its own beside it). Every key has a documented default, so a missing file or a
// missing section means the defaults.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.h"

namespace jobtuner::advisor {

/// What one core-hour and one GB-hour of executor memory cost, in the configured currency.
struct Prices {
  double coreHour = 0.048;       // about an on-demand cloud vCPU-hour
  double memoryGbHour = 0.0053;  // about an on-demand cloud GB-hour of memory
  std::string currency = "$";
};

/// Values the advisor never proposes beyond.
struct Limits {
  int64_t maxExecutors = 64;
  int64_t maxExecutorCores = 8;
  int64_t minExecutorMemoryBytes = 64LL << 20;
  int64_t maxExecutorMemoryBytes = 64LL << 30;
  int64_t maxMemoryOverheadBytes = 16LL << 30;
  int64_t minPartitions = 1;
  int64_t maxPartitions = 10'000;
  int64_t maxSaltingBuckets = 64;
};

struct AdvisorConfig {
  Prices prices;
  Limits limits;
  // Shuffle data a partition should hold (Spark practice: 64-512 MB; AQE aims at 64 MB).
  int64_t targetPartitionBytes = 128LL << 20;
  // Memory above the observed peak the advice keeps free, as a fraction of the peak.
  double memoryHeadroom = 0.25;
  // A change predicted to gain less than this fraction of wall time is not worth a run.
  double minimumGain = 0.05;
  // A run slower than the previous one by more than this fraction is slower beyond noise.
  double noise = 0.10;
  // Runs of a job needed before the fitted per-stage cost models replace the rules of thumb.
  int64_t historyForModels = 5;
};

/// The keys of the advisor section, for help and "did you mean".
std::vector<std::string> advisorConfigKeys();

/// Reads the `advisor` section of the configuration file at `path`; other top-level sections
/// are left to their readers (the daemon's). A missing file gives the defaults when
/// `mustExist` is false. Throws core::UserError at the file, line and column of a bad value or
/// an unknown key (naming the nearest valid key).
AdvisorConfig loadAdvisorConfig(const std::filesystem::path& path, bool mustExist);
AdvisorConfig parseAdvisorConfig(const std::string& text, const std::string& fileName);

/// The defaults as a commented YAML section, for docs and `advise --help`.
std::string describeAdvisorConfig();

}  // namespace jobtuner::advisor

#pragma once

// An executor process: connects to its driver proving the run's secret, builds the same plan as
// the driver from the setup it is sent, then runs the tasks it is given on `cores` threads and
// answers each with its result. It exits when the driver says so or goes away.

#include <filesystem>

namespace jobtuner::runtime {

struct ExecutorOptions {
  std::filesystem::path driverSocket;
  int executorId = 0;
  int cores = 1;
};

/// Runs the executor; the secret is the first line of standard input. Returns the exit code.
int runExecutor(const ExecutorOptions& options);

}  // namespace jobtuner::runtime

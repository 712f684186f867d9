#pragma once

// Processes a run starts (executors, the collector sidecar) that cannot outlive it: each child
// asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG), so even a driver killed
// with SIGKILL leaves nothing behind. The kernel sends it when the *thread* that forked exits, so
// spawn from the main thread. Secrets reach children on their standard input, never on the
// command line or in the environment, which other users can read in /proc.

#include <sys/types.h>

#include <csignal>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace jobtuner::runtime {

struct SpawnOptions {
  std::filesystem::path logFile;  // stdout and stderr are appended here; empty: inherited
  std::string stdinData;          // written to the child's stdin, which is then closed
  std::vector<std::string> extraEnvironment;  // NAME=value, added to (or replacing) the parent's
  /// What the child gets when the parent dies: SIGKILL, or a signal it handles to finish its work
  /// first (the sidecar stores what it has received).
  int parentDeathSignal = SIGKILL;
};

class ChildProcess {
 public:
  /// Starts argv[0] with the arguments. Throws core::SystemError when it cannot.
  static ChildProcess spawn(const std::vector<std::string>& argv, const SpawnOptions& options);

  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// The exit code once exited (128 + signal when killed), without waiting.
  std::optional<int> poll();
  /// Waits for the exit; returns the exit code (128 + signal when killed).
  int wait();
  void kill(int signal);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// The running binary, so the driver can start executors and the sidecar from the same build.
std::filesystem::path selfExecutable();

}  // namespace jobtuner::runtime

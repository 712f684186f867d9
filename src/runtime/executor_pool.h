#pragma once

// The driver's executor processes: starts them, admits each once it has proven the run's secret
// and planned the job, starts replacements for lost ones (up to the profile's limit), reads their
// resident memory for the memory watchdog, signals them (faults, kills) and stops them at the end.
// Processes are spawned from the calling (main) thread, because the kernel's parent-death signal
// follows the thread that forked; a background thread accepts and sets up the connections.

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/local_channel.h"
#include "runtime/child_process.h"
#include "runtime/driver_protocol.h"
#include "runtime/run_directory.h"

namespace jobtuner::runtime {

/// An executor the scheduler may give tasks: its connection and what the driver tracks of it.
struct ExecutorConnection {
  int id = 0;
  int cores = 1;
  int64_t pid = 0;
  core::LocalChannel channel;
  int freeSlots = 0;
  bool alive = true;
  int64_t lastHeardMs = 0;  // the last frame (heartbeat or result) from it
};

/// Executors that became ready, and starts that failed (with why), since the last look.
struct ExecutorArrivals {
  std::vector<ExecutorConnection> ready;
  std::vector<std::string> failures;
};

class ExecutorPool {
 public:
  ExecutorPool(const RunDirectory& run, std::string secret, ExecutorSetup setup, int cores, int replacementLimit);
  ~ExecutorPool();
  ExecutorPool(const ExecutorPool&) = delete;
  ExecutorPool& operator=(const ExecutorPool&) = delete;

  /// Starts `count` executors and waits until each is ready or failed (or the start timeout).
  ExecutorArrivals startInitial(int count);
  /// Starts a replacement for a lost executor; false once the replacement limit is reached.
  bool startReplacement();
  /// Replacements started and neither ready nor failed yet.
  int starting() const;
  /// Executors ready and starts failed since the last call; never waits.
  ExecutorArrivals takeArrivals();

  /// Resident memory of executor `id`'s process in bytes (0 when it is gone).
  int64_t residentBytes(int id) const;
  void signal(int id, int signalNumber);
  /// How executor `id`'s process ended, waiting up to `waitMs` for it: "the executor process
  /// exited with code 1", "the executor process exited: killed by signal 9 (SIGKILL)".
  std::string exitDescription(int id, int waitMs);

  /// Stops accepting and ends every process: killed with SIGKILL when `kill`, else waited for
  /// (after the scheduler told them to shut down).
  void stop(bool kill);

 private:
  struct Member {
    ChildProcess process;
    bool settled = false;  // ready or failed
    int64_t startedMs = 0;
  };
  void spawn(int id);
  void acceptLoop();

  RunDirectory run_;
  std::string secret_;
  ExecutorSetup setup_;
  int cores_;
  int replacementLimit_;
  int replacements_ = 0;
  int nextId_ = 1;
  core::LocalListener listener_;
  std::map<int, Member> members_;  // main thread only

  mutable std::mutex mutex_;  // guards what the accept thread shares
  std::set<int> expected_;    // started, not yet connected
  std::vector<ExecutorConnection> ready_;
  std::map<int, std::string> failed_;  // executor id -> why its start failed

  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
};

}  // namespace jobtuner::runtime

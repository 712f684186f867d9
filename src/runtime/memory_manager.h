#pragma once

// An executor's memory, modelled on Spark's unified memory manager (UnifiedMemoryManager,
// ExecutionMemoryPool): usable = (executor_memory - reserved) * memory_fraction, shared by
// execution (the tasks' hash tables, sort buffers) and storage (cached broadcast tables).
//   - Each running task may hold between 1/(2N) and 1/N of the execution memory (N = tasks
//     running): a request that would leave it under 1/(2N) waits until another task releases
//     memory; above that it gets what is free up to 1/N, possibly less than asked, and the
//     operator spills the rest.
//   - Execution may take storage memory that is free, and evict stored blocks beyond the
//     storage region (memory_fraction's storage_fraction share), which storage keeps.
// The time a task spends waiting here is part of what the runtime reports as its gc_time_ms: the
// measured analog of JVM GC time (DESIGN.md; TaskMemory adds it up).
//
// One instance per executor process, shared by its task threads.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace jobtuner::runtime {

struct MemoryConfig {
  int64_t executorMemoryBytes = 1LL << 30;
  double memoryFraction = 0.6;
  double storageFraction = 0.5;

  /// Spark reserves 300 MB of the heap; executors of jobtuner's runtime may be far smaller, so the
  /// reserve is at most a quarter of executor_memory.
  int64_t reservedBytes() const;
  int64_t usableBytes() const;
};

class MemoryManager {
 public:
  explicit MemoryManager(MemoryConfig config);
  MemoryManager(const MemoryManager&) = delete;
  MemoryManager& operator=(const MemoryManager&) = delete;

  const MemoryConfig& config() const { return config_; }

  /// A task starts counting in N (the share each task may hold) when it first asks; returns the
  /// bytes granted, from 0 to `bytes`. May wait for other tasks to release memory; the wait is
  /// added to `waitedNs`.
  int64_t acquireExecution(int64_t taskId, int64_t bytes, int64_t& waitedNs);
  void releaseExecution(int64_t taskId, int64_t bytes);
  /// The task ended: everything it holds is released and it leaves N.
  void releaseAllExecution(int64_t taskId);

  /// Stores a block (a broadcast table) of `bytes`, evicting other blocks if needed; `evict` is
  /// called (with the lock released) when execution takes its memory back. Returns false when it
  /// cannot fit even after evicting.
  bool acquireStorage(const std::string& blockId, int64_t bytes, std::function<void()> evict);
  void releaseStorage(const std::string& blockId);

  int64_t executionUsed() const;
  int64_t storageUsed() const;
  int64_t executionUsedBy(int64_t taskId) const;

 private:
  struct StoredBlock {
    std::string id;
    int64_t bytes = 0;
    std::function<void()> evict;
  };

  int64_t freeBytesLocked() const { return config_.usableBytes() - executionUsed_ - storageUsed_; }
  /// Evicts least recently stored blocks until `bytes` are free or storage is down to `floor`;
  /// returns the evictors to call once the lock is released.
  std::vector<std::function<void()>> evictLocked(int64_t bytes, int64_t floor);

  MemoryConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::map<int64_t, int64_t> executionByTask_;
  int64_t executionUsed_ = 0;
  std::list<StoredBlock> blocks_;  // oldest first
  int64_t storageUsed_ = 0;
};

}  // namespace jobtuner::runtime

#pragma once

// A task attempt's share of its executor's MemoryManager, and the spill files of the attempt.
// Operators ask through a MemoryReservation of their own; TaskMemory adds up what the task's
// operators use (its peak is the task's peak_execution_memory_bytes: the most the task held at
// once), what they spilled, and the time the task spent blocked in the memory manager. That time
// is the runtime's gc_time_ms (Spark's "JVM GC Time"): the native runtime has no garbage
// collector, and the closest measured analog of a JVM pausing for memory is a task waiting for a
// grant (or for the manager's lock), evicting storage, or writing a spill it was forced to.
//
// Ending the attempt (destroying the TaskMemory) gives back everything the task still holds and
// removes its spill files, whether it succeeded or threw.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/memory_manager.h"

namespace jobtuner::runtime {

class TaskMemory {
 public:
  /// Spill files are created in `spillDir` (which must exist) with names starting `spillPrefix`,
  /// unique per task attempt.
  TaskMemory(MemoryManager& manager, int64_t taskId, std::filesystem::path spillDir, std::string spillPrefix);
  ~TaskMemory();
  TaskMemory(const TaskMemory&) = delete;
  TaskMemory& operator=(const TaskMemory&) = delete;

  MemoryManager& manager() { return manager_; }

  /// Asks for `bytes` of execution memory; returns what was granted, 0 to `bytes`.
  int64_t acquire(int64_t bytes);
  void release(int64_t bytes);
  /// Memory an operator needs and cannot spill (a hash join's build side): granted when the
  /// manager can, and counted in the task's peak either way.
  void holdUnspillable(int64_t bytes);
  /// The bytes the task's operators use changed by `delta` (what the peak follows; grants come in
  /// chunks, so they overstate it).
  void addUsed(int64_t delta);

  /// A fresh spill file's path; the file is removed when the task ends if its reader has not.
  std::filesystem::path newSpillFile();
  /// Records a spill: `memoryBytes` of data held in memory written as `diskBytes` in `writeNs`.
  void recordSpill(int64_t memoryBytes, int64_t diskBytes, int64_t writeNs);

  int64_t peakBytes() const { return peak_; }
  int64_t memoryBytesSpilled() const { return memorySpilled_; }
  int64_t diskBytesSpilled() const { return diskSpilled_; }
  int64_t blockedNs() const { return blockedNs_; }

 private:
  MemoryManager& manager_;
  int64_t taskId_;
  std::filesystem::path spillDir_;
  std::string spillPrefix_;
  std::vector<std::filesystem::path> spillFiles_;
  int64_t held_ = 0;  // granted by the manager
  int64_t used_ = 0;
  int64_t peak_ = 0;
  int64_t memorySpilled_ = 0;
  int64_t diskSpilled_ = 0;
  int64_t blockedNs_ = 0;
};

/// What one operator holds of its task's memory. The operator reports how many bytes its data
/// takes; the reservation asks for more in chunks as that grows, so the manager is not asked for
/// every batch, and says when the manager refused: the operator then spills and releases.
class MemoryReservation {
 public:
  explicit MemoryReservation(TaskMemory& memory) : memory_(memory) {}
  ~MemoryReservation() { releaseAll(); }
  MemoryReservation(const MemoryReservation&) = delete;
  MemoryReservation& operator=(const MemoryReservation&) = delete;

  /// Covers `usedBytes` in all; false when the manager granted less than that (the operator
  /// should spill).
  bool cover(size_t usedBytes);
  void releaseAll();
  TaskMemory& task() { return memory_; }

 private:
  TaskMemory& memory_;
  int64_t granted_ = 0;
  int64_t used_ = 0;
};

}  // namespace jobtuner::runtime

#include "runtime/task_memory.h"

#include <fmt/format.h>

#include <system_error>

#include "runtime/clock.h"

namespace jobtuner::runtime {

namespace {

/// Operators grow their grants a chunk at a time: the manager's lock is taken once per chunk, not
/// once per batch, and a task's grant overshoots what it uses by less than a chunk.
constexpr int64_t kChunkBytes = 1 << 20;

}  // namespace

TaskMemory::TaskMemory(MemoryManager& manager, int64_t taskId, std::filesystem::path spillDir, std::string spillPrefix)
    : manager_(manager), taskId_(taskId), spillDir_(std::move(spillDir)), spillPrefix_(std::move(spillPrefix)) {}

TaskMemory::~TaskMemory() {
  manager_.releaseAllExecution(taskId_);
  for (const std::filesystem::path& file : spillFiles_) {
    std::error_code ignored;  // a reader that finished removed it already
    std::filesystem::remove(file, ignored);
  }
}

int64_t TaskMemory::acquire(int64_t bytes) {
  // The whole call counts as blocked: the wait for other tasks, and evicting storage to make room.
  int64_t start = steadyNs();
  int64_t waitedNs = 0;
  int64_t granted = manager_.acquireExecution(taskId_, bytes, waitedNs);
  blockedNs_ += steadyNs() - start;
  held_ += granted;
  return granted;
}

void TaskMemory::release(int64_t bytes) {
  bytes = std::min(bytes, held_);
  manager_.releaseExecution(taskId_, bytes);
  held_ -= bytes;
}

void TaskMemory::holdUnspillable(int64_t bytes) {
  acquire(bytes);
  addUsed(bytes);
}

void TaskMemory::addUsed(int64_t delta) {
  used_ += delta;
  peak_ = std::max(peak_, used_);
}

std::filesystem::path TaskMemory::newSpillFile() {
  spillFiles_.push_back(spillDir_ / fmt::format("{}-{}.spill", spillPrefix_, spillFiles_.size()));
  return spillFiles_.back();
}

void TaskMemory::recordSpill(int64_t memoryBytes, int64_t diskBytes, int64_t writeNs) {
  memorySpilled_ += memoryBytes;
  diskSpilled_ += diskBytes;
  blockedNs_ += writeNs;
}

bool MemoryReservation::cover(size_t usedBytes) {
  auto used = static_cast<int64_t>(usedBytes);
  memory_.addUsed(used - used_);
  used_ = used;
  if (used <= granted_) return true;
  int64_t wanted = (used - granted_ + kChunkBytes - 1) / kChunkBytes * kChunkBytes;
  granted_ += memory_.acquire(wanted);
  return used <= granted_;
}

void MemoryReservation::releaseAll() {
  memory_.addUsed(-used_);
  memory_.release(granted_);
  used_ = 0;
  granted_ = 0;
}

}  // namespace jobtuner::runtime

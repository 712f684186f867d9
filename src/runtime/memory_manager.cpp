#include "runtime/memory_manager.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace jobtuner::runtime {

namespace {
constexpr int64_t kSparkReservedBytes = 300LL << 20;
}

int64_t MemoryConfig::reservedBytes() const { return std::min(kSparkReservedBytes, executorMemoryBytes / 4); }

int64_t MemoryConfig::usableBytes() const {
  return static_cast<int64_t>(static_cast<double>(executorMemoryBytes - reservedBytes()) * memoryFraction);
}

MemoryManager::MemoryManager(MemoryConfig config) : config_(config) {}

std::vector<std::function<void()>> MemoryManager::evictLocked(int64_t bytes, int64_t floor) {
  std::vector<std::function<void()>> evictors;
  while (freeBytesLocked() < bytes && storageUsed_ > floor && !blocks_.empty()) {
    StoredBlock& oldest = blocks_.front();
    storageUsed_ -= oldest.bytes;
    if (oldest.evict) evictors.push_back(std::move(oldest.evict));
    blocks_.pop_front();
  }
  return evictors;
}

int64_t MemoryManager::acquireExecution(int64_t taskId, int64_t bytes, int64_t& waitedNs) {
  if (bytes <= 0) return 0;
  std::vector<std::function<void()>> evictors;
  int64_t granted = 0;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    executionByTask_.try_emplace(taskId, 0);
    auto waitStart = std::chrono::steady_clock::now();
    bool waited = false;
    for (;;) {
      // Execution may reclaim storage beyond the storage region, which storage keeps.
      int64_t storageRegion = static_cast<int64_t>(static_cast<double>(config_.usableBytes()) * config_.storageFraction);
      auto evicted = evictLocked(bytes, storageRegion);
      for (auto& evict : evicted) evictors.push_back(std::move(evict));
      int64_t pool = config_.usableBytes() - std::min(storageUsed_, storageRegion);
      auto tasks = static_cast<int64_t>(executionByTask_.size());
      int64_t maxPerTask = pool / tasks;
      int64_t minPerTask = pool / (2 * tasks);
      int64_t held = executionByTask_[taskId];
      int64_t room = std::max<int64_t>(0, std::min(maxPerTask - held, freeBytesLocked()));
      granted = std::min(bytes, room);
      // Below its fair minimum a task waits rather than spill a little at a time; it stops
      // waiting once it has its minimum or the others have gone.
      if (granted < bytes && held + granted < minPerTask && tasks > 1) {
        waited = true;
        released_.wait(lock);
        continue;
      }
      break;
    }
    if (waited) {
      waitedNs += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - waitStart).count();
    }
    executionByTask_[taskId] += granted;
    executionUsed_ += granted;
  }
  for (auto& evict : evictors) evict();
  return granted;
}

void MemoryManager::releaseExecution(int64_t taskId, int64_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto held = executionByTask_.find(taskId);
    if (held == executionByTask_.end()) return;
    int64_t released = std::min(bytes, held->second);
    held->second -= released;
    executionUsed_ -= released;
  }
  released_.notify_all();
}

void MemoryManager::releaseAllExecution(int64_t taskId) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto held = executionByTask_.find(taskId);
    if (held == executionByTask_.end()) return;
    executionUsed_ -= held->second;
    executionByTask_.erase(held);
  }
  released_.notify_all();
}

bool MemoryManager::acquireStorage(const std::string& blockId, int64_t bytes, std::function<void()> evict) {
  std::vector<std::function<void()>> evictors;
  bool stored = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Storage may evict its own older blocks, never execution's memory; and only when that makes
    // room, so a block that cannot fit evicts nothing.
    if (bytes > config_.usableBytes() - executionUsed_) return false;
    evictors = evictLocked(bytes, 0);
    if (freeBytesLocked() >= bytes) {
      blocks_.push_back(StoredBlock{blockId, bytes, std::move(evict)});
      storageUsed_ += bytes;
      stored = true;
    }
  }
  for (auto& evictor : evictors) evictor();
  return stored;
}

void MemoryManager::releaseStorage(const std::string& blockId) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto block = std::find_if(blocks_.begin(), blocks_.end(), [&](const StoredBlock& b) { return b.id == blockId; });
    if (block == blocks_.end()) return;
    storageUsed_ -= block->bytes;
    blocks_.erase(block);
  }
  released_.notify_all();
}

int64_t MemoryManager::executionUsed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return executionUsed_;
}

int64_t MemoryManager::storageUsed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return storageUsed_;
}

int64_t MemoryManager::executionUsedBy(int64_t taskId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto held = executionByTask_.find(taskId);
  return held == executionByTask_.end() ? 0 : held->second;
}

}  // namespace jobtuner::runtime

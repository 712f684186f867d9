// The executor's unified memory: fair shares between 1/(2N) and 1/N per task, waiting below the
// minimum (measured: the runtime's gc_time_ms), and storage evicted beyond its region.

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "runtime/memory_manager.h"

namespace jobtuner::runtime {
namespace {

constexpr int64_t kMiB = 1LL << 20;

MemoryConfig config(int64_t executorMemory) {
  MemoryConfig memory;
  memory.executorMemoryBytes = executorMemory;
  return memory;
}

TEST_CASE("usable memory is executor memory less the reserve, times memory_fraction", "[memory]") {
  CHECK(config(4096 * kMiB).reservedBytes() == 300 * kMiB);  // Spark's 300 MB
  CHECK(config(4096 * kMiB).usableBytes() == static_cast<int64_t>(3796 * kMiB * 0.6));
  CHECK(config(400 * kMiB).reservedBytes() == 100 * kMiB);  // a quarter of a small executor
}

TEST_CASE("a lone task gets up to the whole pool, and a partial grant beyond it", "[memory]") {
  MemoryManager manager(config(1000 * kMiB));
  int64_t pool = manager.config().usableBytes();
  int64_t waited = 0;
  CHECK(manager.acquireExecution(1, pool - kMiB, waited) == pool - kMiB);
  CHECK(manager.acquireExecution(1, 10 * kMiB, waited) == kMiB);  // the operator spills the rest
  CHECK(waited == 0);
  manager.releaseExecution(1, pool);
  CHECK(manager.executionUsed() == 0);
}

TEST_CASE("a task below 1/(2N) waits until another releases, and the wait is measured", "[memory]") {
  MemoryManager manager(config(1000 * kMiB));
  int64_t pool = manager.config().usableBytes();
  int64_t unused = 0;
  REQUIRE(manager.acquireExecution(1, pool, unused) == pool);
  std::atomic<int64_t> granted{-1};
  int64_t waited = 0;
  std::thread second([&] { granted = manager.acquireExecution(2, pool / 2, waited); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(granted == -1);  // still waiting: it holds nothing of its minimum, pool / 4
  manager.releaseAllExecution(1);
  second.join();
  CHECK(granted == pool / 2);  // task 1 ended: task 2, alone now, gets all it asked
  CHECK(waited > 0);  // measured, not bounded: tests assert no wall-clock times
  CHECK(manager.executionUsedBy(2) == pool / 2);
}

TEST_CASE("with two tasks running, each may hold at most half the pool", "[memory]") {
  MemoryManager manager(config(1000 * kMiB));
  int64_t pool = manager.config().usableBytes();
  int64_t waited = 0;
  CHECK(manager.acquireExecution(1, 10 * kMiB, waited) == 10 * kMiB);
  CHECK(manager.acquireExecution(2, pool, waited) == pool / 2);
  CHECK(manager.acquireExecution(1, pool, waited) == pool / 2 - 10 * kMiB);
  CHECK(waited == 0);
}

TEST_CASE("execution evicts stored blocks beyond the storage region, never within it", "[memory]") {
  MemoryManager manager(config(1000 * kMiB));
  int64_t pool = manager.config().usableBytes();
  int evicted = 0;
  REQUIRE(manager.acquireStorage("broadcast-1", pool * 3 / 10, [&] { ++evicted; }));
  REQUIRE(manager.acquireStorage("broadcast-2", pool * 4 / 10, [&] { ++evicted; }));
  CHECK_FALSE(manager.acquireStorage("too-big", pool * 2, nullptr));
  int64_t waited = 0;
  int64_t granted = manager.acquireExecution(1, pool, waited);
  CHECK(evicted == 1);                              // the oldest block went; the other is within the region
  CHECK(manager.storageUsed() == pool * 4 / 10);
  CHECK(granted == pool - pool * 4 / 10);
  manager.releaseStorage("broadcast-2");
  CHECK(manager.storageUsed() == 0);
}

}  // namespace
}  // namespace jobtuner::runtime

#include "runtime/task_kills.h"

#include <mutex>
#include <unordered_set>

namespace jobtuner::runtime {

namespace {

std::mutex mutex;
std::unordered_set<int64_t> killed;

}  // namespace

void requestTaskKill(int64_t taskId) {
  std::lock_guard lock(mutex);
  killed.insert(taskId);
}

bool taskKillRequested(int64_t taskId) {
  std::lock_guard lock(mutex);
  return killed.count(taskId) > 0;
}

void throwIfTaskKilled(int64_t taskId) {
  if (taskKillRequested(taskId)) throw TaskKilledError();
}

void forgetTaskKill(int64_t taskId) {
  std::lock_guard lock(mutex);
  killed.erase(taskId);
}

}  // namespace jobtuner::runtime

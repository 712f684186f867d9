#include "runtime/broadcast_tables.h"

#include <map>
#include <mutex>

namespace jobtuner::runtime {

std::shared_ptr<const JoinTable> sharedBroadcastTable(const std::string& key, MemoryManager& memory,
                                                      const std::function<std::shared_ptr<const JoinTable>()>& build) {
  // One lock for all: a task that would build a table the running builder is building waits
  // instead of building it twice; broadcasts are few and small (broadcast_threshold). Recursive,
  // because storing a table may evict an older one from the same thread.
  static std::recursive_mutex mutex;
  static std::map<std::string, std::shared_ptr<const JoinTable>> tables;
  std::lock_guard<std::recursive_mutex> lock(mutex);
  auto found = tables.find(key);
  if (found != tables.end()) return found->second;
  std::shared_ptr<const JoinTable> table = build();
  auto evict = [key] {
    std::lock_guard<std::recursive_mutex> evicting(mutex);
    tables.erase(key);
  };
  if (memory.acquireStorage(key, static_cast<int64_t>(table->memoryBytes()), evict)) tables.emplace(key, table);
  return table;
}

}  // namespace jobtuner::runtime

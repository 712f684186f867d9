#pragma once

// The build sides of broadcast joins, built once per executor process and shared by all its
// tasks, as Spark fetches a broadcast once per executor: the tasks that find the table built read
// no shuffle data for it, and their shuffle-read metrics say so. A table is a block of the
// executor's storage memory: when execution evicts it, it leaves the cache (tasks using it keep
// it until they finish) and the next task that needs it builds it again. A table storage cannot
// fit is used all the same (a build side does not spill) but not cached.

#include <functional>
#include <memory>
#include <string>

#include "runtime/hash_join.h"
#include "runtime/memory_manager.h"

namespace jobtuner::runtime {

/// The table stored under `key` (the run's shuffle folder and the broadcast's shuffle id), built
/// with `build` by the first task that asks. A build that throws stores nothing: a retry builds
/// again.
std::shared_ptr<const JoinTable> sharedBroadcastTable(const std::string& key, MemoryManager& memory,
                                                      const std::function<std::shared_ptr<const JoinTable>()>& build);

}  // namespace jobtuner::runtime

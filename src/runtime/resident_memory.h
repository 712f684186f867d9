#pragma once

// The executor process's resident memory: how glibc's allocator is set for the executor's budget,
// giving freed memory back after a spill, and the peak the process reached (logged at exit).

#include <cstdint>

namespace jobtuner::runtime {

/// Sets glibc's mmap and trim thresholds for an executor of `executorMemoryBytes`: large enough
/// that freed columns are reused rather than mapped afresh, small enough that what the heap keeps
/// after a free stays a fraction of the budget.
void tuneAllocator(int64_t executorMemoryBytes);

/// Returns freed heap memory to the system: after a spill the freed tables would otherwise stay
/// resident while the next ones grow in other arenas.
void returnFreedMemory();

/// The process's peak resident set size (VmHWM), in bytes; 0 when /proc does not say.
int64_t peakResidentBytes();

}  // namespace jobtuner::runtime

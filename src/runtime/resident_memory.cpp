#include "runtime/resident_memory.h"

#include <malloc.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace jobtuner::runtime {

void tuneAllocator(int64_t executorMemoryBytes) {
  // Tasks allocate and free columns of tens of megabytes, one after another. By default glibc
  // serves those with fresh mmaps and returns them at free, so every batch pays the kernel for
  // zeroed pages again (a tenth of a join's time went to page faults). Kept in the heap, freed
  // memory is reused by the next batch and the next task. The thresholds scale with the budget:
  // at most an eighth of executor_memory is allocated outside mmap per block, and the heap keeps
  // at most a quarter of it free, so a small executor stays within executor_memory plus overhead.
  int64_t mmapThreshold = std::clamp<int64_t>(executorMemoryBytes / 8, 1 << 20, 512 << 20);
  int64_t trimThreshold = std::clamp<int64_t>(executorMemoryBytes / 4, 1 << 20, 1 << 30);
  ::mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmapThreshold));
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(trimThreshold));
}

void returnFreedMemory() { ::malloc_trim(0); }

int64_t peakResidentBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // "VmHWM:   1234 kB"
  }
  return 0;
}

}  // namespace jobtuner::runtime

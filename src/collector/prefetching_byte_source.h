#pragma once

// Reads (and decompresses) a log on a thread of its own, a few chunks ahead of the parser: the
// read system calls and the codec's work leave the parsing thread, the busiest of an ingest.

#include <memory>

#include "collector/byte_source.h"

namespace jobtuner::collector {

/// Wraps `inner`, which is then read only from the prefetching thread. Memory: four chunks of
/// 1 MiB. What `inner` throws is thrown by read() once the chunks before it have been served.
std::unique_ptr<ByteSource> prefetchInBackground(std::unique_ptr<ByteSource> inner);

}  // namespace jobtuner::collector

#pragma once

// The split points of a range exchange (a distributed sort), chosen by the driver from the samples
// of sort keys that the feeding stage's tasks returned.

#include <string>
#include <vector>

#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

/// `samples` are hex-encoded serialized batches of the sort-key columns; the result is the hex of
/// a serialized batch of numPartitions - 1 split points (fewer when the samples are few).
std::string computeRangeBounds(const ShuffleSpec& shuffle, const std::vector<std::string>& samples);

}  // namespace jobtuner::runtime

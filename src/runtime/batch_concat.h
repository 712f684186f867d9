#pragma once

#include <vector>

#include "core/column_batch.h"

namespace jobtuner::runtime {

/// The rows of several batches of `schema`, in order, as one batch; the inputs are consumed.
core::ColumnBatch concatenateBatches(const core::Schema& schema, std::vector<core::ColumnBatch>& batches);

}  // namespace jobtuner::runtime

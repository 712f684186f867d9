#pragma once

// The binary form of a batch in shuffle files and driver messages. The schema is not written: the
// reader knows it from the plan. Layout, all little-endian: u32 magic, u32 rows; then per column
// the validity bytes (rows) and the values: int64/decimal/timestamp and double as 8-byte arrays,
// bools as bytes, strings as u32 lengths then the bytes. Decoding validates every length against
// the bytes present, so a damaged block is an error, never a crash or a huge allocation.

#include <string>
#include <string_view>

#include "core/column_batch.h"

namespace jobtuner::runtime {

void appendSerialized(std::string& out, const core::ColumnBatch& batch);
std::string serialize(const core::ColumnBatch& batch);

/// Throws core::SystemError("corrupt batch: ...") when `bytes` is not a batch of `schema`.
core::ColumnBatch deserialize(std::string_view bytes, const core::Schema& schema);

}  // namespace jobtuner::runtime

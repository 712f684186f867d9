#pragma once

// One entry point from an event log's codec to the ByteSource that decodes it, so the code that
// opens files needs no knowledge of each codec's framing.

#include <cstdint>
#include <limits>
#include <memory>

#include "collector/byte_source.h"
#include "collector/log_layout.h"

namespace jobtuner::collector {

/// A decompressed-size limit that never triggers.
inline constexpr uint64_t kNoDecompressedLimit = std::numeric_limits<uint64_t>::max();

/// Wraps `compressed` (a file's raw bytes) in the decoder for `codec`: Spark's lz4 (lz4-java
/// blocks), snappy (snappy-java stream), lzf (compress-lzf chunks) or zstd; Codec::None passes the
/// bytes through. Past `maxDecompressedBytes` of output the stream ends with the damage
/// "decompressed size exceeds the limit of N bytes", having delivered exactly N bytes.
std::unique_ptr<ByteSource> openCompressedSource(std::unique_ptr<ByteSource> compressed, Codec codec,
                                                 uint64_t maxDecompressedBytes = kNoDecompressedLimit);

/// Ends `source` with the damage above once it has delivered `maxBytes`; for sources whose decoder
/// has no limit of its own.
std::unique_ptr<ByteSource> openSizeLimited(std::unique_ptr<ByteSource> source, uint64_t maxBytes);

}  // namespace jobtuner::collector

// Feeds arbitrary bytes to the shuffle block decoder: a damaged block must be a SystemError,
// never a crash or a huge allocation.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/errors.h"
#include "runtime/batch_serializer.h"

using namespace jobtuner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const core::Schema schema({{"i", core::DataType::int64()}, {"s", core::DataType::string()},
                                    {"b", core::DataType::boolean()}, {"x", core::DataType::float64()}});
  try {
    core::ColumnBatch batch = runtime::deserialize(std::string_view(reinterpret_cast<const char*>(data), size), schema);
    // What decodes must encode back to the same bytes.
    if (runtime::serialize(batch) != std::string_view(reinterpret_cast<const char*>(data), size)) __builtin_trap();
  } catch (const core::SystemError&) {
  }
  return 0;
}

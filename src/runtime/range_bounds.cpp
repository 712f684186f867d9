#include "runtime/range_bounds.h"

#include "runtime/batch_concat.h"
#include "runtime/batch_serializer.h"
#include "runtime/driver_protocol.h"
#include "runtime/sort_rows.h"

namespace jobtuner::runtime {

std::string computeRangeBounds(const ShuffleSpec& shuffle, const std::vector<std::string>& samples) {
  std::vector<core::Field> fields;
  std::vector<SortKey> keys;
  for (size_t k = 0; k < shuffle.sortKeys.size(); ++k) {
    const SortKey& key = shuffle.sortKeys[k];
    fields.push_back(shuffle.schema.field(static_cast<size_t>(key.column)));
    // In the sample batch the k-th column is the k-th sort key.
    keys.push_back(SortKey{static_cast<int>(k), key.ascending, key.nullsFirst});
  }
  core::Schema schema(std::move(fields));
  std::vector<core::ColumnBatch> batches;
  for (const std::string& sample : samples) batches.push_back(deserialize(fromHex(sample), schema));
  core::ColumnBatch all = concatenateBatches(schema, batches);
  core::ColumnBatch bounds = pickRangeBounds(all, keys, shuffle.numPartitions);
  return toHex(serialize(bounds));
}

}  // namespace jobtuner::runtime

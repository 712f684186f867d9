#include "runtime/salting.h"

#include "core/expression_evaluator.h"
#include "runtime/row_hash.h"

namespace jobtuner::runtime {

namespace {

core::Schema withSalt(const core::Schema& schema) {
  std::vector<core::Field> fields = schema.fields();
  fields.push_back({"__salt", core::DataType::int64()});
  return core::Schema(std::move(fields));
}

}  // namespace

SaltAssigner::SaltAssigner(int64_t buckets, const std::vector<std::string>& hotKeys, uint64_t seed)
    : buckets_(std::max<int64_t>(1, buckets)), hot_(hotKeys.begin(), hotKeys.end()), random_(seed) {}

core::Column SaltAssigner::assign(const core::ColumnBatch& batch, const std::vector<int>& keys, int valueColumn) {
  size_t rows = batch.numRows();
  core::Column salt(core::DataType::int64());
  salt.valid.assign(rows, 1);
  salt.int64s.assign(rows, 0);
  std::vector<uint64_t> valueHashes;
  if (valueColumn >= 0) hashRows(batch, {valueColumn}, valueHashes);
  std::uniform_int_distribution<int64_t> pick(0, buckets_ - 1);
  for (size_t row = 0; row < rows; ++row) {
    if (!hot_.empty() && !hot_.count(keyText(batch, keys, row))) continue;
    // Remixed, so that the salt does not follow the bits the shuffle partitions by.
    salt.int64s[row] = valueColumn >= 0 ? static_cast<int64_t>(mix64(valueHashes[row] ^ 0x5a17ULL) % static_cast<uint64_t>(buckets_))
                                        : pick(random_);
  }
  return salt;
}

core::ColumnBatch replicateForSalt(const core::ColumnBatch& batch, const std::vector<int>& keys,
                                   const std::vector<std::string>& hotKeys, int64_t buckets) {
  std::unordered_set<std::string> hot(hotKeys.begin(), hotKeys.end());
  std::vector<uint32_t> rows;
  std::vector<int64_t> salts;
  for (size_t row = 0; row < batch.numRows(); ++row) {
    bool isHot = hot.empty() || hot.count(keyText(batch, keys, row));
    int64_t copies = isHot ? std::max<int64_t>(1, buckets) : 1;
    for (int64_t s = 0; s < copies; ++s) {
      rows.push_back(static_cast<uint32_t>(row));
      salts.push_back(s);
    }
  }
  core::ColumnBatch taken = core::takeRows(batch, rows);
  std::vector<core::Column> columns;
  for (size_t c = 0; c < taken.numColumns(); ++c) columns.push_back(std::move(taken.column(c)));
  core::Column salt(core::DataType::int64());
  salt.valid.assign(salts.size(), 1);
  salt.int64s = std::move(salts);
  columns.push_back(std::move(salt));
  return core::ColumnBatch(withSalt(batch.schema()), std::move(columns));
}

}  // namespace jobtuner::runtime

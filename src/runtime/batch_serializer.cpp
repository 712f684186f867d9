#include "runtime/batch_serializer.h"

#include <fmt/format.h>

#include <cstring>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

constexpr uint32_t kMagic = 0x4A544231;  // "JTB1"

void putU32(std::string& out, uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);
  out.append(bytes, 4);
}

template <typename T>
void putArray(std::string& out, const std::vector<T>& values) {
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  const char* take(size_t count) {
    if (count > bytes_.size() - position_) throw core::SystemError("corrupt batch: it ends early");
    const char* at = bytes_.data() + position_;
    position_ += count;
    return at;
  }
  uint32_t u32() {
    uint32_t value;
    std::memcpy(&value, take(4), 4);
    return value;
  }
  template <typename T>
  void array(std::vector<T>& out, size_t count) {
    if (count > (bytes_.size() - position_) / sizeof(T)) throw core::SystemError("corrupt batch: it ends early");
    out.resize(count);
    if (count == 0) return;  // memcpy may not be given the null data() of an empty vector
    std::memcpy(out.data(), take(count * sizeof(T)), count * sizeof(T));
  }
  bool done() const { return position_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

}  // namespace

void appendSerialized(std::string& out, const core::ColumnBatch& batch) {
  putU32(out, kMagic);
  putU32(out, static_cast<uint32_t>(batch.numRows()));
  for (size_t c = 0; c < batch.numColumns(); ++c) {
    const core::Column& column = batch.column(c);
    putArray(out, column.valid);
    switch (column.type.kind) {
      case core::TypeKind::kInt64:
      case core::TypeKind::kDecimal:
      case core::TypeKind::kTimestamp: putArray(out, column.int64s); break;
      case core::TypeKind::kDouble: putArray(out, column.doubles); break;
      case core::TypeKind::kBool: putArray(out, column.bools); break;
      case core::TypeKind::kString:
        for (const std::string& value : column.strings) putU32(out, static_cast<uint32_t>(value.size()));
        for (const std::string& value : column.strings) out += value;
        break;
      case core::TypeKind::kNull: break;
    }
  }
}

std::string serialize(const core::ColumnBatch& batch) {
  std::string out;
  appendSerialized(out, batch);
  return out;
}

core::ColumnBatch deserialize(std::string_view bytes, const core::Schema& schema) {
  Reader reader(bytes);
  if (reader.u32() != kMagic) throw core::SystemError("corrupt batch: bad magic number");
  size_t rows = reader.u32();
  std::vector<core::Column> columns;
  columns.reserve(schema.numFields());
  for (const core::Field& field : schema.fields()) {
    core::Column column(field.type);
    reader.array(column.valid, rows);
    switch (field.type.kind) {
      case core::TypeKind::kInt64:
      case core::TypeKind::kDecimal:
      case core::TypeKind::kTimestamp: reader.array(column.int64s, rows); break;
      case core::TypeKind::kDouble: reader.array(column.doubles, rows); break;
      case core::TypeKind::kBool: reader.array(column.bools, rows); break;
      case core::TypeKind::kString: {
        std::vector<uint32_t> lengths;
        reader.array(lengths, rows);
        column.strings.reserve(rows);
        for (uint32_t length : lengths) column.strings.emplace_back(reader.take(length), length);
        break;
      }
      case core::TypeKind::kNull: break;
    }
    columns.push_back(std::move(column));
  }
  if (!reader.done()) throw core::SystemError("corrupt batch: bytes left over after the last column");
  return core::ColumnBatch(schema, std::move(columns));
}

}  // namespace jobtuner::runtime

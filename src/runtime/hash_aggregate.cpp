#include "runtime/hash_aggregate.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "runtime/flat_int64_set.h"
#include "runtime/row_hash.h"

namespace jobtuner::runtime {

namespace {

using Int128 = __int128;

core::DataType sumType(const core::DataType& input) {
  if (input.kind == core::TypeKind::kDecimal) return core::DataType::decimal(core::DataType::kMaxDecimalPrecision, input.scale);
  if (input.kind == core::TypeKind::kDouble) return core::DataType::float64();
  return core::DataType::int64();
}

/// How many state columns a call has.
int stateWidth(AggregateFunction function) { return function == AggregateFunction::kAvg ? 2 : 1; }

bool fitsInt64(Int128 value) {
  return value >= std::numeric_limits<int64_t>::min() && value <= std::numeric_limits<int64_t>::max();
}

/// The distinct non-null values of one group: fixed-width values by their 8 bytes, strings as is.
struct DistinctSet {
  FlatInt64Set fixed;
  std::unordered_set<std::string> strings;
  size_t size() const { return fixed.size() + strings.size(); }
  size_t memoryBytes() const { return fixed.memoryBytes() + strings.size() * 32; }
};

int64_t fixedBits(const core::Column& column, size_t row) {
  switch (column.type.kind) {
    case core::TypeKind::kDouble: {
      double value = column.doubles[row];
      if (value == 0) value = 0;
      int64_t bits;
      std::memcpy(&bits, &value, 8);
      return bits;
    }
    case core::TypeKind::kBool: return column.bools[row];
    default: return column.int64s[row];
  }
}

/// The blob of a distinct set: u32 count of fixed values, their 8-byte values, then strings as
/// u32 length + bytes.
std::string encodeDistinct(const DistinctSet& set) {
  std::string blob;
  auto count = static_cast<uint32_t>(set.fixed.size());
  blob.append(reinterpret_cast<const char*>(&count), 4);
  set.fixed.forEach([&](int64_t value) { blob.append(reinterpret_cast<const char*>(&value), 8); });
  for (const std::string& value : set.strings) {
    auto length = static_cast<uint32_t>(value.size());
    blob.append(reinterpret_cast<const char*>(&length), 4);
    blob += value;
  }
  return blob;
}

void decodeDistinctInto(std::string_view blob, DistinctSet& set) {
  auto fail = [] { throw std::runtime_error("corrupt count_distinct state in a shuffle block"); };
  if (blob.size() < 4) fail();
  uint32_t count;
  std::memcpy(&count, blob.data(), 4);
  size_t position = 4;
  if (count > (blob.size() - 4) / 8) fail();
  set.fixed.reserve(set.fixed.size() + count);
  for (uint32_t i = 0; i < count; ++i, position += 8) {
    int64_t value;
    std::memcpy(&value, blob.data() + position, 8);
    set.fixed.insert(value);
  }
  while (position < blob.size()) {
    if (blob.size() - position < 4) fail();
    uint32_t length;
    std::memcpy(&length, blob.data() + position, 4);
    position += 4;
    if (length > blob.size() - position) fail();
    set.strings.emplace(blob.substr(position, length));
    position += length;
  }
}

/// a < b for two non-null values of one column type.
bool lessThan(const core::Column& a, size_t i, const core::Column& b, size_t j) {
  switch (a.type.kind) {
    case core::TypeKind::kDouble: return a.doubles[i] < b.doubles[j];
    case core::TypeKind::kBool: return a.bools[i] < b.bools[j];
    case core::TypeKind::kString: return a.strings[i] < b.strings[j];
    default: return a.int64s[i] < b.int64s[j];
  }
}

void setValue(core::Column& target, size_t i, const core::Column& source, size_t j) {
  target.valid[i] = 1;
  switch (source.type.kind) {
    case core::TypeKind::kDouble: target.doubles[i] = source.doubles[j]; break;
    case core::TypeKind::kBool: target.bools[i] = source.bools[j]; break;
    case core::TypeKind::kString: target.strings[i] = source.strings[j]; break;
    default: target.int64s[i] = source.int64s[j]; break;
  }
}

}  // namespace

core::Schema partialSchema(const core::Schema& input, const std::vector<int>& keys, const std::vector<AggregateCall>& calls) {
  std::vector<core::Field> fields;
  for (int key : keys) fields.push_back(input.field(static_cast<size_t>(key)));
  for (const AggregateCall& call : calls) {
    core::DataType type = call.column >= 0 ? input.field(static_cast<size_t>(call.column)).type : core::DataType::int64();
    switch (call.function) {
      case AggregateFunction::kCount:
      case AggregateFunction::kCountStar: fields.push_back({call.outputName, core::DataType::int64()}); break;
      case AggregateFunction::kCountDistinct: fields.push_back({call.outputName, core::DataType::string()}); break;
      case AggregateFunction::kSum: fields.push_back({call.outputName, sumType(type)}); break;
      case AggregateFunction::kMin:
      case AggregateFunction::kMax: fields.push_back({call.outputName, type}); break;
      case AggregateFunction::kAvg:
        fields.push_back({call.outputName, sumType(type)});
        fields.push_back({call.outputName + "__count", core::DataType::int64()});
        break;
    }
  }
  return core::Schema(std::move(fields));
}

core::Schema finalSchema(const core::Schema& stateSchema, const std::vector<int>& keys, const std::vector<AggregateCall>& calls) {
  std::vector<core::Field> fields;
  for (int key : keys) fields.push_back(stateSchema.field(static_cast<size_t>(key)));
  size_t position = keys.size();
  for (const AggregateCall& call : calls) {
    const core::DataType& state = stateSchema.field(position).type;
    switch (call.function) {
      case AggregateFunction::kCount:
      case AggregateFunction::kCountStar:
      case AggregateFunction::kCountDistinct: fields.push_back({call.outputName, core::DataType::int64()}); break;
      case AggregateFunction::kSum:
      case AggregateFunction::kMin:
      case AggregateFunction::kMax: fields.push_back({call.outputName, state}); break;
      case AggregateFunction::kAvg: fields.push_back({call.outputName, core::DataType::float64()}); break;
    }
    position += static_cast<size_t>(stateWidth(call.function));
  }
  return core::Schema(std::move(fields));
}

struct HashAggregator::CallState {
  AggregateFunction function = AggregateFunction::kCountStar;
  core::DataType valueType;  // the values min/max/sum/avg/count_distinct see
  std::vector<int64_t> counts;
  std::vector<Int128> intSums;
  std::vector<double> doubleSums;
  std::vector<uint8_t> has;
  core::Column extreme;
  std::vector<std::unique_ptr<DistinctSet>> distinct;
  size_t distinctBytes = 0;  // of every set: kept as they grow, so measuring costs no walk over groups

  bool doubleSum() const { return valueType.kind == core::TypeKind::kDouble; }

  void resize(size_t groups) {
    switch (function) {
      case AggregateFunction::kCount:
      case AggregateFunction::kCountStar: counts.resize(groups, 0); break;
      case AggregateFunction::kSum:
      case AggregateFunction::kAvg:
        if (doubleSum()) {
          doubleSums.resize(groups, 0);
        } else {
          intSums.resize(groups, 0);
        }
        has.resize(groups, 0);
        counts.resize(groups, 0);
        break;
      case AggregateFunction::kMin:
      case AggregateFunction::kMax: extreme.resize(groups); break;
      case AggregateFunction::kCountDistinct:
        while (distinct.size() < groups) {
          distinct.push_back(std::make_unique<DistinctSet>());
          distinctBytes += distinct.back()->memoryBytes();
        }
        break;
    }
  }
};

HashAggregator::HashAggregator(AggregateMode mode, core::Schema input, std::vector<int> keys, std::vector<AggregateCall> calls)
    : mode_(mode), input_(std::move(input)), keys_(std::move(keys)), calls_(std::move(calls)), groups_([&] {
        std::vector<core::Field> fields;
        for (int key : keys_) fields.push_back(input_.field(static_cast<size_t>(key)));
        return core::Schema(std::move(fields));
      }()) {
  int position = static_cast<int>(keys_.size());
  for (const AggregateCall& call : calls_) {
    auto state = std::make_unique<CallState>();
    state->function = call.function;
    if (mode_ == AggregateMode::kPartial) {
      if (call.column >= 0) state->valueType = input_.field(static_cast<size_t>(call.column)).type;
    } else {
      stateColumns_.push_back(position);
      state->valueType = input_.field(static_cast<size_t>(position)).type;
      position += stateWidth(call.function);
    }
    if (call.function == AggregateFunction::kMin || call.function == AggregateFunction::kMax) {
      state->extreme = core::Column(state->valueType);
    }
    states_.push_back(std::move(state));
  }
}

HashAggregator::~HashAggregator() = default;
HashAggregator::HashAggregator(HashAggregator&&) noexcept = default;

void HashAggregator::growStates(size_t groups) {
  for (auto& state : states_) state->resize(groups);
}

void HashAggregator::add(const core::ColumnBatch& batch) {
  size_t rows = batch.numRows();
  if (rows == 0) return;
  hashRows(batch, keys_, hashes_);
  groups_.findOrInsert(batch, keys_, hashes_, groupOfRow_);
  growStates(groups_.numGroups());
  const uint32_t* group = groupOfRow_.data();
  bool merging = mode_ != AggregateMode::kPartial;
  for (size_t c = 0; c < calls_.size(); ++c) {
    CallState& state = *states_[c];
    int column = merging ? stateColumns_[c] : calls_[c].column;
    switch (state.function) {
      case AggregateFunction::kCountStar:
      case AggregateFunction::kCount:
        if (merging) {
          const core::Column& counts = batch.column(static_cast<size_t>(column));
          for (size_t row = 0; row < rows; ++row) state.counts[group[row]] += counts.int64s[row];
        } else if (state.function == AggregateFunction::kCountStar) {
          for (size_t row = 0; row < rows; ++row) ++state.counts[group[row]];
        } else {
          const uint8_t* valid = batch.column(static_cast<size_t>(column)).valid.data();
          for (size_t row = 0; row < rows; ++row) state.counts[group[row]] += valid[row];
        }
        break;
      case AggregateFunction::kSum:
      case AggregateFunction::kAvg: {
        const core::Column& values = batch.column(static_cast<size_t>(column));
        const core::Column* counts =
            merging && state.function == AggregateFunction::kAvg ? &batch.column(static_cast<size_t>(column) + 1) : nullptr;
        for (size_t row = 0; row < rows; ++row) {
          if (!values.valid[row]) continue;
          uint32_t g = group[row];
          if (state.doubleSum()) {
            state.doubleSums[g] += values.doubles[row];
          } else {
            state.intSums[g] += values.int64s[row];
          }
          state.has[g] = 1;
          state.counts[g] += counts ? counts->int64s[row] : 1;
        }
        break;
      }
      case AggregateFunction::kMin:
      case AggregateFunction::kMax: {
        const core::Column& values = batch.column(static_cast<size_t>(column));
        bool isMin = state.function == AggregateFunction::kMin;
        for (size_t row = 0; row < rows; ++row) {
          if (!values.valid[row]) continue;
          uint32_t g = group[row];
          if (!state.extreme.valid[g] || (isMin ? lessThan(values, row, state.extreme, g) : lessThan(state.extreme, g, values, row))) {
            setValue(state.extreme, g, values, row);
          }
        }
        break;
      }
      case AggregateFunction::kCountDistinct: {
        const core::Column& values = batch.column(static_cast<size_t>(column));
        for (size_t row = 0; row < rows; ++row) {
          if (!values.valid[row]) continue;
          DistinctSet& set = *state.distinct[group[row]];
          size_t before = set.memoryBytes();
          if (merging) {
            decodeDistinctInto(values.strings[row], set);
          } else if (values.type.kind == core::TypeKind::kString) {
            set.strings.insert(values.strings[row]);
          } else {
            set.fixed.insert(fixedBits(values, row));
          }
          state.distinctBytes += set.memoryBytes() - before;  // sets only grow
        }
        break;
      }
    }
  }
}

core::Schema HashAggregator::stateSchema() const {
  return mode_ == AggregateMode::kPartial ? partialSchema(input_, keys_, calls_) : input_;
}

core::ColumnBatch HashAggregator::finish() { return emit(mode_ != AggregateMode::kFinal); }

core::ColumnBatch HashAggregator::takeState() { return emit(true); }

core::ColumnBatch HashAggregator::emit(bool emitState) {
  size_t groups = groups_.numGroups();
  // A global aggregate over no rows still answers: count 0, everything else null.
  if (groups == 0 && keys_.empty() && !emitState) groups = 1;
  growStates(groups);
  core::Schema schema = emitState ? stateSchema() : finalSchema(input_, keys_, calls_);
  std::vector<core::Column> columns;
  core::ColumnBatch keyBatch = groups_.takeKeys();
  for (size_t k = 0; k < keys_.size(); ++k) columns.push_back(std::move(keyBatch.column(k)));
  size_t field = keys_.size();
  for (size_t c = 0; c < calls_.size(); ++c) {
    CallState& state = *states_[c];
    core::Column out(schema.field(field).type);
    out.valid.assign(groups, 1);
    switch (state.function) {
      case AggregateFunction::kCount:
      case AggregateFunction::kCountStar:
        out.int64s = std::move(state.counts);
        out.int64s.resize(groups, 0);
        columns.push_back(std::move(out));
        break;
      case AggregateFunction::kCountDistinct:
        if (emitState) {
          out.strings.resize(groups);
          for (size_t g = 0; g < groups; ++g) out.strings[g] = encodeDistinct(*state.distinct[g]);
        } else {
          out.int64s.resize(groups);
          for (size_t g = 0; g < groups; ++g) out.int64s[g] = static_cast<int64_t>(state.distinct[g]->size());
        }
        columns.push_back(std::move(out));
        break;
      case AggregateFunction::kMin:
      case AggregateFunction::kMax:
        state.extreme.resize(groups);
        columns.push_back(std::move(state.extreme));
        break;
      case AggregateFunction::kSum:
      case AggregateFunction::kAvg: {
        bool average = state.function == AggregateFunction::kAvg;
        if (average && !emitState) {
          out.doubles.resize(groups);
          for (size_t g = 0; g < groups; ++g) {
            if (!state.has[g] || state.counts[g] == 0) {
              out.valid[g] = 0;
              continue;
            }
            long double sum = state.doubleSum() ? static_cast<long double>(state.doubleSums[g])
                                                : static_cast<long double>(state.intSums[g]);
            if (state.valueType.kind == core::TypeKind::kDecimal) {
              sum /= static_cast<long double>(core::powerOfTen(state.valueType.scale));
            }
            out.doubles[g] = static_cast<double>(sum / static_cast<long double>(state.counts[g]));
          }
          columns.push_back(std::move(out));
          break;
        }
        if (state.doubleSum()) {
          out.doubles.resize(groups);
          for (size_t g = 0; g < groups; ++g) {
            out.valid[g] = state.has[g];
            out.doubles[g] = state.has[g] ? state.doubleSums[g] : 0;
          }
        } else {
          out.int64s.resize(groups);
          for (size_t g = 0; g < groups; ++g) {
            bool ok = state.has[g] && fitsInt64(state.intSums[g]);
            out.valid[g] = ok;
            out.int64s[g] = ok ? static_cast<int64_t>(state.intSums[g]) : 0;
          }
        }
        columns.push_back(std::move(out));
        if (average) {
          core::Column counts(core::DataType::int64());
          counts.valid.assign(groups, 1);
          counts.int64s = std::move(state.counts);
          counts.int64s.resize(groups, 0);
          columns.push_back(std::move(counts));
          ++field;
        }
        break;
      }
    }
    ++field;
  }
  return core::ColumnBatch(std::move(schema), std::move(columns));
}

size_t HashAggregator::memoryBytes() const {
  size_t bytes = groups_.memoryBytes();
  for (const auto& state : states_) {
    bytes += state->counts.size() * 8 + state->intSums.size() * 16 + state->doubleSums.size() * 8 + state->has.size();
    bytes += state->extreme.valid.size() * 9;
    bytes += state->distinctBytes;
  }
  return bytes;
}

}  // namespace jobtuner::runtime

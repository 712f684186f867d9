// Feeds arbitrary text to the expression language: parse, check against a fixed schema, and when
// it checks, evaluate over a small batch with nulls and extreme values. Bad text must end in a
// UserError, never a crash; evaluation must never fail at all.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/errors.h"
#include "core/expression_checker.h"
#include "core/expression_evaluator.h"

using namespace jobtuner::core;

namespace {

ColumnBatch makeBatch() {
  Schema schema({{"i", DataType::int64()}, {"d", DataType::decimal(12, 3)}, {"x", DataType::float64()},
                 {"s", DataType::string()}, {"b", DataType::boolean()}, {"t", DataType::timestamp()}});
  ColumnBatch batch(schema);
  const int64_t ints[] = {0, -1, INT64_MAX, INT64_MIN, 42};
  for (int row = 0; row < 5; ++row) {
    if (row == 4) {
      for (size_t c = 0; c < batch.numColumns(); ++c) batch.column(c).appendNull();
      continue;
    }
    batch.column(0).appendInt64(ints[row]);
    batch.column(1).appendInt64(ints[row]);
    batch.column(2).appendDouble(row == 1 ? -0.0 : row == 2 ? 1e308 : row * 0.5);
    batch.column(3).appendString(row == 1 ? "h\xC3\xA9llo" : row == 2 ? "" : "50%_\\x");
    batch.column(4).appendBool(row % 2 == 0);
    batch.column(5).appendInt64(ints[row]);
  }
  return batch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ColumnBatch batch = makeBatch();
  if (size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    ExprPtr expr = compileExpression(text, batch.schema(), SourceLocation{"fuzz", 1, 1});
    Column result = evaluate(*expr, batch);
    if (result.size() != batch.numRows()) __builtin_trap();
  } catch (const UserError&) {
    // Bad text: the expected outcome for most inputs.
  }
  return 0;
}

#pragma once

// The vectorized evaluator of checked expressions: every node computes a whole column at once,
// in loops over plain arrays. SQL semantics throughout: null in, null out; `and`/`or` are
// three-valued (false and null = false, true or null = true); division or modulo by zero, integer
// or decimal overflow and a cast that cannot convert give null rather than an error, so one bad
// row never fails a job.

#include <cstdint>
#include <vector>

#include "core/column_batch.h"
#include "core/expression_ast.h"

namespace jobtuner::core {

/// Evaluates a checked expression over every row of `batch`; the result has expr.type (a `null`
/// literal gives a column of nulls typed int64) and batch.numRows() rows.
Column evaluate(const Expr& expr, const ColumnBatch& batch);

/// For a checked bool predicate: the indexes of the rows where it is true (null counts as false).
std::vector<uint32_t> selectRows(const Expr& predicate, const ColumnBatch& batch);

/// Keeps only `rows` of `batch`, in that order.
ColumnBatch takeRows(const ColumnBatch& batch, const std::vector<uint32_t>& rows);

/// Keeps only `rows` of `column`, in that order.
Column takeRows(const Column& column, const std::vector<uint32_t>& rows);

/// Converts one value to `to` as cast(x as to) does; false when it cannot (the result is null).
/// Exposed for readers that parse text into typed columns the same way.
bool castStringTo(std::string_view text, const DataType& to, int64_t& int64Out, double& doubleOut, bool& boolOut);

}  // namespace jobtuner::core

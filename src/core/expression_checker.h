#pragma once

// Type checking of expressions against a schema, before anything runs. The checker resolves
// columns and functions, gives every node its type and makes numeric promotion explicit by
// inserting implicit casts, so the evaluator never converts on its own.
//
// Types of the results:
//   - int64 op int64 is int64 for + - * %; decimals and int64 mix as decimals, anything with a
//     double as double. `/` always gives a double (so 7 / 2 is 3.5, unlike SQLite's 3).
//   - decimal + - : scale max(s1, s2), precision min(18, max(p1 - s1, p2 - s2) + scale + 1);
//     decimal * : scale s1 + s2 (at most 18, else an error asks for a cast), precision
//     min(18, p1 + p2 + 1); decimal % : the + - rule. int64 takes part as decimal(18,0).
//   - Comparisons need two numbers, two strings, two bools or two timestamps; a string literal
//     compared with a timestamp is read as an instant ('2026-11-22 09:00:00').
//   - `null` fits anywhere and takes the type the context needs.

#include <string_view>

#include "core/column_batch.h"
#include "core/errors.h"
#include "core/expression_ast.h"

namespace jobtuner::core {

/// Checks `root` against `schema` and annotates it in place (types, column indexes, functions,
/// implicit casts). `start` is where the expression text begins in its file; a UserError points
/// at the offending token, naming the nearest column or function when a name is unknown.
void checkExpression(ExprPtr& root, const Schema& schema, const SourceLocation& start = {});

/// Parses and checks `text`: the one call a job or rule loader needs.
ExprPtr compileExpression(std::string_view text, const Schema& schema, const SourceLocation& start = {});

/// Parses and checks a condition (a filter, a rule's `when`): its type must be bool.
ExprPtr compilePredicate(std::string_view text, const Schema& schema, const SourceLocation& start = {});

/// The names of the built-in functions, as users write them.
const std::vector<std::string>& functionNames();

}  // namespace jobtuner::core

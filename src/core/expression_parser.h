#pragma once

// The one parser of the expression language (jobs' filter/select/derive, later the rule engine).
// Precedence, loosest first: or, and, not, comparisons (= == != <> < <= > >= like, is [not] null,
// [not] in (...)), + -, * / %, unary -. Literals: 42 (int64), 1.25 (decimal(3,2)), 1e3 (double),
// 'text' ('' holds a quote), true, false, null. Names are columns unless followed by '(' (a
// function call); `odd name` quotes a column name. cast(x as type) converts.

#include <string_view>

#include "core/errors.h"
#include "core/expression_ast.h"
#include "core/expression_lexer.h"

namespace jobtuner::core {

/// Parses `text` into an unchecked tree. Limits: 200 levels of nesting, 4096 tokens (UserError
/// beyond them). `start` is where the text begins in its file; errors
/// (UserError) point at the offending token's column.
/// In the rule dialect a number may carry a unit: a kQuantity node whose unit the rule engine
/// checks and converts.
ExprPtr parseExpression(std::string_view text, const SourceLocation& start = {},
                        ExpressionDialect dialect = ExpressionDialect::kJob);

/// Renders a tree back as fully parenthesised text, for tests and messages: "((a + 1) * b)".
std::string expressionToString(const Expr& expr);

}  // namespace jobtuner::core

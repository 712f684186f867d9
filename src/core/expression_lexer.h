#pragma once

// Tokens of the expression language. Keywords (and, or, not, is, null, like, in, true, false,
// cast, as) are identifiers the parser recognises case-insensitively; a backquoted identifier
// (`odd name`) is never a keyword.

#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"

namespace jobtuner::core {

enum class TokenKind : uint8_t {
  kInteger,     // 42
  kDecimal,     // 1.25
  kDouble,      // 1e3, 1.5e-2
  kString,      // 'it''s' (value holds it's)
  kIdentifier,  // name or `quoted name` (quoted set)
  kOperator,    // + - * / % ( ) , = == != <> < <= > >=
  kQuantity,    // 10s, 256MB, 5% (rule files only): text is the whole, value the unit
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  /// The token exactly as written.
  std::string_view text;
  /// The decoded value of strings and identifiers; the text otherwise.
  std::string value;
  size_t offset = 0;
  bool quoted = false;

  /// True for an unquoted identifier equal to `keyword`, ASCII case ignored.
  bool isKeyword(std::string_view keyword) const;
  bool isOperator(std::string_view op) const { return kind == TokenKind::kOperator && text == op; }
};

/// Where the character at `offset` of an expression is, given where the expression text starts
/// in its file (expressions are single-line YAML scalars).
SourceLocation expressionLocation(const SourceLocation& start, size_t offset);

/// Which expressions are read: jobs' (no units) or rule files' (a number may carry a unit).
enum class ExpressionDialect { kJob, kRule };

/// Splits an expression into tokens, ending with a kEnd token at the text's end. Throws
/// UserError at the offending character for an unterminated string or backquote, or a character
/// the language does not use.
std::vector<Token> tokenizeExpression(std::string_view text, const SourceLocation& start,
                                      ExpressionDialect dialect = ExpressionDialect::kJob);

}  // namespace jobtuner::core

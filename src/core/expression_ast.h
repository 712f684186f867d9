#pragma once

// The syntax tree of the expression language. The parser builds it; the checker resolves names,
// sets every node's type and inserts the implicit casts of numeric promotion, so the evaluator
// only sees operands of matching types. Every node keeps its offset in the expression text, so
// errors can point at the exact column.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/data_type.h"

namespace jobtuner::core {

enum class ExprKind : uint8_t {
  kLiteral,   // type says which value field holds it; kNull for `null`
  kColumn,    // name; columnIndex after checking
  kUnary,     // unaryOp, one child
  kBinary,    // binaryOp, two children
  kIsNull,    // one child; negated for `is not null`
  kLike,      // value and pattern; negated for `not like`
  kIn,        // the value then the list; negated for `not in`
  kFunction,  // name; function after checking
  kCast,      // one child; targetType; implicit when the checker inserted it
  kQuantity,  // rule files only: a number with a unit (10s, 256MB, 5%); doubleValue and the unit in text
};

enum class UnaryOp : uint8_t { kNegate, kNot };

enum class BinaryOp : uint8_t {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  kEqual,
  kNotEqual,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kAnd,
  kOr,
};

/// The built-in functions, resolved from their names by the checker.
enum class Function : uint8_t {
  kUnresolved,
  kLower,
  kUpper,
  kSubstr,
  kConcat,
  kLength,
  kCoalesce,
  kYear,
  kMonth,
  kDay,
  kHour,
  kMinute,
  kSecond,
  kDayOfWeek,
  kAbs,
  kRound,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  /// Byte offset of the node's token in the expression text (the operator for binary nodes, the
  /// name for functions and columns).
  size_t offset = 0;

  // Literals: the value in the field that `type` selects (decimals are scaled int64s).
  int64_t int64Value = 0;
  double doubleValue = 0;
  bool boolValue = false;
  /// String literal value, column name or function name (as written).
  std::string text;

  UnaryOp unaryOp = UnaryOp::kNegate;
  BinaryOp binaryOp = BinaryOp::kAdd;
  bool negated = false;
  DataType targetType;
  bool implicit = false;
  std::vector<ExprPtr> children;

  // Set by the checker.
  DataType type;
  size_t columnIndex = 0;
  Function function = Function::kUnresolved;
};

/// Returns the operator as users write it ("+", "<=", "and").
const char* binaryOpName(BinaryOp op);

}  // namespace jobtuner::core

#include "core/expression_checker.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/expression_lexer.h"
#include "core/expression_parser.h"
#include "core/nearest_name.h"

namespace jobtuner::core {

namespace {

struct FunctionInfo {
  const char* name;
  Function function;
  size_t minArgs;
  size_t maxArgs;  // SIZE_MAX: any number
};

constexpr size_t kAnyNumber = SIZE_MAX;

constexpr FunctionInfo kFunctions[] = {
    {"lower", Function::kLower, 1, 1},       {"upper", Function::kUpper, 1, 1},
    {"substr", Function::kSubstr, 2, 3},     {"concat", Function::kConcat, 1, kAnyNumber},
    {"length", Function::kLength, 1, 1},     {"coalesce", Function::kCoalesce, 1, kAnyNumber},
    {"year", Function::kYear, 1, 1},         {"month", Function::kMonth, 1, 1},
    {"day", Function::kDay, 1, 1},           {"hour", Function::kHour, 1, 1},
    {"minute", Function::kMinute, 1, 1},     {"second", Function::kSecond, 1, 1},
    {"day_of_week", Function::kDayOfWeek, 1, 1}, {"abs", Function::kAbs, 1, 1},
    {"round", Function::kRound, 1, 2},
};

const FunctionInfo* findFunction(std::string_view name) {
  for (const FunctionInfo& info : kFunctions) {
    if (editDistance(name, info.name) == 0 && name.size() == std::string_view(info.name).size()) return &info;
  }
  return nullptr;
}

std::string arityText(const FunctionInfo& info) {
  auto arguments = [](size_t n) { return fmt::format("{} argument{}", n, n == 1 ? "" : "s"); };
  if (info.maxArgs == kAnyNumber) return fmt::format("at least {}", arguments(info.minArgs));
  if (info.minArgs == info.maxArgs) return arguments(info.minArgs);
  return fmt::format("{} or {}", info.minArgs, arguments(info.maxArgs));
}

/// Where the text of a node begins: its leftmost token, which for operators is the left operand.
size_t startOffset(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::kBinary:
    case ExprKind::kIsNull:
    case ExprKind::kIn: return startOffset(*expr.children[0]);
    case ExprKind::kLike: return std::min(expr.offset, startOffset(*expr.children[0]));
    default: return expr.offset;
  }
}

/// The type both operands convert to, if any: numbers promote int64 → decimal → double.
std::optional<DataType> commonType(const DataType& a, const DataType& b) {
  if (a.kind == TypeKind::kNull) return b;
  if (b.kind == TypeKind::kNull) return a;
  if (a.isNumeric() && b.isNumeric()) {
    if (a.kind == TypeKind::kDouble || b.kind == TypeKind::kDouble) return DataType::float64();
    if (a.kind == TypeKind::kInt64 && b.kind == TypeKind::kInt64) return DataType::int64();
    DataType left = a.kind == TypeKind::kInt64 ? DataType::decimal(DataType::kMaxDecimalPrecision, 0) : a;
    DataType right = b.kind == TypeKind::kInt64 ? DataType::decimal(DataType::kMaxDecimalPrecision, 0) : b;
    int scale = std::max(left.scale, right.scale);
    int integerDigits = std::max(left.precision - left.scale, right.precision - right.scale);
    return DataType::decimal(std::min(DataType::kMaxDecimalPrecision, integerDigits + scale), scale);
  }
  if (a == b) return a;
  return std::nullopt;
}

bool castAllowed(const DataType& from, const DataType& to) {
  if (from.kind == TypeKind::kNull || from == to) return true;
  if (from.kind == TypeKind::kString || to.kind == TypeKind::kString) return true;
  bool fromNumberOrBool = from.isNumeric() || from.kind == TypeKind::kBool;
  bool toNumberOrBool = to.isNumeric() || to.kind == TypeKind::kBool;
  if (fromNumberOrBool && toNumberOrBool) return true;
  // Timestamps are epoch milliseconds: they convert to and from int64 only.
  if (from.kind == TypeKind::kTimestamp) return to.kind == TypeKind::kInt64;
  if (to.kind == TypeKind::kTimestamp) return from.kind == TypeKind::kInt64;
  return false;
}

class Checker {
 public:
  Checker(const Schema& schema, const SourceLocation& start) : schema_(schema), start_(start) {}

  void check(ExprPtr& expr) {
    for (ExprPtr& child : expr->children) check(child);
    switch (expr->kind) {
      case ExprKind::kLiteral: break;
      case ExprKind::kColumn: checkColumn(*expr); break;
      case ExprKind::kUnary: checkUnary(*expr); break;
      case ExprKind::kBinary: checkBinary(*expr); break;
      case ExprKind::kIsNull: expr->type = DataType::boolean(); break;
      case ExprKind::kLike: checkLike(*expr); break;
      case ExprKind::kIn: checkIn(*expr); break;
      case ExprKind::kFunction: checkFunction(*expr); break;
      case ExprKind::kCast: checkCast(*expr); break;
      case ExprKind::kQuantity: fail(expr->offset, "a number with a unit belongs to rule files");
    }
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& message, std::string hint = {}) const {
    throw UserError(expressionLocation(start_, offset), message, std::move(hint));
  }

  /// Wraps `expr` in an implicit cast to `type` unless it already has it.
  static void coerce(ExprPtr& expr, const DataType& type) {
    if (expr->type == type) return;
    auto cast = std::make_unique<Expr>();
    cast->kind = ExprKind::kCast;
    cast->offset = expr->offset;
    cast->implicit = true;
    cast->targetType = type;
    cast->type = type;
    cast->children.push_back(std::move(expr));
    expr = std::move(cast);
  }

  /// A string literal next to a timestamp reads as an instant; anything else stays as it is.
  void timestampLiteral(ExprPtr& expr, const DataType& other) {
    if (other.kind != TypeKind::kTimestamp || expr->kind != ExprKind::kLiteral ||
        expr->type.kind != TypeKind::kString) {
      return;
    }
    std::optional<int64_t> instant = parseTimestamp(expr->text);
    if (!instant) {
      fail(expr->offset, fmt::format("not a timestamp: '{}'", expr->text),
           "write '2026-11-22', '2026-11-22 09:30:00' or '2026-11-22T09:30:00.250Z' (UTC)");
    }
    expr->type = DataType::timestamp();
    expr->int64Value = *instant;
  }

  void checkColumn(Expr& expr) {
    std::optional<size_t> index = schema_.findField(expr.text);
    if (!index) {
      std::vector<std::string> names = schema_.names();
      std::string hint = names.empty() ? "the input has no columns" : "columns: " + fmt::format("{}", fmt::join(names, ", "));
      fail(expr.offset, fmt::format("unknown column '{}'{}", expr.text, didYouMean(expr.text, names)), hint);
    }
    expr.columnIndex = *index;
    expr.type = schema_.field(*index).type;
  }

  void checkUnary(Expr& expr) {
    const DataType& operand = expr.children[0]->type;
    if (expr.unaryOp == UnaryOp::kNot) {
      if (operand.kind != TypeKind::kBool && operand.kind != TypeKind::kNull) {
        fail(expr.offset, fmt::format("'not' needs a bool operand, got {}", operand.name()));
      }
      coerce(expr.children[0], DataType::boolean());
      expr.type = DataType::boolean();
      return;
    }
    if (!operand.isNumeric() && operand.kind != TypeKind::kNull) {
      fail(expr.offset, fmt::format("'-' needs a number, got {}", operand.name()));
    }
    expr.type = operand;
  }

  void checkBinary(Expr& expr) {
    ExprPtr& left = expr.children[0];
    ExprPtr& right = expr.children[1];
    const char* op = binaryOpName(expr.binaryOp);
    switch (expr.binaryOp) {
      case BinaryOp::kAnd:
      case BinaryOp::kOr:
        for (ExprPtr* side : {&left, &right}) {
          if ((*side)->type.kind != TypeKind::kBool && (*side)->type.kind != TypeKind::kNull) {
            fail(startOffset(**side), fmt::format("'{}' needs bool operands, got {}", op, (*side)->type.name()),
                 "compare the value, e.g. x != 0");
          }
          coerce(*side, DataType::boolean());
        }
        expr.type = DataType::boolean();
        return;
      case BinaryOp::kEqual:
      case BinaryOp::kNotEqual:
      case BinaryOp::kLess:
      case BinaryOp::kLessEqual:
      case BinaryOp::kGreater:
      case BinaryOp::kGreaterEqual: {
        timestampLiteral(left, right->type);
        timestampLiteral(right, left->type);
        std::optional<DataType> common = commonType(left->type, right->type);
        if (!common) {
          fail(expr.offset, fmt::format("cannot compare {} with {}", left->type.name(), right->type.name()),
               "convert one side with cast(x as type)");
        }
        coerce(left, *common);
        coerce(right, *common);
        expr.type = DataType::boolean();
        return;
      }
      default: checkArithmetic(expr, op); return;
    }
  }

  void checkArithmetic(Expr& expr, const char* op) {
    ExprPtr& left = expr.children[0];
    ExprPtr& right = expr.children[1];
    for (ExprPtr* side : {&left, &right}) {
      const DataType& type = (*side)->type;
      if (!type.isNumeric() && type.kind != TypeKind::kNull) {
        std::string hint = type.kind == TypeKind::kString && expr.binaryOp == BinaryOp::kAdd
                               ? "join strings with concat(a, b)"
                               : "convert it with cast(x as double)";
        fail(startOffset(**side), fmt::format("'{}' needs numbers, got {}", op, type.name()), hint);
      }
    }
    std::optional<DataType> common = commonType(left->type, right->type);
    if (common->kind == TypeKind::kNull) {
      expr.type = DataType::null();
      return;
    }
    if (expr.binaryOp == BinaryOp::kDivide) {
      // Division is inexact for integers and decimals alike: a double says so.
      coerce(left, DataType::float64());
      coerce(right, DataType::float64());
      expr.type = DataType::float64();
      return;
    }
    if (common->kind != TypeKind::kDecimal) {
      coerce(left, *common);
      coerce(right, *common);
      expr.type = *common;
      return;
    }
    auto asDecimal = [](const DataType& type) {
      return type.kind == TypeKind::kDecimal ? type : DataType::decimal(DataType::kMaxDecimalPrecision, 0);
    };
    DataType a = asDecimal(left->type), b = asDecimal(right->type);
    if (expr.binaryOp == BinaryOp::kMultiply) {
      // The product of the unscaled values has scale s1 + s2: no operand needs rescaling.
      if (a.scale + b.scale > DataType::kMaxDecimalPrecision) {
        fail(expr.offset,
             fmt::format("the product of {} and {} needs a scale of {}, more than the maximum of {}", a.name(),
                         b.name(), a.scale + b.scale, DataType::kMaxDecimalPrecision),
             "cast an operand to a decimal with fewer digits after the point, or to double");
      }
      coerce(left, a);
      coerce(right, b);
      expr.type = DataType::decimal(std::min(DataType::kMaxDecimalPrecision, a.precision + b.precision + 1),
                                    a.scale + b.scale);
      return;
    }
    int scale = std::max(a.scale, b.scale);
    int integerDigits = std::max(a.precision - a.scale, b.precision - b.scale);
    coerce(left, DataType::decimal(DataType::kMaxDecimalPrecision, scale));
    coerce(right, DataType::decimal(DataType::kMaxDecimalPrecision, scale));
    expr.type = DataType::decimal(std::min(DataType::kMaxDecimalPrecision, integerDigits + scale + 1), scale);
  }

  void checkLike(Expr& expr) {
    for (size_t i = 0; i < 2; ++i) {
      const DataType& type = expr.children[i]->type;
      if (type.kind != TypeKind::kString && type.kind != TypeKind::kNull) {
        fail(startOffset(*expr.children[i]),
             fmt::format("'like' needs strings, got {} {}", type.name(), i == 0 ? "on the left" : "as the pattern"),
             "convert it with cast(x as string)");
      }
      coerce(expr.children[i], DataType::string());
    }
    expr.type = DataType::boolean();
  }

  void checkIn(Expr& expr) {
    DataType common = expr.children[0]->type;
    for (size_t i = 1; i < expr.children.size(); ++i) {
      timestampLiteral(expr.children[i], expr.children[0]->type);
      std::optional<DataType> next = commonType(common, expr.children[i]->type);
      if (!next) {
        fail(startOffset(*expr.children[i]),
             fmt::format("cannot compare {} with {} in the 'in' list", expr.children[0]->type.name(),
                         expr.children[i]->type.name()),
             "convert one side with cast(x as type)");
      }
      common = *next;
    }
    for (ExprPtr& child : expr.children) coerce(child, common);
    expr.type = DataType::boolean();
  }

  /// Checks that argument `index` of a call has a type `accepts` takes (null always fits) and
  /// converts it to `to`.
  template <typename Accepts>
  void argument(Expr& call, size_t index, const char* wanted, Accepts accepts, const DataType& to) {
    ExprPtr& arg = call.children[index];
    if (arg->type.kind != TypeKind::kNull && !accepts(arg->type)) {
      fail(startOffset(*arg),
           fmt::format("argument {} of {} must be {}, got {}", index + 1, call.text, wanted, arg->type.name()));
    }
    coerce(arg, arg->type.kind == TypeKind::kNull || to.kind != TypeKind::kNull ? to : arg->type);
  }

  void checkFunction(Expr& expr) {
    std::string lowered;
    for (char c : expr.text) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const FunctionInfo* info = findFunction(lowered);
    if (!info) {
      if (schema_.findField(expr.text)) {
        fail(expr.offset, fmt::format("'{}' is a column, not a function", expr.text),
             fmt::format("write `{}` alone, or put an operator before the '('", expr.text));
      }
      fail(expr.offset, fmt::format("unknown function '{}'{}", expr.text, didYouMean(lowered, functionNames())),
           "functions: " + fmt::format("{}", fmt::join(functionNames(), ", ")));
    }
    size_t numArgs = expr.children.size();
    if (numArgs < info->minArgs || numArgs > info->maxArgs) {
      fail(expr.offset, fmt::format("{} takes {}, got {}", info->name, arityText(*info), numArgs));
    }
    expr.function = info->function;
    auto isString = [](const DataType& t) { return t.kind == TypeKind::kString; };
    auto isInt64 = [](const DataType& t) { return t.kind == TypeKind::kInt64; };
    auto isTimestamp = [](const DataType& t) { return t.kind == TypeKind::kTimestamp; };
    auto isNumeric = [](const DataType& t) { return t.isNumeric(); };
    switch (info->function) {
      case Function::kLower:
      case Function::kUpper:
        argument(expr, 0, "a string", isString, DataType::string());
        expr.type = DataType::string();
        break;
      case Function::kLength:
        argument(expr, 0, "a string", isString, DataType::string());
        expr.type = DataType::int64();
        break;
      case Function::kSubstr:
        argument(expr, 0, "a string", isString, DataType::string());
        for (size_t i = 1; i < numArgs; ++i) argument(expr, i, "an int64", isInt64, DataType::int64());
        expr.type = DataType::string();
        break;
      case Function::kConcat:
        for (size_t i = 0; i < numArgs; ++i) argument(expr, i, "a string", isString, DataType::string());
        expr.type = DataType::string();
        break;
      case Function::kCoalesce: checkCoalesce(expr); break;
      case Function::kYear:
      case Function::kMonth:
      case Function::kDay:
      case Function::kHour:
      case Function::kMinute:
      case Function::kSecond:
      case Function::kDayOfWeek:
        argument(expr, 0, "a timestamp", isTimestamp, DataType::timestamp());
        expr.type = DataType::int64();
        break;
      case Function::kAbs:
        argument(expr, 0, "a number", isNumeric, DataType::null());
        expr.type = expr.children[0]->type;
        break;
      case Function::kRound: checkRound(expr); break;
      case Function::kUnresolved: break;
    }
  }

  void checkCoalesce(Expr& expr) {
    DataType common = DataType::null();
    for (const ExprPtr& arg : expr.children) {
      std::optional<DataType> next = commonType(common, arg->type);
      if (!next) {
        fail(startOffset(*arg), fmt::format("arguments of coalesce must have one type, got {} and {}",
                                            common.name(), arg->type.name()),
             "convert them with cast(x as type)");
      }
      common = *next;
    }
    for (ExprPtr& arg : expr.children) coerce(arg, common);
    expr.type = common;
  }

  void checkRound(Expr& expr) {
    argument(expr, 0, "a number", [](const DataType& t) { return t.isNumeric(); }, DataType::null());
    const DataType& value = expr.children[0]->type;
    int64_t digits = 0;
    if (expr.children.size() == 2) {
      // The digits decide the result's type (a decimal's scale), so they must be known now.
      const Expr& arg = *expr.children[1];
      if (arg.kind != ExprKind::kLiteral || arg.type.kind != TypeKind::kInt64) {
        fail(startOffset(arg), "argument 2 of round must be an integer literal (the number of digits)");
      }
      digits = arg.int64Value;
      if (digits < -18 || digits > 18) fail(arg.offset, fmt::format("round takes -18 to 18 digits, got {}", digits));
    }
    if (value.kind == TypeKind::kDecimal) {
      int scale = static_cast<int>(std::clamp<int64_t>(digits, 0, value.scale));
      expr.type = DataType::decimal(value.precision, scale);
    } else {
      expr.type = value;
    }
  }

  void checkCast(Expr& expr) {
    const DataType& from = expr.children[0]->type;
    if (!castAllowed(from, expr.targetType)) {
      fail(expr.offset, fmt::format("cannot cast {} to {}", from.name(), expr.targetType.name()),
           from.kind == TypeKind::kTimestamp || expr.targetType.kind == TypeKind::kTimestamp
               ? "timestamps convert to and from int64 (epoch milliseconds) and string"
               : std::string());
    }
    expr.type = expr.targetType;
  }

  const Schema& schema_;
  SourceLocation start_;
};

}  // namespace

const std::vector<std::string>& functionNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const FunctionInfo& info : kFunctions) names.emplace_back(info.name);
    return names;
  }();
  return kNames;
}

void checkExpression(ExprPtr& root, const Schema& schema, const SourceLocation& start) {
  Checker(schema, start).check(root);
}

ExprPtr compileExpression(std::string_view text, const Schema& schema, const SourceLocation& start) {
  ExprPtr root = parseExpression(text, start);
  checkExpression(root, schema, start);
  return root;
}

ExprPtr compilePredicate(std::string_view text, const Schema& schema, const SourceLocation& start) {
  ExprPtr root = compileExpression(text, schema, start);
  if (root->type.kind == TypeKind::kNull) {
    auto cast = std::make_unique<Expr>();
    cast->kind = ExprKind::kCast;
    cast->implicit = true;
    cast->targetType = cast->type = DataType::boolean();
    cast->children.push_back(std::move(root));
    return cast;
  }
  if (root->type.kind != TypeKind::kBool) {
    throw UserError(expressionLocation(start, startOffset(*root)),
                    fmt::format("a condition must be a bool expression, this one is {}", root->type.name()),
                    "compare the value, e.g. x > 0");
  }
  return root;
}

}  // namespace jobtuner::core

#include "core/expression_parser.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "core/column_batch.h"
#include "core/expression_lexer.h"

namespace jobtuner::core {

const char* binaryOpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSubtract: return "-";
    case BinaryOp::kMultiply: return "*";
    case BinaryOp::kDivide: return "/";
    case BinaryOp::kModulo: return "%";
    case BinaryOp::kEqual: return "=";
    case BinaryOp::kNotEqual: return "!=";
    case BinaryOp::kLess: return "<";
    case BinaryOp::kLessEqual: return "<=";
    case BinaryOp::kGreater: return ">";
    case BinaryOp::kGreaterEqual: return ">=";
    case BinaryOp::kAnd: return "and";
    case BinaryOp::kOr: return "or";
  }
  return "?";
}

namespace {

// Words that cannot be column names without backquotes, since the grammar gives them a meaning.
constexpr std::string_view kReservedWords[] = {"and", "or", "not", "is", "null", "like", "in",
                                               "true", "false", "cast", "as"};

class Parser {
 public:
  Parser(std::string_view text, const SourceLocation& start, ExpressionDialect dialect)
      : start_(start), tokens_(tokenizeExpression(text, start, dialect)) {}

  ExprPtr parse() {
    if (peek().kind == TokenKind::kEnd) fail(peek(), "empty expression");
    // A chain of binary operators builds a tree as deep as it is long, which the checker, the
    // evaluator and the destructor walk recursively: the token count bounds that depth.
    if (tokens_.size() > kMaxTokens) {
      fail(tokens_[kMaxTokens], fmt::format("the expression is longer than {} tokens", kMaxTokens), "split it into simpler steps");
    }
    ExprPtr expr = parseOr();
    if (peek().kind != TokenKind::kEnd) {
      fail(peek(), fmt::format("unexpected {} after a complete expression", describe(peek())),
           "join conditions with 'and' or 'or'");
    }
    return expr;
  }

 private:
  const Token& peek(size_t ahead = 0) const { return tokens_[std::min(position_ + ahead, tokens_.size() - 1)]; }
  const Token& next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }

  [[noreturn]] void fail(const Token& token, const std::string& message, std::string hint = {}) const {
    throw UserError(expressionLocation(start_, token.offset), message, std::move(hint));
  }

  static std::string describe(const Token& token) {
    if (token.kind == TokenKind::kEnd) return "end of expression";
    return fmt::format("'{}'", token.text);
  }

  void expectOperator(std::string_view op, const Token& opening) {
    if (!peek().isOperator(op)) {
      std::string message = fmt::format("expected '{}', found {}", op, describe(peek()));
      if (op == ")") {
        message = fmt::format("expected ')' to close the '(' at column {}, found {}",
                              expressionLocation(start_, opening.offset).column, describe(peek()));
        if (start_.column <= 0) {
          message = fmt::format("expected ')' to close the '(' at offset {}, found {}", opening.offset,
                                describe(peek()));
        }
      }
      fail(peek(), message);
    }
    next();
  }

  static ExprPtr binary(BinaryOp op, size_t offset, ExprPtr left, ExprPtr right) {
    auto expr = std::make_unique<Expr>();
    expr->kind = ExprKind::kBinary;
    expr->binaryOp = op;
    expr->offset = offset;
    expr->children.push_back(std::move(left));
    expr->children.push_back(std::move(right));
    return expr;
  }

  /// Counts one level of nesting while alive. Every recursion of the grammar (parentheses,
  /// function arguments, cast, not, unary minus) takes one, so no text can exhaust the stack.
  struct Nesting {
    explicit Nesting(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxDepth) {
        parser_.fail(parser_.peek(), fmt::format("the expression nests deeper than {} levels", kMaxDepth),
                     "split it into simpler steps");
      }
    }
    ~Nesting() { --parser_.depth_; }
    Parser& parser_;
  };

  ExprPtr parseOr() {
    Nesting nesting(*this);
    ExprPtr left = parseAnd();
    while (peek().isKeyword("or")) {
      size_t offset = next().offset;
      left = binary(BinaryOp::kOr, offset, std::move(left), parseAnd());
    }
    return left;
  }

  ExprPtr parseAnd() {
    ExprPtr left = parseNot();
    while (peek().isKeyword("and")) {
      size_t offset = next().offset;
      left = binary(BinaryOp::kAnd, offset, std::move(left), parseNot());
    }
    return left;
  }

  ExprPtr parseNot() {
    if (peek().isKeyword("not")) {
      Nesting nesting(*this);
      auto expr = std::make_unique<Expr>();
      expr->kind = ExprKind::kUnary;
      expr->unaryOp = UnaryOp::kNot;
      expr->offset = next().offset;
      expr->children.push_back(parseNot());
      return expr;
    }
    return parseComparison();
  }

  static std::optional<BinaryOp> comparisonOp(const Token& token) {
    if (token.kind != TokenKind::kOperator) return std::nullopt;
    if (token.text == "=" || token.text == "==") return BinaryOp::kEqual;
    if (token.text == "!=" || token.text == "<>") return BinaryOp::kNotEqual;
    if (token.text == "<") return BinaryOp::kLess;
    if (token.text == "<=") return BinaryOp::kLessEqual;
    if (token.text == ">") return BinaryOp::kGreater;
    if (token.text == ">=") return BinaryOp::kGreaterEqual;
    return std::nullopt;
  }

  ExprPtr parseComparison() {
    ExprPtr left = parseAdditive();
    for (;;) {
      const Token& token = peek();
      if (std::optional<BinaryOp> op = comparisonOp(token)) {
        size_t offset = next().offset;
        left = binary(*op, offset, std::move(left), parseAdditive());
      } else if (token.isKeyword("is")) {
        auto expr = std::make_unique<Expr>();
        expr->kind = ExprKind::kIsNull;
        expr->offset = next().offset;
        if (peek().isKeyword("not")) {
          next();
          expr->negated = true;
        }
        if (!peek().isKeyword("null")) {
          fail(peek(), fmt::format("expected 'null' after '{}', found {}", expr->negated ? "is not" : "is",
                                   describe(peek())),
               "compare values with '=' or '!='");
        }
        next();
        expr->children.push_back(std::move(left));
        left = std::move(expr);
      } else if (token.isKeyword("like") || token.isKeyword("in") ||
                 (token.isKeyword("not") && (peek(1).isKeyword("like") || peek(1).isKeyword("in")))) {
        auto expr = std::make_unique<Expr>();
        expr->offset = token.offset;
        if (token.isKeyword("not")) {
          next();
          expr->negated = true;
        }
        bool isLike = next().isKeyword("like");
        expr->children.push_back(std::move(left));
        if (isLike) {
          expr->kind = ExprKind::kLike;
          expr->children.push_back(parseAdditive());
        } else {
          expr->kind = ExprKind::kIn;
          const Token& opening = peek();
          if (!opening.isOperator("(")) fail(opening, fmt::format("expected '(' after 'in', found {}", describe(opening)));
          next();
          expr->children.push_back(parseOr());
          while (peek().isOperator(",")) {
            next();
            expr->children.push_back(parseOr());
          }
          expectOperator(")", opening);
        }
        left = std::move(expr);
      } else {
        return left;
      }
    }
  }

  ExprPtr parseAdditive() {
    ExprPtr left = parseMultiplicative();
    while (peek().isOperator("+") || peek().isOperator("-")) {
      const Token& token = next();
      BinaryOp op = token.text == "+" ? BinaryOp::kAdd : BinaryOp::kSubtract;
      left = binary(op, token.offset, std::move(left), parseMultiplicative());
    }
    return left;
  }

  ExprPtr parseMultiplicative() {
    ExprPtr left = parseUnary();
    while (peek().isOperator("*") || peek().isOperator("/") || peek().isOperator("%")) {
      const Token& token = next();
      BinaryOp op = token.text == "*" ? BinaryOp::kMultiply : token.text == "/" ? BinaryOp::kDivide : BinaryOp::kModulo;
      left = binary(op, token.offset, std::move(left), parseUnary());
    }
    return left;
  }

  ExprPtr parseUnary() {
    if (peek().isOperator("-")) {
      Nesting nesting(*this);
      auto expr = std::make_unique<Expr>();
      expr->kind = ExprKind::kUnary;
      expr->unaryOp = UnaryOp::kNegate;
      expr->offset = next().offset;
      expr->children.push_back(parseUnary());
      return expr;
    }
    return parsePrimary();
  }

  ExprPtr literal(const Token& token, DataType type) {
    auto expr = std::make_unique<Expr>();
    expr->kind = ExprKind::kLiteral;
    expr->offset = token.offset;
    expr->type = type;
    return expr;
  }

  ExprPtr parseNumber(const Token& token) {
    std::string_view text = token.text;
    if (token.kind == TokenKind::kInteger) {
      ExprPtr expr = literal(token, DataType::int64());
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), expr->int64Value);
      if (error != std::errc()) {
        fail(token, fmt::format("integer literal out of range: {}", text), "write it as a double, e.g. 1e19");
      }
      return expr;
    }
    if (token.kind == TokenKind::kDecimal) {
      // 1.25 is exact: decimal(3,2). Past 18 digits no int64 holds it, so it becomes a double.
      size_t point = text.find('.');
      std::string digits = std::string(text.substr(0, point)) + std::string(text.substr(point + 1));
      size_t firstNonZero = digits.find_first_not_of('0');
      size_t significant = firstNonZero == std::string::npos ? 1 : digits.size() - firstNonZero;
      int scale = static_cast<int>(text.size() - point - 1);
      int precision = std::max(static_cast<int>(significant), std::max(scale, 1));
      if (precision <= DataType::kMaxDecimalPrecision) {
        ExprPtr expr = literal(token, DataType::decimal(precision, scale));
        std::from_chars(digits.data(), digits.data() + digits.size(), expr->int64Value);
        return expr;
      }
    }
    ExprPtr expr = literal(token, DataType::float64());
    expr->doubleValue = std::strtod(std::string(text).c_str(), nullptr);
    return expr;
  }

  DataType parseTypeName() {
    const Token& first = peek();
    if (first.kind != TokenKind::kIdentifier) {
      fail(first, fmt::format("expected a type name after 'as', found {}", describe(first)),
           "types are int64, double, decimal(p,s), string, bool, timestamp");
    }
    std::string name(next().text);
    if (peek().isOperator("(")) {
      while (peek().kind != TokenKind::kEnd && !peek().isOperator(")")) name += next().text;
      if (peek().isOperator(")")) name += next().text;
    }
    std::optional<DataType> type = parseDataType(name);
    if (!type) fail(first, parseDataTypeError(name), "types are int64, double, decimal(p,s), string, bool, timestamp");
    return *type;
  }

  ExprPtr parsePrimary() {
    const Token& token = peek();
    switch (token.kind) {
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kDouble: return parseNumber(next());
      case TokenKind::kQuantity: {
        const Token& quantity = next();
        auto expr = std::make_unique<Expr>();
        expr->kind = ExprKind::kQuantity;
        expr->offset = quantity.offset;
        expr->text = quantity.value;
        std::string number(quantity.text.substr(0, quantity.text.size() - quantity.value.size()));
        expr->doubleValue = std::strtod(number.c_str(), nullptr);
        return expr;
      }
      case TokenKind::kString: {
        ExprPtr expr = literal(next(), DataType::string());
        expr->text = token.value;
        return expr;
      }
      case TokenKind::kIdentifier: return parseName();
      case TokenKind::kOperator:
        if (token.isOperator("(")) {
          const Token& opening = next();
          ExprPtr inner = parseOr();
          expectOperator(")", opening);
          return inner;
        }
        fail(token, fmt::format("expected a value, found {}", describe(token)));
      case TokenKind::kEnd: fail(token, "the expression ends where a value is expected");
    }
    fail(token, "unexpected token");
  }

  ExprPtr parseName() {
    const Token& token = next();
    if (token.isKeyword("true") || token.isKeyword("false")) {
      ExprPtr expr = literal(token, DataType::boolean());
      expr->boolValue = token.isKeyword("true");
      return expr;
    }
    if (token.isKeyword("null")) return literal(token, DataType::null());
    if (token.isKeyword("cast")) {
      const Token& opening = peek();
      if (!opening.isOperator("(")) fail(opening, fmt::format("expected '(' after 'cast', found {}", describe(opening)));
      next();
      auto expr = std::make_unique<Expr>();
      expr->kind = ExprKind::kCast;
      expr->offset = token.offset;
      expr->children.push_back(parseOr());
      if (!peek().isKeyword("as")) {
        fail(peek(), fmt::format("expected 'as' in cast, found {}", describe(peek())), "write cast(value as type)");
      }
      next();
      expr->targetType = parseTypeName();
      expectOperator(")", opening);
      return expr;
    }
    if (!token.quoted) {
      for (std::string_view word : kReservedWords) {
        if (token.isKeyword(word)) {
          fail(token, fmt::format("expected a value, found '{}'", token.text),
               fmt::format("write `{}` for a column of that name", token.text));
        }
      }
    }
    auto expr = std::make_unique<Expr>();
    expr->offset = token.offset;
    expr->text = token.value;
    if (!token.quoted && peek().isOperator("(")) {
      const Token& opening = next();
      expr->kind = ExprKind::kFunction;
      if (!peek().isOperator(")")) {
        expr->children.push_back(parseOr());
        while (peek().isOperator(",")) {
          next();
          expr->children.push_back(parseOr());
        }
      }
      expectOperator(")", opening);
      return expr;
    }
    expr->kind = ExprKind::kColumn;
    return expr;
  }

  static constexpr int kMaxDepth = 200;
  static constexpr size_t kMaxTokens = 4096;
  SourceLocation start_;
  std::vector<Token> tokens_;
  size_t position_ = 0;
  int depth_ = 0;
};

}  // namespace

ExprPtr parseExpression(std::string_view text, const SourceLocation& start, ExpressionDialect dialect) {
  return Parser(text, start, dialect).parse();
}

std::string expressionToString(const Expr& expr) {
  auto child = [&](size_t i) { return expressionToString(*expr.children[i]); };
  auto list = [&](size_t from) {
    std::string text;
    for (size_t i = from; i < expr.children.size(); ++i) text += (i > from ? ", " : "") + child(i);
    return text;
  };
  switch (expr.kind) {
    case ExprKind::kLiteral:
      switch (expr.type.kind) {
        case TypeKind::kInt64: return std::to_string(expr.int64Value);
        case TypeKind::kDecimal: return formatDecimal(expr.int64Value, expr.type.scale);
        case TypeKind::kDouble: return fmt::format("{}", expr.doubleValue);
        case TypeKind::kBool: return expr.boolValue ? "true" : "false";
        case TypeKind::kNull: return "null";
        default: {
          std::string quoted = "'";
          for (char c : expr.text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
          return quoted + "'";
        }
      }
    case ExprKind::kColumn: return expr.text;
    case ExprKind::kUnary:
      return expr.unaryOp == UnaryOp::kNot ? "(not " + child(0) + ")" : "(-" + child(0) + ")";
    case ExprKind::kBinary: return fmt::format("({} {} {})", child(0), binaryOpName(expr.binaryOp), child(1));
    case ExprKind::kIsNull: return fmt::format("({} is {}null)", child(0), expr.negated ? "not " : "");
    case ExprKind::kLike: return fmt::format("({} {}like {})", child(0), expr.negated ? "not " : "", child(1));
    case ExprKind::kIn: return fmt::format("({} {}in ({}))", child(0), expr.negated ? "not " : "", list(1));
    case ExprKind::kFunction: return fmt::format("{}({})", expr.text, list(0));
    case ExprKind::kCast: return fmt::format("cast({} as {})", child(0), expr.targetType.name());
    case ExprKind::kQuantity: return fmt::format("{}{}", expr.doubleValue, expr.text);
  }
  return "?";
}

}  // namespace jobtuner::core

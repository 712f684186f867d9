// Compiles parsed rule expressions into typed trees: names resolved against the scope's fields, the
// task metrics and the rule's params; units checked and literals converted (rule_expression.h).

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>

#include "analyzers/rule_expression_node.h"
#include "analyzers/task_metrics.h"
#include "core/expression_lexer.h"
#include "core/expression_parser.h"
#include "core/nearest_name.h"
#include "core/settings_catalog.h"

namespace jobtuner::analyzers {

using core::BinaryOp;
using core::Expr;
using core::ExprKind;

namespace {

struct UnitFactor {
  std::string_view name;
  Unit unit;
  double factor;  // to ms or bytes
};

// Rule files use one spelling per unit family and refuse a bare "m", which Spark reads as minutes
// for times and MiB for sizes.
constexpr UnitFactor kUnits[] = {
    {"ms", Unit::kMs, 1},           {"s", Unit::kMs, 1000},           {"sec", Unit::kMs, 1000},
    {"min", Unit::kMs, 60'000},     {"h", Unit::kMs, 3'600'000},      {"d", Unit::kMs, 86'400'000},
    {"b", Unit::kBytes, 1},         {"k", Unit::kBytes, 1024.0},      {"kb", Unit::kBytes, 1024.0},
    {"kib", Unit::kBytes, 1024.0},  {"mb", Unit::kBytes, 1048576.0},  {"mib", Unit::kBytes, 1048576.0},
    {"g", Unit::kBytes, 1073741824.0}, {"gb", Unit::kBytes, 1073741824.0}, {"gib", Unit::kBytes, 1073741824.0},
    {"t", Unit::kBytes, 1099511627776.0}, {"tb", Unit::kBytes, 1099511627776.0},
    {"tib", Unit::kBytes, 1099511627776.0},
};

constexpr const char* kUnitHint = "durations: 250ms, 10s, 5min, 2h, 1d; sizes: 512b, 64kb, 256mb, 2gb, 1tb; shares: 5%";

struct AggregateName {
  std::string_view name;
  Aggregate aggregate;
  double quantile;  // for the pNN names
};

constexpr AggregateName kAggregates[] = {
    {"count", Aggregate::kCount, 0},   {"sum", Aggregate::kSum, 0},         {"min", Aggregate::kMin, 0},
    {"max", Aggregate::kMax, 0},       {"avg", Aggregate::kAvg, 0},         {"stddev", Aggregate::kStddev, 0},
    {"p", Aggregate::kQuantile, -1},   {"p25", Aggregate::kQuantile, 0.25}, {"p50", Aggregate::kQuantile, 0.5},
    {"p75", Aggregate::kQuantile, 0.75}, {"p90", Aggregate::kQuantile, 0.9}, {"p95", Aggregate::kQuantile, 0.95},
    {"p99", Aggregate::kQuantile, 0.99}, {"max_share", Aggregate::kMaxShare, 0}, {"share", Aggregate::kShare, 0},
};

std::vector<std::string> functionNames() {
  std::vector<std::string> names;
  for (const AggregateName& aggregate : kAggregates) names.emplace_back(aggregate.name);
  for (const char* name : {"conf", "abs", "spark_version_at_least"}) names.emplace_back(name);
  return names;
}

/// The type a setting's value has in rules, from the settings catalogue.
std::optional<ValueType> catalogueType(std::string_view key) {
  std::optional<core::SettingType> type;
  if (const core::ProfileSetting* setting = core::findProfileSettingBySparkKey(key)) type = setting->type;
  if (const core::SparkSetting* setting = core::findSparkSetting(key)) type = setting->type;
  if (!type) return std::nullopt;
  switch (*type) {
    case core::SettingType::kBytes: return ValueType::number(Unit::kBytes);
    case core::SettingType::kDuration: return ValueType::number(Unit::kMs);
    case core::SettingType::kCount:
    case core::SettingType::kFraction:
    case core::SettingType::kNumber: return ValueType::number();
    case core::SettingType::kBool: return ValueType::boolean();
    default: return ValueType::string();
  }
}

class Compiler {
 public:
  Compiler(const core::SourceLocation& start, ScopeKind scope, const RuleParams& params)
      : start_(start), scope_(scope), params_(params) {}

  Node compile(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::kLiteral: return literal(expr);
      case ExprKind::kQuantity: return quantity(expr);
      case ExprKind::kColumn: return name(expr);
      case ExprKind::kFunction: return function(expr);
      case ExprKind::kUnary: return unary(expr);
      case ExprKind::kBinary: return binary(expr);
      case ExprKind::kIsNull: {
        Node node = make(NodeOp::kIsNull, ValueType::boolean());
        node.negated = expr.negated;
        node.children.push_back(compile(*expr.children[0]));
        return node;
      }
      case ExprKind::kIn: return in(expr);
      case ExprKind::kLike: fail(expr.offset, "'like' is not available in rules", "compare with = or in (...)");
      case ExprKind::kCast: fail(expr.offset, "cast is not available in rules", "literals take units instead: 10s, 256mb");
    }
    fail(expr.offset, "unsupported expression");
  }

 private:
  [[noreturn]] void fail(size_t offset, const std::string& message, std::string hint = {}) const {
    throw core::UserError(core::expressionLocation(start_, offset), message, std::move(hint));
  }

  static Node make(NodeOp op, ValueType type) {
    Node node;
    node.op = op;
    node.type = type;
    return node;
  }

  static Node constant(Value value, ValueType type) {
    Node node = make(NodeOp::kConstant, type);
    node.constant = std::move(value);
    return node;
  }

  Node literal(const Expr& expr) {
    switch (expr.type.kind) {
      case core::TypeKind::kInt64: return constant(Value::ofNumber(static_cast<double>(expr.int64Value)), ValueType::number());
      case core::TypeKind::kDecimal:
        return constant(Value::ofNumber(static_cast<double>(expr.int64Value) / std::pow(10.0, expr.type.scale)),
                        ValueType::number());
      case core::TypeKind::kDouble: return constant(Value::ofNumber(expr.doubleValue), ValueType::number());
      case core::TypeKind::kBool: return constant(Value::ofBool(expr.boolValue), ValueType::boolean());
      case core::TypeKind::kString: return constant(Value::ofString(expr.text), ValueType::string());
      default: fail(expr.offset, "null is not a value in rules", "test for a missing value with 'is null'");
    }
  }

  Node quantity(const Expr& expr) {
    if (expr.text == "%") return constant(Value::ofNumber(expr.doubleValue / 100.0), ValueType::number());
    std::string unit = lowerAscii(expr.text);
    if (unit == "m") {
      fail(expr.offset, fmt::format("the unit 'm' is ambiguous in '{}{}'", expr.doubleValue, expr.text),
           "write min for minutes or mb for megabytes");
    }
    for (const UnitFactor& known : kUnits) {
      if (known.name == unit) return constant(Value::ofNumber(expr.doubleValue * known.factor), ValueType::number(known.unit));
    }
    fail(expr.offset, fmt::format("unknown unit '{}'", expr.text), kUnitHint);
  }

  std::vector<std::string> knownNames() const {
    std::vector<std::string> names = scopeFieldNames(scope_);
    names.push_back("tasks");
    for (const auto& [param, value] : params_) names.push_back(param);
    return names;
  }

  Node name(const Expr& expr) {
    auto param = params_.find(expr.text);
    if (param != params_.end()) return constant(param->second.value, param->second.type);
    if (expr.text == "tasks") return countOf(-1);
    if (std::optional<size_t> field = findScopeField(scope_, expr.text)) {
      Node node = make(NodeOp::kField, scopeFields(scope_)[*field].type);
      node.field = *field;
      return node;
    }
    if (findTaskMetric(expr.text)) {
      fail(expr.offset, fmt::format("'{}' is a task metric, not a field of the {}", expr.text, toString(scope_)),
           fmt::format("aggregate it over the tasks, e.g. max({0}) or p50({0})", expr.text));
    }
    std::vector<std::string> names = knownNames();
    for (const std::string& metric : taskMetricNames()) names.push_back(metric);
    fail(expr.offset, fmt::format("unknown name '{}' in a {} rule{}", expr.text, toString(scope_), core::didYouMean(expr.text, names)),
         fmt::format("a {} rule can name: {}", toString(scope_), fmt::join(knownNames(), ", ")));
  }

  Node countOf(int metric) {
    Node node = make(NodeOp::kAggregate, ValueType::number());
    node.aggregate = Aggregate::kCount;
    node.metric = metric;
    return node;
  }

  int metricArgument(const Expr& call, const Expr& argument) {
    if (argument.kind != ExprKind::kColumn) {
      fail(argument.offset, fmt::format("{}() takes a task metric name", call.text), "e.g. max(duration_ms)");
    }
    std::optional<size_t> metric = findTaskMetric(argument.text);
    if (!metric) {
      fail(argument.offset, fmt::format("unknown task metric '{}'{}", argument.text, core::didYouMean(argument.text, taskMetricNames())),
           "the task metrics are listed by: jobtuner rules list --markdown");
    }
    return static_cast<int>(*metric);
  }

  void expectArguments(const Expr& call, size_t count, std::string_view usage) {
    if (call.children.size() != count) {
      fail(call.offset, fmt::format("{}() takes {} argument{}", call.text, count, count == 1 ? "" : "s"),
           fmt::format("write {}", usage));
    }
  }

  Node function(const Expr& call) {
    const std::string& name = call.text;
    size_t args = call.children.size();
    if ((name == "min" || name == "max") && args == 2) {
      Node node = make(name == "min" ? NodeOp::kLeast : NodeOp::kGreatest, ValueType::number());
      for (const auto& child : call.children) node.children.push_back(compile(*child));
      node.type = ValueType::number(sameUnit(call, node.children[0], node.children[1], *call.children[1]));
      return node;
    }
    for (const AggregateName& aggregate : kAggregates) {
      if (aggregate.name != name) continue;
      if (aggregate.aggregate == Aggregate::kCount && args == 0) return countOf(-1);
      Node node = make(NodeOp::kAggregate, ValueType::number());
      node.aggregate = aggregate.aggregate;
      if (aggregate.quantile < 0) {
        expectArguments(call, 2, "p(0.9, duration_ms)");
        Node q = compile(*call.children[0]);
        if (q.op != NodeOp::kConstant || q.type != ValueType::number() || !(q.constant.number >= 0 && q.constant.number <= 1)) {
          fail(call.children[0]->offset, "the quantile of p(q, metric) is a number from 0 to 1", "e.g. p(0.9, duration_ms)");
        }
        node.quantile = q.constant.number;
        node.metric = metricArgument(call, *call.children[1]);
      } else {
        expectArguments(call, 1, fmt::format("{}(duration_ms)", name));
        node.quantile = aggregate.quantile;
        node.metric = metricArgument(call, *call.children[0]);
      }
      Unit unit = taskMetrics()[static_cast<size_t>(node.metric)].unit;
      bool keepsUnit = node.aggregate != Aggregate::kCount && node.aggregate != Aggregate::kMaxShare &&
                       node.aggregate != Aggregate::kShare;
      node.type = ValueType::number(keepsUnit ? unit : Unit::kNone);
      return node;
    }
    if (name == "abs") {
      expectArguments(call, 1, "abs(x)");
      Node node = make(NodeOp::kAbs, ValueType::number());
      node.children.push_back(compile(*call.children[0]));
      requireNumber(node.children[0], *call.children[0], "abs()");
      node.type = node.children[0].type;
      return node;
    }
    if (name == "conf") return conf(call);
    if (name == "spark_version_at_least") {
      expectArguments(call, 1, "spark_version_at_least('3.2')");
      const Expr& version = *call.children[0];
      if (version.kind != ExprKind::kLiteral || version.type.kind != core::TypeKind::kString) {
        fail(version.offset, "spark_version_at_least() takes a version in quotes", "e.g. spark_version_at_least('3.2')");
      }
      Node node = make(NodeOp::kSparkVersionAtLeast, ValueType::boolean());
      node.key = version.text;
      return node;
    }
    fail(call.offset, fmt::format("unknown function '{}'{}", name, core::didYouMean(name, functionNames())),
         fmt::format("the functions are: {}", fmt::join(functionNames(), ", ")));
  }

  Node conf(const Expr& call) {
    if (call.children.empty() || call.children.size() > 2) {
      fail(call.offset, "conf() takes a setting's key and an optional default", "e.g. conf('spark.executor.memory', 1g)");
    }
    const Expr& key = *call.children[0];
    if (key.kind != ExprKind::kLiteral || key.type.kind != core::TypeKind::kString) {
      fail(key.offset, "conf() takes the setting's key in quotes", "e.g. conf('spark.executor.memory')");
    }
    Node node = make(NodeOp::kConf, ValueType::string());
    node.key = key.text;
    std::optional<ValueType> type = catalogueType(key.text);
    if (call.children.size() == 2) {
      Node fallback = compile(*call.children[1]);
      if (fallback.op != NodeOp::kConstant) fail(call.children[1]->offset, "the default of conf() is a literal");
      if (type && *type != fallback.type) {
        fail(call.children[1]->offset, fmt::format("the default is {} but {} is {}", describe(fallback.type), key.text, describe(*type)));
      }
      type = fallback.type;
      node.children.push_back(std::move(fallback));
    }
    node.type = type.value_or(ValueType::string());
    return node;
  }

  void requireNumber(const Node& node, const Expr& expr, std::string_view what) {
    if (node.type.kind != ValueKind::kNumber) {
      fail(startOf(expr), fmt::format("{} needs a number, found {}", what, describe(node.type)));
    }
  }

  void requireBool(const Node& node, const Expr& expr, std::string_view what) {
    if (node.type.kind != ValueKind::kBool) {
      fail(startOf(expr), fmt::format("{} needs a boolean, found {}", what, describe(node.type)),
           "compare it to something, e.g. max(duration_ms) > 10s");
    }
  }

  static size_t startOf(const Expr& expr) {
    size_t offset = expr.offset;
    for (const auto& child : expr.children) offset = std::min(offset, startOf(*child));
    return offset;
  }

  static bool isPlainConstant(const Node& node) {
    return node.op == NodeOp::kConstant && node.type == ValueType::number(Unit::kNone);
  }

  /// The unit two numbers share; a plain literal takes the other side's unit (`x > 0`).
  Unit sameUnit(const Expr& at, const Node& left, const Node& right, const Expr& rightExpr) {
    if (left.type.kind != ValueKind::kNumber || right.type.kind != ValueKind::kNumber) {
      fail(at.offset, fmt::format("'{}' needs numbers, found {} and {}", at.kind == ExprKind::kFunction ? at.text : binaryOpName(at.binaryOp),
                                  describe(left.type), describe(right.type)));
    }
    if (left.type.unit == right.type.unit) return left.type.unit;
    if (isPlainConstant(right)) return left.type.unit;
    if (isPlainConstant(left)) return right.type.unit;
    fail(startOf(rightExpr), fmt::format("cannot combine {} with {}", describe(left.type), describe(right.type)),
         "compare durations with durations (10s) and sizes with sizes (256mb)");
  }

  Node unary(const Expr& expr) {
    Node operand = compile(*expr.children[0]);
    if (expr.unaryOp == core::UnaryOp::kNot) {
      requireBool(operand, *expr.children[0], "'not'");
      Node node = make(NodeOp::kNot, ValueType::boolean());
      node.children.push_back(std::move(operand));
      return node;
    }
    requireNumber(operand, *expr.children[0], "'-'");
    Node node = make(NodeOp::kNegate, operand.type);
    node.children.push_back(std::move(operand));
    return node;
  }

  Node binary(const Expr& expr) {
    Node left = compile(*expr.children[0]);
    Node right = compile(*expr.children[1]);
    BinaryOp op = expr.binaryOp;
    Node node;
    switch (op) {
      case BinaryOp::kAnd:
      case BinaryOp::kOr:
        requireBool(left, *expr.children[0], fmt::format("'{}'", binaryOpName(op)));
        requireBool(right, *expr.children[1], fmt::format("'{}'", binaryOpName(op)));
        node = make(op == BinaryOp::kAnd ? NodeOp::kAnd : NodeOp::kOr, ValueType::boolean());
        break;
      case BinaryOp::kAdd:
      case BinaryOp::kSubtract:
        node = make(NodeOp::kArithmetic, ValueType::number(sameUnit(expr, left, right, *expr.children[1])));
        break;
      case BinaryOp::kMultiply:
      case BinaryOp::kDivide: {
        requireNumber(left, *expr.children[0], fmt::format("'{}'", binaryOpName(op)));
        requireNumber(right, *expr.children[1], fmt::format("'{}'", binaryOpName(op)));
        Unit unit = Unit::kNone;
        if (op == BinaryOp::kMultiply) {
          unit = left.type.unit != Unit::kNone ? left.type.unit : right.type.unit;
        } else if (right.type.unit == Unit::kNone) {
          unit = left.type.unit;  // 10s / 2 is still a duration; a duration over a duration is a ratio
        }
        node = make(NodeOp::kArithmetic, ValueType::number(unit));
        break;
      }
      case BinaryOp::kModulo: fail(expr.offset, "'%' is not available in rules", "a number followed by % is a share: 5%");
      default: {
        node = make(NodeOp::kCompare, ValueType::boolean());
        if (left.type.kind == ValueKind::kNumber || right.type.kind == ValueKind::kNumber) {
          sameUnit(expr, left, right, *expr.children[1]);
        } else if (left.type.kind != right.type.kind) {
          fail(startOf(*expr.children[1]), fmt::format("cannot compare {} with {}", describe(left.type), describe(right.type)));
        } else if (op != BinaryOp::kEqual && op != BinaryOp::kNotEqual) {
          fail(expr.offset, fmt::format("{} are compared with = and != only", left.type.kind == ValueKind::kString ? "strings" : "booleans"));
        }
      }
    }
    node.binaryOp = op;
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  Node in(const Expr& expr) {
    Node node = make(NodeOp::kIn, ValueType::boolean());
    node.negated = expr.negated;
    for (const auto& child : expr.children) node.children.push_back(compile(*child));
    for (size_t i = 1; i < node.children.size(); ++i) {
      const Node& item = node.children[i];
      if (item.op != NodeOp::kConstant) fail(startOf(*expr.children[i]), "the list of 'in' holds literals");
      if (item.type.kind != node.children[0].type.kind) {
        fail(startOf(*expr.children[i]), fmt::format("cannot compare {} with {}", describe(node.children[0].type), describe(item.type)));
      }
    }
    return node;
  }

  core::SourceLocation start_;
  ScopeKind scope_;
  const RuleParams& params_;
};

}  // namespace

Node compileRuleNode(const Expr& expr, const core::SourceLocation& start, ScopeKind scope, const RuleParams& params) {
  return Compiler(start, scope, params).compile(expr);
}

RuleParam parseRuleParam(std::string_view text, const core::SourceLocation& location) {
  std::string lowered = lowerAscii(text);
  if (lowered == "true" || lowered == "false") {
    return RuleParam{Value::ofBool(lowered == "true"), ValueType::boolean(), std::string(text)};
  }
  try {
    core::ExprPtr expr = core::parseExpression(text, location, core::ExpressionDialect::kRule);
    bool negative = expr->kind == ExprKind::kUnary && expr->unaryOp == core::UnaryOp::kNegate;
    const Expr& literal = negative ? *expr->children[0] : *expr;
    if (literal.kind == ExprKind::kLiteral || literal.kind == ExprKind::kQuantity) {
      RuleParams none;
      Node node = compileRuleNode(literal, location, ScopeKind::kApp, none);
      if (node.type.kind == ValueKind::kNumber) {
        if (negative) node.constant.number = -node.constant.number;
        return RuleParam{node.constant, node.type, std::string(text)};
      }
    }
  } catch (const core::UserError& error) {
    if (!text.empty() && std::isdigit(static_cast<unsigned char>(text.front()))) throw;
  }
  return RuleParam{Value::ofString(std::string(text)), ValueType::string(), std::string(text)};
}

}  // namespace jobtuner::analyzers

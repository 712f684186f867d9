#include "analyzers/rule_expression.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "analyzers/app_summary.h"
#include "analyzers/rule_expression_node.h"
#include "analyzers/task_metrics.h"
#include "core/expression_parser.h"
#include "core/units.h"

namespace jobtuner::analyzers {

using core::BinaryOp;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A setting's text as a value of `type`; unknown (NaN) when it does not read as one.
Value settingValue(const std::string& text, ValueType type) {
  switch (type.kind) {
    case ValueKind::kString: return Value::ofString(text);
    case ValueKind::kBool: {
      std::string value = lowerAscii(text);
      if (value == "true" || value == "false") return Value::ofBool(value == "true");
      return Value::unknown();
    }
    case ValueKind::kNumber: break;
  }
  if (type.unit == Unit::kBytes) {
    std::optional<int64_t> bytes = core::parseBytes(text);
    return bytes ? Value::ofNumber(static_cast<double>(*bytes)) : Value::unknown();
  }
  if (type.unit == Unit::kMs) {
    std::optional<int64_t> ms = core::parseDurationMs(text);
    return ms ? Value::ofNumber(static_cast<double>(*ms)) : Value::unknown();
  }
  char* end = nullptr;
  double number = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' ? Value::ofNumber(number) : Value::unknown();
}

/// "3.2.1" -> {3, 2, 1}; "DBC:3.4.1" or "3.3.0-amzn-0" read from the first digit on.
std::vector<int> versionParts(std::string_view text) {
  std::vector<int> parts;
  size_t position = 0;
  while (position < text.size() && !std::isdigit(static_cast<unsigned char>(text[position]))) ++position;
  while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) {
    int part = 0;
    while (position < text.size() && std::isdigit(static_cast<unsigned char>(text[position]))) {
      part = std::min(part * 10 + (text[position] - '0'), 1'000'000);
      ++position;
    }
    parts.push_back(part);
    if (position < text.size() && text[position] == '.') ++position;
  }
  return parts;
}

bool compareNumbers(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kEqual: return a == b;
    case BinaryOp::kNotEqual: return a != b && !std::isnan(a) && !std::isnan(b);
    case BinaryOp::kLess: return a < b;
    case BinaryOp::kLessEqual: return a <= b;
    case BinaryOp::kGreater: return a > b;
    case BinaryOp::kGreaterEqual: return a >= b;
    default: return false;
  }
}

bool sameValue(const Value& a, const Value& b) {
  switch (a.kind) {
    case ValueKind::kNumber: return a.number == b.number;
    case ValueKind::kBool: return a.boolean == b.boolean;
    case ValueKind::kString: return a.text == b.text;
  }
  return false;
}

bool isUnknown(const Value& value) { return value.kind == ValueKind::kNumber && std::isnan(value.number); }

Value evaluateNode(const Node& node, const EvalContext& context) {
  auto child = [&](size_t i) { return evaluateNode(node.children[i], context); };
  switch (node.op) {
    case NodeOp::kConstant: return node.constant;
    case NodeOp::kField: return context.scope.fields[node.field];
    case NodeOp::kAggregate:
      return Value::ofNumber(context.scope.tasks.aggregate(node.aggregate, node.metric, node.quantile));
    case NodeOp::kConf: {
      auto found = context.summary.conf.find(node.key);
      if (found == context.summary.conf.end()) {
        if (!node.children.empty()) return node.children[0].constant;
        return node.type.kind == ValueKind::kString ? Value::ofString("") : Value::unknown();
      }
      return settingValue(found->second, node.type);
    }
    case NodeOp::kSparkVersionAtLeast: {
      if (context.summary.app.source != core::AppSource::Spark) return Value::ofBool(false);
      return Value::ofBool(versionParts(context.summary.app.engineVersion) >= versionParts(node.key));
    }
    case NodeOp::kNegate: return Value::ofNumber(-child(0).number);
    case NodeOp::kNot: return Value::ofBool(!child(0).boolean);
    case NodeOp::kArithmetic: {
      double a = child(0).number, b = child(1).number;
      switch (node.binaryOp) {
        case BinaryOp::kAdd: return Value::ofNumber(a + b);
        case BinaryOp::kSubtract: return Value::ofNumber(a - b);
        case BinaryOp::kMultiply: return Value::ofNumber(a * b);
        default: return Value::ofNumber(b == 0 ? kNaN : a / b);
      }
    }
    case NodeOp::kCompare: {
      Value a = child(0), b = child(1);
      if (a.kind == ValueKind::kNumber || b.kind == ValueKind::kNumber) {
        return Value::ofBool(compareNumbers(node.binaryOp, a.number, b.number));
      }
      bool equal = sameValue(a, b);
      return Value::ofBool(node.binaryOp == BinaryOp::kEqual ? equal : !equal);
    }
    case NodeOp::kAnd: return Value::ofBool(child(0).boolean && child(1).boolean);
    case NodeOp::kOr: return Value::ofBool(child(0).boolean || child(1).boolean);
    case NodeOp::kAbs: return Value::ofNumber(std::fabs(child(0).number));
    case NodeOp::kLeast:
    case NodeOp::kGreatest: {
      double a = child(0).number, b = child(1).number;
      if (std::isnan(a) || std::isnan(b)) return Value::unknown();
      return Value::ofNumber(node.op == NodeOp::kLeast ? std::min(a, b) : std::max(a, b));
    }
    case NodeOp::kIn: {
      Value value = child(0);
      bool found = false;
      for (size_t i = 1; i < node.children.size() && !found; ++i) found = sameValue(value, node.children[i].constant);
      return Value::ofBool(found != node.negated);
    }
    case NodeOp::kIsNull: {
      const Node& operand = node.children[0];
      Value value = child(0);
      bool missing = isUnknown(value);
      if (operand.op == NodeOp::kConf && operand.children.empty()) missing = !context.summary.conf.count(operand.key);
      if (value.kind == ValueKind::kString && operand.op != NodeOp::kConf) missing = value.text.empty();
      return Value::ofBool(missing != node.negated);
    }
  }
  return Value::unknown();
}

void collect(const Node& node, std::vector<bool>& used) {
  if (node.op == NodeOp::kAggregate && node.metric >= 0) {
    if (used.size() <= static_cast<size_t>(node.metric)) used.resize(taskMetrics().size(), false);
    used[static_cast<size_t>(node.metric)] = true;
  }
  for (const Node& child : node.children) collect(child, used);
}

}  // namespace

RuleExpression::RuleExpression() = default;
RuleExpression::~RuleExpression() = default;
RuleExpression::RuleExpression(RuleExpression&&) noexcept = default;
RuleExpression& RuleExpression::operator=(RuleExpression&&) noexcept = default;
RuleExpression::RuleExpression(const RuleExpression&) = default;
RuleExpression& RuleExpression::operator=(const RuleExpression&) = default;

RuleExpression RuleExpression::compile(std::string_view text, const core::SourceLocation& start, ScopeKind scope,
                                       const RuleParams& params) {
  core::ExprPtr parsed = core::parseExpression(text, start, core::ExpressionDialect::kRule);
  RuleExpression expression;
  expression.text_ = std::string(text);
  expression.root_ = std::make_shared<const Node>(compileRuleNode(*parsed, start, scope, params));
  return expression;
}

ValueType RuleExpression::type() const { return root_ ? root_->type : ValueType::boolean(); }

Value RuleExpression::evaluate(const EvalContext& context) const {
  return root_ ? evaluateNode(*root_, context) : Value::unknown();
}

bool RuleExpression::holds(const EvalContext& context) const {
  Value value = evaluate(context);
  return value.kind == ValueKind::kBool && value.boolean;
}

void RuleExpression::collectMetrics(std::vector<bool>& used) const {
  if (root_) collect(*root_, used);
}

}  // namespace jobtuner::analyzers

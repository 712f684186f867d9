#pragma once

// The compiled form of a rule expression, shared by its compiler (rule_compiler.cpp) and its
// evaluator (rule_expression.cpp); nothing outside those two files includes it.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_expression.h"
#include "analyzers/task_table.h"
#include "core/expression_ast.h"

namespace jobtuner::analyzers {

enum class NodeOp : uint8_t {
  kConstant,
  kField,
  kAggregate,
  kConf,
  kSparkVersionAtLeast,
  kNegate,
  kNot,
  kArithmetic,  // binaryOp: + - * /
  kCompare,     // binaryOp: = != < <= > >=
  kAnd,
  kOr,
  kAbs,
  kLeast,
  kGreatest,
  kIn,
  kIsNull,      // negated for `is not null`
};

struct RuleExpression::Node {
  NodeOp op = NodeOp::kConstant;
  ValueType type;
  Value constant;
  size_t field = 0;
  Aggregate aggregate = Aggregate::kCount;
  int metric = -1;
  double quantile = 0;
  std::string key;  // conf key; version for kSparkVersionAtLeast
  core::BinaryOp binaryOp = core::BinaryOp::kAdd;
  bool negated = false;
  std::vector<Node> children;
};

using Node = RuleExpression::Node;

/// Compiles a parsed expression for a scope (rule_compiler.cpp). Throws core::UserError.
Node compileRuleNode(const core::Expr& expr, const core::SourceLocation& start, ScopeKind scope, const RuleParams& params);

inline std::string lowerAscii(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace jobtuner::analyzers

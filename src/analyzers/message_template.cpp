#include "analyzers/message_template.h"

#include "analyzers/app_summary.h"
#include "core/expression_lexer.h"

namespace jobtuner::analyzers {

MessageTemplate MessageTemplate::compile(std::string_view text, const core::SourceLocation& start, ScopeKind scope,
                                         const RuleParams& params) {
  MessageTemplate compiled;
  std::string literal;
  auto flushText = [&] {
    if (literal.empty()) return;
    compiled.parts_.push_back(Part{PartKind::kText, std::move(literal), {}});
    literal.clear();
  };
  size_t position = 0;
  while (position < text.size()) {
    char c = text[position];
    if ((c == '{' || c == '}') && position + 1 < text.size() && text[position + 1] == c) {
      literal += c;
      position += 2;
      continue;
    }
    if (c == '}') {
      throw core::UserError(core::expressionLocation(start, position), "a '}' with no '{' in the message",
                            "write }} for a literal brace");
    }
    if (c != '{') {
      literal += c;
      ++position;
      continue;
    }
    size_t close = text.find('}', position + 1);
    if (close == std::string_view::npos) {
      throw core::UserError(core::expressionLocation(start, position), "a '{' that is never closed in the message",
                            "close the placeholder with }, or write {{ for a literal brace");
    }
    flushText();
    std::string_view inner = text.substr(position + 1, close - position - 1);
    static const std::pair<std::string_view, PartKind> kPlaceNames[] = {
        {"where", PartKind::kWhere}, {"app", PartKind::kApp},           {"job", PartKind::kJob},
        {"stage", PartKind::kStage}, {"executor", PartKind::kExecutor},
    };
    bool named = false;
    for (const auto& [name, kind] : kPlaceNames) {
      if (inner == name) {
        compiled.parts_.push_back(Part{kind, {}, {}});
        named = true;
      }
    }
    if (!named) {
      core::SourceLocation at = core::expressionLocation(start, position + 1);
      Part part{PartKind::kExpression, {}, RuleExpression::compile(inner, at, scope, params)};
      compiled.parts_.push_back(std::move(part));
    }
    position = close + 1;
  }
  flushText();
  return compiled;
}

std::string MessageTemplate::render(const EvalContext& context) const {
  const FindingScope& where = context.scope.where;
  std::string out;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case PartKind::kText: out += part.text; break;
      case PartKind::kWhere: out += where.describe(); break;
      case PartKind::kApp: out += context.summary.app.appId; break;
      case PartKind::kJob: out += where.jobId ? std::to_string(*where.jobId) : "-"; break;
      case PartKind::kStage: out += where.stageText(); break;
      case PartKind::kExecutor: out += where.executorId; break;
      case PartKind::kExpression: {
        Value value = part.expression.evaluate(context);
        switch (value.kind) {
          case ValueKind::kNumber: out += formatValue(value.number, part.expression.type().unit); break;
          case ValueKind::kBool: out += value.boolean ? "true" : "false"; break;
          case ValueKind::kString: out += value.text; break;
        }
        break;
      }
    }
  }
  return out;
}

void MessageTemplate::collectMetrics(std::vector<bool>& used) const {
  for (const Part& part : parts_) {
    if (part.kind == PartKind::kExpression) part.expression.collectMetrics(used);
  }
}

}  // namespace jobtuner::analyzers

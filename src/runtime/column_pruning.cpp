#include "runtime/column_pruning.h"

#include <vector>

#include "core/expression_parser.h"

namespace jobtuner::runtime {

namespace {

using core::Schema;
using core::StepKind;
using core::StepSpec;
using Names = std::set<std::string>;

void collectColumns(const core::Expr& expr, Names& out) {
  if (expr.kind == core::ExprKind::kColumn) out.insert(expr.text);
  for (const core::ExprPtr& child : expr.children) collectColumns(*child, out);
}

/// Walks the job's pipelines from the output back to the sources, growing each source's and
/// view's demand until nothing changes (a view read twice needs what both readers need).
class Pruner {
 public:
  Pruner(const core::CheckedJob& job, const std::map<std::string, Schema>& sources) : job_(job), sources_(sources) {}

  std::map<std::string, Names> run() {
    const core::JobSpec& spec = job_.spec;
    walk(spec.from, spec.steps, allOf(job_.outputSchema));
    bool changed = true;
    while (changed) {
      changed = false;
      for (const core::ViewSpec& view : spec.views) {
        auto demand = demands_.find(view.name);
        if (demand == demands_.end() || walked_[view.name] == demand->second) continue;
        walked_[view.name] = demand->second;
        walk(view.from, view.steps, demand->second);
        changed = true;
      }
    }
    std::map<std::string, Names> out;
    for (const auto& [name, needed] : demands_) {
      if (sources_.count(name) > 0 && job_.spec.findView(name) == nullptr) out[name] = needed;
    }
    return out;
  }

 private:
  static Names allOf(const Schema& schema) {
    Names names;
    for (const core::Field& field : schema.fields()) names.insert(field.name);
    return names;
  }

  /// Expression columns as the schema spells them (names that are not in it, such as columns a
  /// derive step adds, are kept as written: harmless).
  static void addReferences(const core::ExpressionText& text, const Schema& schema, Names& out) {
    Names referenced;
    collectColumns(*core::parseExpression(text.text, text.location), referenced);
    for (const std::string& name : referenced) out.insert(canonical(schema, name));
  }

  static std::string canonical(const Schema& schema, const std::string& name) {
    std::optional<size_t> index = schema.findField(name);
    return index ? schema.field(*index).name : name;
  }

  Schema schemaOf(const core::ColumnRef& ref) const {
    if (const core::ViewSpec* view = job_.spec.findView(ref.name)) {
      return view->steps.empty() ? schemaOf(view->from) : job_.stepOutputs.at(view->steps.back().stableName);
    }
    return sources_.at(ref.name);
  }

  void demand(const core::ColumnRef& ref, const Names& names) { demands_[ref.name].insert(names.begin(), names.end()); }

  void walk(const core::ColumnRef& from, const std::vector<StepSpec>& steps, Names needed) {
    for (size_t i = steps.size(); i-- > 0;) {
      const StepSpec& step = steps[i];
      Schema input = i == 0 ? schemaOf(from) : job_.stepOutputs.at(steps[i - 1].stableName);
      switch (step.kind) {
        case StepKind::kFilter: addReferences(step.condition, input, needed); break;
        case StepKind::kDerive:
          for (const core::NamedExpression& column : step.columns) needed.erase(column.name);
          for (const core::NamedExpression& column : step.columns) addReferences(column.expression, input, needed);
          break;
        case StepKind::kSelect:
          needed.clear();
          for (const core::NamedExpression& column : step.columns) addReferences(column.expression, input, needed);
          break;
        case StepKind::kAggregate:
          needed.clear();
          for (const core::ColumnRef& key : step.keys) needed.insert(canonical(input, key.name));
          for (const core::AggregateCallSpec& call : step.calls) {
            if (!call.column.name.empty()) needed.insert(canonical(input, call.column.name));
          }
          break;
        case StepKind::kJoin: {
          Schema right = schemaOf(step.with);
          Names leftNeeded, rightNeeded;
          for (const std::string& name : needed) {
            if (input.findField(name)) leftNeeded.insert(canonical(input, name));
            if (right.findField(name)) rightNeeded.insert(canonical(right, name));
          }
          for (const auto& [left, rightKey] : step.on) {
            leftNeeded.insert(canonical(input, left.name));
            rightNeeded.insert(canonical(right, rightKey.name));
          }
          demand(step.with, rightNeeded);
          needed = std::move(leftNeeded);
          break;
        }
        case StepKind::kSort:
          for (const core::SortKeySpec& key : step.sortKeys) needed.insert(canonical(input, key.column.name));
          break;
        case StepKind::kRepartition:
          for (const core::ColumnRef& key : step.keys) needed.insert(canonical(input, key.name));
          break;
        case StepKind::kDistinct: needed = allOf(input); break;
        case StepKind::kUnion:
          needed = allOf(input);
          demand(step.with, allOf(schemaOf(step.with)));
          break;
        case StepKind::kLimit: break;
      }
    }
    demand(from, needed);
  }

  const core::CheckedJob& job_;
  const std::map<std::string, Schema>& sources_;
  std::map<std::string, Names> demands_;  // source or view -> columns needed
  std::map<std::string, Names> walked_;   // view -> the demand its pipeline was walked with
};

}  // namespace

std::map<std::string, std::set<std::string>> neededSourceColumns(const core::CheckedJob& job,
                                                                 const std::map<std::string, core::Schema>& sources) {
  return Pruner(job, sources).run();
}

core::Schema narrowSchema(const core::Schema& schema, const std::set<std::string>& needed) {
  std::vector<core::Field> fields;
  for (const core::Field& field : schema.fields()) {
    if (needed.count(field.name) > 0) fields.push_back(field);
  }
  if (fields.empty() && schema.numFields() > 0) fields.push_back(schema.field(0));
  return core::Schema(std::move(fields));
}

}  // namespace jobtuner::runtime

#include "core/job_checker.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/expression_checker.h"
#include "core/nearest_name.h"

namespace jobtuner::core {

DataType commonJoinKeyType(const DataType& left, const DataType& right) {
  if (left == right) return left;
  if (left.kind == TypeKind::kDouble || right.kind == TypeKind::kDouble) return DataType::float64();
  auto asDecimal = [](const DataType& type) {
    return type.kind == TypeKind::kDecimal ? type : DataType::decimal(DataType::kMaxDecimalPrecision, 0);
  };
  DataType a = asDecimal(left), b = asDecimal(right);
  int scale = std::max(a.scale, b.scale);
  return DataType::decimal(DataType::kMaxDecimalPrecision, scale);
}

bool joinKeysComparable(const DataType& left, const DataType& right) {
  return left == right || (left.kind == right.kind && left.kind == TypeKind::kDecimal) ||
         (left.isNumeric() && right.isNumeric());
}

DataType aggregateResultType(AggregateFunctionName function, const std::optional<DataType>& input) {
  switch (function) {
    case AggregateFunctionName::kCount:
    case AggregateFunctionName::kCountDistinct: return DataType::int64();
    case AggregateFunctionName::kAvg: return DataType::float64();
    case AggregateFunctionName::kSum:
      if (input && input->kind == TypeKind::kDecimal) return DataType::decimal(DataType::kMaxDecimalPrecision, input->scale);
      return input ? *input : DataType::int64();
    case AggregateFunctionName::kMin:
    case AggregateFunctionName::kMax: return input ? *input : DataType::int64();
  }
  return DataType::int64();
}

namespace {

class JobChecker {
 public:
  JobChecker(const JobSpec& spec, const std::map<std::string, Schema>& sources, CheckedJob& out)
      : spec_(spec), sources_(sources), out_(out) {}

  Schema pipeline(const ColumnRef& from, const std::vector<StepSpec>& steps) {
    Schema schema = input(from);
    for (const StepSpec& step : steps) {
      schema = checkStep(step, schema);
      out_.stepOutputs[step.stableName] = schema;
    }
    return schema;
  }

 private:
  Schema input(const ColumnRef& name) {
    if (const ViewSpec* view = spec_.findView(name.name)) return pipeline(view->from, view->steps);
    auto found = sources_.find(name.name);
    if (found == sources_.end()) throw UserError(name.location, fmt::format("'{}' is no source or view", name.name));
    return found->second;
  }

  static size_t column(const Schema& schema, const ColumnRef& ref, const std::string& side = {}) {
    std::optional<size_t> index = schema.findField(ref.name);
    if (!index) {
      std::vector<std::string> names = schema.names();
      throw UserError(ref.location,
                      fmt::format("unknown column '{}'{}{}", ref.name, side.empty() ? "" : " on the " + side + " side",
                                  didYouMean(ref.name, names)),
                      "columns here: " + fmt::format("{}", fmt::join(names, ", ")));
    }
    return *index;
  }

  Schema checkStep(const StepSpec& step, const Schema& schema) {
    switch (step.kind) {
      case StepKind::kFilter:
        compilePredicate(step.condition.text, schema, step.condition.location);
        return schema;
      case StepKind::kDerive:
      case StepKind::kSelect: {
        std::vector<Field> fields;
        if (step.kind == StepKind::kDerive) fields = schema.fields();
        for (const NamedExpression& column : step.columns) {
          ExprPtr expr = compileExpression(column.expression.text, schema, column.expression.location);
          DataType type = expr->type.kind == TypeKind::kNull ? DataType::string() : expr->type;
          auto same = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == column.name; });
          if (same != fields.end()) {
            if (step.kind == StepKind::kSelect) {
              throw UserError(column.expression.location, fmt::format("the column '{}' is selected twice", column.name));
            }
            same->type = type;
          } else {
            fields.push_back({column.name, type});
          }
        }
        return Schema(std::move(fields));
      }
      case StepKind::kAggregate: {
        std::vector<Field> fields;
        for (const ColumnRef& key : step.keys) fields.push_back(schema.field(column(schema, key)));
        for (const AggregateCallSpec& call : step.calls) {
          std::optional<DataType> input;
          if (!call.column.name.empty()) input = schema.field(column(schema, call.column)).type;
          bool numeric = input && input->isNumeric();
          if ((call.function == AggregateFunctionName::kSum || call.function == AggregateFunctionName::kAvg) && !numeric) {
            throw UserError(call.column.location,
                            fmt::format("{} needs a number, '{}' is {}", call.function == AggregateFunctionName::kSum ? "sum" : "avg",
                                        call.column.name, input ? input->name() : "nothing"),
                            "convert it in a derive step with cast(x as double)");
          }
          fields.push_back({call.outputName, aggregateResultType(call.function, input)});
        }
        return Schema(std::move(fields));
      }
      case StepKind::kJoin: {
        Schema right = input(step.with);
        std::vector<size_t> rightKeys;
        for (const auto& [leftRef, rightRef] : step.on) {
          const DataType& leftType = schema.field(column(schema, leftRef, "left")).type;
          size_t rightIndex = column(right, rightRef, "right");
          const DataType& rightType = right.field(rightIndex).type;
          if (!joinKeysComparable(leftType, rightType)) {
            throw UserError(leftRef.location,
                            fmt::format("cannot join {} '{}' with {} '{}'", leftType.name(), leftRef.name, rightType.name(),
                                        rightRef.name),
                            "convert one side in a derive step with cast(x as type)");
          }
          rightKeys.push_back(rightIndex);
        }
        if (step.joinType == JoinType::kSemi || step.joinType == JoinType::kAnti) return schema;
        std::vector<Field> fields = schema.fields();
        for (size_t i = 0; i < right.numFields(); ++i) {
          if (std::find(rightKeys.begin(), rightKeys.end(), i) != rightKeys.end()) continue;
          const Field& field = right.field(i);
          if (schema.findField(field.name)) {
            throw UserError(step.location,
                            fmt::format("both sides of the join have a column '{}'", field.name),
                            fmt::format("rename it on one side first, e.g. in a view with select: {{{}_{}: {}}}", step.with.name,
                                        field.name, field.name));
          }
          fields.push_back(field);
        }
        return Schema(std::move(fields));
      }
      case StepKind::kSort:
        for (const SortKeySpec& key : step.sortKeys) column(schema, key.column);
        return schema;
      case StepKind::kRepartition:
        for (const ColumnRef& key : step.keys) column(schema, key);
        return schema;
      case StepKind::kDistinct:
      case StepKind::kLimit: return schema;
      case StepKind::kUnion: {
        Schema other = input(step.with);
        for (const Field& field : schema.fields()) {
          std::optional<size_t> index = other.findField(field.name);
          if (!index) {
            throw UserError(step.with.location, fmt::format("'{}' has no column '{}' to union with", step.with.name, field.name));
          }
          if (!(other.field(*index).type == field.type)) {
            throw UserError(step.with.location, fmt::format("column '{}' is {} here and {} in '{}'", field.name,
                                                            field.type.name(), other.field(*index).type.name(), step.with.name),
                            "cast one side in a derive step");
          }
        }
        if (other.numFields() != schema.numFields()) {
          throw UserError(step.with.location, fmt::format("'{}' has {} columns, the pipeline {}", step.with.name,
                                                          other.numFields(), schema.numFields()),
                          "select the same columns on both sides");
        }
        return schema;
      }
    }
    return schema;
  }

  const JobSpec& spec_;
  const std::map<std::string, Schema>& sources_;
  CheckedJob& out_;
};

}  // namespace

CheckedJob checkJob(JobSpec spec, const std::map<std::string, Schema>& sourceSchemas) {
  CheckedJob checked;
  checked.spec = std::move(spec);
  JobChecker checker(checked.spec, sourceSchemas, checked);
  checked.outputSchema = checker.pipeline(checked.spec.from, checked.spec.steps);
  return checked;
}

}  // namespace jobtuner::core

#include "runtime/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/distinct_salting.h"
#include "core/errors.h"
#include "core/expression_checker.h"
#include "runtime/hash_aggregate.h"

namespace jobtuner::runtime {

namespace {

/// The name of the salt column the planner adds; users cannot write a name starting with "__".
constexpr const char* kSaltColumn = "__salt";

std::shared_ptr<const core::Expr> columnReference(const core::Schema& schema, size_t index) {
  auto expr = std::make_shared<core::Expr>();
  expr->kind = core::ExprKind::kColumn;
  expr->text = schema.field(index).name;
  expr->columnIndex = index;
  expr->type = schema.field(index).type;
  return expr;
}

std::shared_ptr<const core::Expr> castOf(std::shared_ptr<const core::Expr> input, core::DataType type) {
  if (input->type == type) return input;
  auto expr = std::make_shared<core::Expr>();
  expr->kind = core::ExprKind::kCast;
  expr->targetType = type;
  expr->type = type;
  expr->implicit = true;
  // The tree owns its children uniquely; a copy of a column reference is cheap.
  auto child = std::make_unique<core::Expr>();
  child->kind = input->kind;
  child->text = input->text;
  child->columnIndex = input->columnIndex;
  child->type = input->type;
  expr->children.push_back(std::move(child));
  return expr;
}

int columnIndexOf(const core::Schema& schema, const std::string& name) {
  std::optional<size_t> index = schema.findField(name);
  if (!index) throw core::SystemError(fmt::format("the planner lost column {}", name));
  return static_cast<int>(*index);
}

/// A stage being built: its input and the operators pipelined so far.
struct OpenStage {
  std::string name;
  StageInput input;
  std::vector<PlanOp> ops;
  std::vector<int> parents;
  int numTasks = 0;
  core::Schema schema;
  int64_t estimatedBytes = 0;  // input size upstream of this point, for broadcast decisions
};

class Planner {
 public:
  Planner(const core::CheckedJob& job, const core::Profile& profile, const std::map<std::string, ResolvedSource>& sources)
      : job_(job), profile_(profile), sources_(sources) {}

  PhysicalPlan plan() {
    OpenStage last = planPipeline(job_.spec.from.name, job_.spec.steps, "");
    PlanStage& stage = closeStage(std::move(last));
    stage.output.sink = true;
    plan_.outputSchema = stage.outputSchema;
    for (PlanStage& planned : plan_.stages) planned.details = describe(planned);
    return std::move(plan_);
  }

 private:
  /// Plans `from` followed by `steps`; returns the stage still open at the end.
  OpenStage planPipeline(const std::string& from, const std::vector<core::StepSpec>& steps, const std::string& prefix) {
    OpenStage stage = openInput(from, prefix);
    for (const core::StepSpec& step : steps) stage = planStep(std::move(stage), step);
    return stage;
  }

  OpenStage openInput(const std::string& name, const std::string& prefix) {
    for (const core::ViewSpec& view : job_.spec.views) {
      if (view.name == name) return planPipeline(view.from.name, view.steps, prefix + view.name + "-");
    }
    const core::SourceSpec& source = sourceSpec(name);
    const ResolvedSource& resolved = sources_.at(name);
    OpenStage stage;
    stage.name = uniqueName("scan-" + name);
    stage.input.kind = StageInputKind::kScan;
    stage.input.source = name;
    stage.input.format = source.format;
    stage.input.delimiter = source.delimiter;
    stage.input.skipBadRecords = source.skipBadRecords;
    stage.input.sourceSchema = resolved.schema;
    for (const auto& [path, size] : resolved.files) {
      stage.estimatedBytes += size;
      int64_t step = std::max<int64_t>(1, profile_.maxPartitionBytes);
      for (int64_t start = 0; start < size; start += step) {
        stage.input.splits.push_back({path, start, std::min(step, size - start)});
      }
      // An empty file still has a header to check; it gets one task of no rows.
      if (size == 0) stage.input.splits.push_back({path, 0, 0});
    }
    stage.numTasks = static_cast<int>(stage.input.splits.size());
    stage.schema = resolved.schema;
    return stage;
  }

  const core::SourceSpec& sourceSpec(const std::string& name) const {
    if (const core::SourceSpec* source = job_.spec.findSource(name)) return *source;
    throw core::SystemError("the planner met an unknown source " + name);
  }

  OpenStage planStep(OpenStage stage, const core::StepSpec& step) {
    switch (step.kind) {
      case core::StepKind::kFilter: return planFilter(std::move(stage), step);
      case core::StepKind::kDerive:
      case core::StepKind::kSelect: return planProject(std::move(stage), step);
      case core::StepKind::kAggregate: return planAggregate(std::move(stage), step);
      case core::StepKind::kJoin: return planJoin(std::move(stage), step);
      case core::StepKind::kSort: return planSort(std::move(stage), step);
      case core::StepKind::kDistinct: return planDistinct(std::move(stage), step);
      case core::StepKind::kRepartition: return planRepartition(std::move(stage), step);
      case core::StepKind::kLimit: return planLimit(std::move(stage), step);
      case core::StepKind::kUnion: return planUnion(std::move(stage), step);
    }
    throw core::SystemError("the planner met an unknown step");
  }

  OpenStage planFilter(OpenStage stage, const core::StepSpec& step) {
    PlanOp op;
    op.kind = OpKind::kFilter;
    op.input = stage.schema;
    op.output = stage.schema;
    op.predicate = core::compilePredicate(step.condition.text, stage.schema, step.condition.location);
    stage.ops.push_back(std::move(op));
    return stage;
  }

  OpenStage planProject(OpenStage stage, const core::StepSpec& step) {
    PlanOp op;
    op.kind = OpKind::kProject;
    op.input = stage.schema;
    std::vector<core::Field> fields;
    auto add = [&](const std::string& name, std::shared_ptr<const core::Expr> expr) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name == name) {  // derive replaces a column of the same name in place
          fields[i].type = expr->type;
          op.expressions[i] = std::move(expr);
          return;
        }
      }
      fields.push_back({name, expr->type});
      op.expressions.push_back(std::move(expr));
    };
    if (step.kind == core::StepKind::kDerive) {
      for (size_t i = 0; i < stage.schema.numFields(); ++i) add(stage.schema.field(i).name, columnReference(stage.schema, i));
    }
    for (const core::NamedExpression& column : step.columns) {
      add(column.name, core::compileExpression(column.expression.text, stage.schema, column.expression.location));
    }
    op.output = core::Schema(std::move(fields));
    stage.schema = op.output;
    stage.ops.push_back(std::move(op));
    return stage;
  }

  int partitionsFor(const core::StepSpec& step) const {
    if (const core::StepOverride* override = profile_.stepOverride(step.stableName); override && override->partitions) {
      return static_cast<int>(*override->partitions);
    }
    return static_cast<int>(profile_.shufflePartitions);
  }

  const core::SaltingOverride* saltingFor(const core::StepSpec& step) const {
    const core::StepOverride* override = profile_.stepOverride(step.stableName);
    if (!override || !override->salting || override->salting->buckets <= 1) return nullptr;
    return &*override->salting;
  }

  OpenStage planAggregate(OpenStage stage, const core::StepSpec& step) {
    std::vector<int> keys;
    for (const core::ColumnRef& key : step.keys) keys.push_back(columnIndexOf(stage.schema, key.name));
    std::vector<AggregateCall> calls;
    for (const core::AggregateCallSpec& call : step.calls) {
      AggregateCall planned;
      planned.function = functionKind(call);
      planned.column = call.column.name.empty() ? -1 : columnIndexOf(stage.schema, call.column.name);
      planned.outputName = call.outputName;
      calls.push_back(planned);
    }
    int partitions = keys.empty() ? 1 : partitionsFor(step);
    const core::SaltingOverride* salting = keys.empty() ? nullptr : saltingFor(step);
    std::vector<int> groupKeys = keys;
    const std::string distinctName = salting ? core::saltableDistinctColumn(step.calls) : "";
    const int distinctColumn = distinctName.empty() ? -1 : columnIndexOf(stage.schema, distinctName);
    if (salting) groupKeys.push_back(addSalt(stage, OpKind::kAddSalt, keys, *salting, distinctColumn));
    if (distinctColumn >= 0) return planDistinctSaltedAggregate(std::move(stage), step, keys, groupKeys, calls, partitions);
    PlanOp partial = aggregateOp(AggregateMode::kPartial, stage.schema, groupKeys, calls);
    std::vector<int> stateKeys(groupKeys.size());
    for (size_t i = 0; i < stateKeys.size(); ++i) stateKeys[i] = static_cast<int>(i);
    core::Schema stateSchema = partial.output;
    stage.schema = stateSchema;
    stage.ops.push_back(std::move(partial));
    int shuffle = closeWithShuffle(std::move(stage), PartitioningKind::kHash, stateKeys, partitions, true);
    OpenStage reduce = openShuffleRead({shuffle}, partitions, step.stableName + (salting ? "-salted" : ""));
    if (salting) {
      PlanOp merge = aggregateOp(AggregateMode::kIntermediate, stateSchema, stateKeys, calls);
      reduce.schema = merge.output;
      reduce.ops.push_back(merge);
      // Drop the salt (the last group key) so the next round groups by the real keys only.
      reduce = dropColumn(std::move(reduce), kSaltColumn);
      std::vector<int> realKeys(keys.size());
      for (size_t i = 0; i < realKeys.size(); ++i) realKeys[i] = static_cast<int>(i);
      stateSchema = reduce.schema;
      stateKeys = realKeys;
      int second = closeWithShuffle(std::move(reduce), PartitioningKind::kHash, realKeys, partitions, false);
      reduce = openShuffleRead({second}, partitions, step.stableName);
    }
    PlanOp final = aggregateOp(AggregateMode::kFinal, stateSchema, stateKeys, calls);
    reduce.schema = final.output;
    reduce.ops.push_back(std::move(final));
    return reduce;
  }

  /// A salted aggregate with a count_distinct: hot rows are salted by the hash of the distinct
  /// column's value, so each (key, salt) group holds its own share of the key's distinct values.
  /// The first round finishes every group on (key, salt) — counts, sums, extremes and the distinct
  /// count of its share — and the second adds the counts and sums and takes the extremes per key.
  /// The hot key's distinct set is then counted by as many tasks as it has salts, not by one.
  OpenStage planDistinctSaltedAggregate(OpenStage stage, const core::StepSpec& step, const std::vector<int>& keys,
                                        const std::vector<int>& groupKeys, const std::vector<AggregateCall>& calls, int partitions) {
    PlanOp partial = aggregateOp(AggregateMode::kPartial, stage.schema, groupKeys, calls);
    std::vector<int> stateKeys(groupKeys.size());
    for (size_t i = 0; i < stateKeys.size(); ++i) stateKeys[i] = static_cast<int>(i);
    core::Schema stateSchema = partial.output;
    stage.schema = stateSchema;
    stage.ops.push_back(std::move(partial));
    int shuffle = closeWithShuffle(std::move(stage), PartitioningKind::kHash, stateKeys, partitions, true);
    OpenStage reduce = openShuffleRead({shuffle}, partitions, step.stableName + "-salted");
    PlanOp perSalt = aggregateOp(AggregateMode::kFinal, stateSchema, stateKeys, calls);
    reduce.schema = perSalt.output;
    reduce.ops.push_back(std::move(perSalt));
    // Drop the salt (the last group key): the rows are now (key, results) per salt.
    reduce = dropColumn(std::move(reduce), kSaltColumn);
    std::vector<int> realKeys(keys.size());
    for (size_t i = 0; i < realKeys.size(); ++i) realKeys[i] = static_cast<int>(i);
    core::Schema perSaltSchema = reduce.schema;
    int second = closeWithShuffle(std::move(reduce), PartitioningKind::kHash, realKeys, partitions, false);
    OpenStage combined = openShuffleRead({second}, partitions, step.stableName);
    // The per-salt results are states of the second round: counts and sums add up, extremes stay.
    std::vector<AggregateCall> combine = calls;
    for (AggregateCall& call : combine) {
      if (call.function != AggregateFunction::kMin && call.function != AggregateFunction::kMax) call.function = AggregateFunction::kSum;
    }
    PlanOp final = aggregateOp(AggregateMode::kFinal, perSaltSchema, realKeys, combine);
    combined.schema = final.output;
    combined.ops.push_back(std::move(final));
    return combined;
  }

  static AggregateFunction functionKind(const core::AggregateCallSpec& call) {
    switch (call.function) {
      case core::AggregateFunctionName::kCount:
        return call.column.name.empty() ? AggregateFunction::kCountStar : AggregateFunction::kCount;
      case core::AggregateFunctionName::kCountDistinct: return AggregateFunction::kCountDistinct;
      case core::AggregateFunctionName::kSum: return AggregateFunction::kSum;
      case core::AggregateFunctionName::kMin: return AggregateFunction::kMin;
      case core::AggregateFunctionName::kMax: return AggregateFunction::kMax;
      case core::AggregateFunctionName::kAvg: return AggregateFunction::kAvg;
    }
    return AggregateFunction::kCountStar;
  }

  PlanOp aggregateOp(AggregateMode phase, const core::Schema& input, const std::vector<int>& keys,
                     const std::vector<AggregateCall>& calls) {
    PlanOp op;
    op.kind = OpKind::kAggregate;
    op.phase = phase;
    op.input = input;
    op.keys = keys;
    op.calls = calls;
    op.output = aggregateOutputSchema(phase, input, keys, calls);
    return op;
  }

  static core::Schema aggregateOutputSchema(AggregateMode phase, const core::Schema& input, const std::vector<int>& keys,
                                            const std::vector<AggregateCall>& calls) {
    switch (phase) {
      case AggregateMode::kPartial: return partialSchema(input, keys, calls);
      case AggregateMode::kIntermediate: return input;
      case AggregateMode::kFinal: return finalSchema(input, keys, calls);
    }
    return input;
  }

  /// Appends a salt column to `stage` (kAddSalt: random for hot keys; kReplicateSalt: hot-key rows
  /// once per salt) and returns its index.
  static int addSalt(OpenStage& stage, OpKind kind, const std::vector<int>& keys, const core::SaltingOverride& salting,
                     int valueColumn = -1) {
    PlanOp salt;
    salt.kind = kind;
    salt.saltValueColumn = valueColumn;
    salt.input = stage.schema;
    salt.output = withSaltColumn(stage.schema);
    salt.keys = keys;
    salt.saltBuckets = salting.buckets;
    salt.hotKeys = salting.keys;
    stage.schema = salt.output;
    stage.ops.push_back(std::move(salt));
    return static_cast<int>(stage.schema.numFields() - 1);
  }

  static core::Schema withSaltColumn(const core::Schema& schema) {
    std::vector<core::Field> fields = schema.fields();
    fields.push_back({kSaltColumn, core::DataType::int64()});
    return core::Schema(std::move(fields));
  }

  OpenStage planJoin(OpenStage left, const core::StepSpec& step) {
    OpenStage right = openInputPipeline(step.with.name, step.stableName);
    std::vector<int> leftKeys;
    std::vector<int> rightKeys;
    for (const auto& [leftRef, rightRef] : step.on) {
      leftKeys.push_back(columnIndexOf(left.schema, leftRef.name));
      rightKeys.push_back(columnIndexOf(right.schema, rightRef.name));
    }
    castKeysToCommonTypes(left, leftKeys, right, rightKeys);
    const core::StepOverride* override = profile_.stepOverride(step.stableName);
    bool broadcast = override && override->broadcast
                         ? *override->broadcast
                         : profile_.broadcastThresholdBytes >= 0 && right.estimatedBytes <= profile_.broadcastThresholdBytes;
    const core::SaltingOverride* salting = broadcast ? nullptr : saltingFor(step);
    JoinType kind = joinTypeOf(step.joinType);
    if (broadcast) {
      core::Schema buildSchema = right.schema;
      int buildShuffle = closeWithShuffle(std::move(right), PartitioningKind::kSingle, {}, 1, false);
      PlanOp op = joinOp(kind, left.schema, leftKeys, buildSchema, rightKeys, buildShuffle, true);
      left.parents.push_back(plan_.shuffle(buildShuffle).mapStage);
      left.schema = op.output;
      left.ops.push_back(std::move(op));
      return left;
    }
    if (salting) {
      leftKeys.push_back(addSalt(left, OpKind::kAddSalt, leftKeys, *salting));
      rightKeys.push_back(addSalt(right, OpKind::kReplicateSalt, rightKeys, *salting));
    }
    int partitions = partitionsFor(step);
    core::Schema buildSchema = right.schema;
    core::Schema probeSchema = left.schema;
    int leftShuffle = closeWithShuffle(std::move(left), PartitioningKind::kHash, leftKeys, partitions, true);
    int rightShuffle = closeWithShuffle(std::move(right), PartitioningKind::kHash, rightKeys, partitions, false);
    OpenStage joined = openShuffleRead({leftShuffle}, partitions, step.stableName);
    joined.parents.push_back(plan_.shuffle(rightShuffle).mapStage);
    PlanOp op = joinOp(kind, probeSchema, leftKeys, buildSchema, rightKeys, rightShuffle, false);
    joined.schema = op.output;
    joined.ops.push_back(std::move(op));
    // The probe side's salt column is not part of the step's output (the build side's is a key).
    if (salting) joined = dropColumn(std::move(joined), kSaltColumn);
    return joined;
  }

  OpenStage dropColumn(OpenStage stage, const std::string& name) {
    PlanOp drop;
    drop.kind = OpKind::kProject;
    drop.input = stage.schema;
    std::vector<core::Field> fields;
    for (size_t i = 0; i < stage.schema.numFields(); ++i) {
      if (stage.schema.field(i).name == name) continue;
      fields.push_back(stage.schema.field(i));
      drop.expressions.push_back(columnReference(stage.schema, i));
    }
    drop.output = core::Schema(std::move(fields));
    stage.schema = drop.output;
    stage.ops.push_back(std::move(drop));
    return stage;
  }

  /// The right side of a join or union: a source or view, planned as a pipeline of its own.
  OpenStage openInputPipeline(const std::string& name, const std::string& stepName) {
    return openInput(name, stepName + "-");
  }

  static JoinType joinTypeOf(core::JoinType type) {
    switch (type) {
      case core::JoinType::kInner: return JoinType::kInner;
      case core::JoinType::kLeft: return JoinType::kLeft;
      case core::JoinType::kSemi: return JoinType::kSemi;
      case core::JoinType::kAnti: return JoinType::kAnti;
    }
    return JoinType::kInner;
  }

  PlanOp joinOp(JoinType kind, const core::Schema& probe, const std::vector<int>& probeKeys, const core::Schema& build,
                const std::vector<int>& buildKeys, int buildShuffle, bool broadcast) {
    PlanOp op;
    op.kind = OpKind::kJoin;
    op.joinKind = kind;
    op.input = probe;
    op.keys = probeKeys;
    op.buildSchema = build;
    op.buildKeys = buildKeys;
    op.buildShuffle = buildShuffle;
    op.broadcast = broadcast;
    std::vector<core::Field> fields = probe.fields();
    if (kind == JoinType::kInner || kind == JoinType::kLeft) {
      for (size_t i = 0; i < build.numFields(); ++i) {
        if (std::find(buildKeys.begin(), buildKeys.end(), static_cast<int>(i)) != buildKeys.end()) continue;
        fields.push_back(build.field(i));
      }
    }
    op.output = core::Schema(std::move(fields));
    return op;
  }

  /// Join keys of different types (int64 with decimal, a number with double) are cast to the
  /// common type on both sides, so equal values hash and compare equal.
  void castKeysToCommonTypes(OpenStage& left, std::vector<int>& leftKeys, OpenStage& right, std::vector<int>& rightKeys) {
    for (size_t k = 0; k < leftKeys.size(); ++k) {
      core::DataType leftType = left.schema.field(static_cast<size_t>(leftKeys[k])).type;
      core::DataType rightType = right.schema.field(static_cast<size_t>(rightKeys[k])).type;
      if (leftType == rightType) continue;
      core::DataType common = core::commonJoinKeyType(leftType, rightType);
      castColumn(left, leftKeys[k], common);
      castColumn(right, rightKeys[k], common);
    }
  }

  void castColumn(OpenStage& stage, int column, core::DataType type) {
    if (stage.schema.field(static_cast<size_t>(column)).type == type) return;
    PlanOp op;
    op.kind = OpKind::kProject;
    op.input = stage.schema;
    std::vector<core::Field> fields = stage.schema.fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      auto reference = columnReference(stage.schema, i);
      op.expressions.push_back(static_cast<int>(i) == column ? castOf(reference, type) : reference);
    }
    fields[static_cast<size_t>(column)].type = type;
    op.output = core::Schema(std::move(fields));
    stage.schema = op.output;
    stage.ops.push_back(std::move(op));
  }

  OpenStage planSort(OpenStage stage, const core::StepSpec& step) {
    std::vector<SortKey> keys;
    for (const core::SortKeySpec& key : step.sortKeys) {
      keys.push_back({columnIndexOf(stage.schema, key.column.name), key.ascending, key.ascending});
    }
    int partitions = partitionsFor(step);
    int mapTasks = stage.numTasks;
    core::Schema schema = stage.schema;
    // 1. The input stage keeps its rows in one block per task and samples the sort keys.
    int materialized = closeWithShuffle(std::move(stage), PartitioningKind::kSingle, {}, 1, false);
    plan_.stages.back().output.sampleSortKeys = true;
    // 2. The range exchange: each task re-partitions one map output by the bounds.
    OpenStage exchange;
    exchange.name = uniqueName(step.stableName + "-exchange");
    exchange.input.kind = StageInputKind::kMapOutput;
    exchange.input.shuffles = {materialized};
    exchange.parents = {plan_.shuffle(materialized).mapStage};
    exchange.numTasks = mapTasks;
    exchange.schema = schema;
    int ranged = closeWithShuffle(std::move(exchange), PartitioningKind::kRange, {}, partitions, false);
    plan_.shuffles[static_cast<size_t>(ranged)].sortKeys = keys;
    // 3. Each range sorts locally; partition order is the global order.
    OpenStage sorted = openShuffleRead({ranged}, partitions, step.stableName);
    PlanOp sort;
    sort.kind = OpKind::kSort;
    sort.input = schema;
    sort.output = schema;
    sort.sortKeys = keys;
    sorted.ops.push_back(std::move(sort));
    return sorted;
  }

  OpenStage planDistinct(OpenStage stage, const core::StepSpec& step) {
    std::vector<int> keys(stage.schema.numFields());
    for (size_t i = 0; i < keys.size(); ++i) keys[i] = static_cast<int>(i);
    PlanOp partial;
    partial.kind = OpKind::kDistinct;
    partial.input = stage.schema;
    partial.output = stage.schema;
    stage.ops.push_back(partial);
    int partitions = partitionsFor(step);
    int shuffle = closeWithShuffle(std::move(stage), PartitioningKind::kHash, keys, partitions, false);
    OpenStage reduce = openShuffleRead({shuffle}, partitions, step.stableName);
    reduce.ops.push_back(std::move(partial));
    return reduce;
  }

  OpenStage planRepartition(OpenStage stage, const core::StepSpec& step) {
    std::vector<int> keys;
    for (const core::ColumnRef& key : step.keys) keys.push_back(columnIndexOf(stage.schema, key.name));
    int partitions = step.partitions > 0 ? static_cast<int>(step.partitions) : partitionsFor(step);
    if (const core::StepOverride* override = profile_.stepOverride(step.stableName); override && override->partitions) {
      partitions = static_cast<int>(*override->partitions);
    }
    int shuffle = closeWithShuffle(std::move(stage), keys.empty() ? PartitioningKind::kRoundRobin : PartitioningKind::kHash,
                                   keys, partitions, !keys.empty());
    return openShuffleRead({shuffle}, partitions, step.stableName);
  }

  OpenStage planLimit(OpenStage stage, const core::StepSpec& step) {
    PlanOp limit;
    limit.kind = OpKind::kLimit;
    limit.input = stage.schema;
    limit.output = stage.schema;
    limit.limit = step.limit;
    stage.ops.push_back(limit);
    int shuffle = closeWithShuffle(std::move(stage), PartitioningKind::kSingle, {}, 1, false);
    OpenStage single = openShuffleRead({shuffle}, 1, step.stableName);
    single.ops.push_back(std::move(limit));
    return single;
  }

  OpenStage planUnion(OpenStage left, const core::StepSpec& step) {
    OpenStage right = openInputPipeline(step.with.name, step.stableName);
    // Line the right side's columns up with the left's, by name.
    if (right.schema.names() != left.schema.names()) {
      PlanOp reorder;
      reorder.kind = OpKind::kProject;
      reorder.input = right.schema;
      reorder.output = left.schema;
      for (const core::Field& field : left.schema.fields()) {
        reorder.expressions.push_back(columnReference(right.schema, static_cast<size_t>(columnIndexOf(right.schema, field.name))));
      }
      right.schema = left.schema;
      right.ops.push_back(std::move(reorder));
    }
    int partitions = std::max(1, std::min(static_cast<int>(profile_.shufflePartitions), std::max(left.numTasks, right.numTasks)));
    int leftShuffle = closeWithShuffle(std::move(left), PartitioningKind::kRoundRobin, {}, partitions, false);
    int rightShuffle = closeWithShuffle(std::move(right), PartitioningKind::kRoundRobin, {}, partitions, false);
    OpenStage merged = openShuffleRead({leftShuffle, rightShuffle}, partitions, step.stableName);
    merged.parents.push_back(plan_.shuffle(rightShuffle).mapStage);
    return merged;
  }

  /// Ends `stage` with a map output into a new shuffle; returns the shuffle's id.
  int closeWithShuffle(OpenStage stage, PartitioningKind partitioning, std::vector<int> keys, int partitions, bool sketch) {
    ShuffleSpec shuffle;
    shuffle.id = static_cast<int>(plan_.shuffles.size());
    shuffle.numPartitions = std::max(1, partitions);
    shuffle.schema = stage.schema;
    shuffle.partitioning = partitioning;
    shuffle.keys = std::move(keys);
    shuffle.sketchKeys = sketch && !shuffle.keys.empty();
    PlanStage& closed = closeStage(std::move(stage));
    closed.output.shuffle = shuffle.id;
    shuffle.mapStage = closed.id;
    plan_.shuffles.push_back(std::move(shuffle));
    return plan_.shuffles.back().id;
  }

  PlanStage& closeStage(OpenStage stage) {
    PlanStage closed;
    closed.id = static_cast<int>(plan_.stages.size());
    closed.name = stage.name;
    closed.numTasks = stage.numTasks;
    closed.parents = std::move(stage.parents);
    closed.input = std::move(stage.input);
    closed.ops = std::move(stage.ops);
    closed.outputSchema = stage.schema;
    plan_.stages.push_back(std::move(closed));
    return plan_.stages.back();
  }

  OpenStage openShuffleRead(std::vector<int> shuffles, int partitions, const std::string& name) {
    OpenStage stage;
    stage.name = uniqueName(name);
    stage.input.kind = StageInputKind::kShuffle;
    for (int shuffle : shuffles) stage.parents.push_back(plan_.shuffle(shuffle).mapStage);
    stage.input.shuffles = std::move(shuffles);
    stage.numTasks = std::max(1, partitions);
    stage.schema = plan_.shuffle(stage.input.shuffles.front()).schema;
    return stage;
  }

  std::string uniqueName(const std::string& name) {
    std::string candidate = name;
    for (int n = 2; !usedNames_.insert(candidate).second; ++n) candidate = fmt::format("{}-{}", name, n);
    return candidate;
  }

  std::string describe(const PlanStage& stage) const {
    static constexpr const char* kOpNames[] = {"filter", "project", "aggregate", "distinct", "join", "sort", "limit",
                                               "salt", "replicate-for-salt"};
    std::string text = stage.input.kind == StageInputKind::kScan ? "scan " + stage.input.source : "shuffle read";
    for (const PlanOp& op : stage.ops) text += std::string(" -> ") + kOpNames[static_cast<int>(op.kind)];
    text += stage.output.sink ? " -> sink" : " -> shuffle write";
    return text;
  }

  const core::CheckedJob& job_;
  const core::Profile& profile_;
  const std::map<std::string, ResolvedSource>& sources_;
  PhysicalPlan plan_;
  std::set<std::string> usedNames_;
};

}  // namespace

PhysicalPlan planJob(const core::CheckedJob& job, const core::Profile& profile,
                     const std::map<std::string, ResolvedSource>& sources) {
  return Planner(job, profile, sources).plan();
}

}  // namespace jobtuner::runtime

#include "runtime/pipeline.h"

#include <fmt/format.h>

#include "core/expression_evaluator.h"
#include "runtime/broadcast_tables.h"
#include "runtime/external_sort.h"
#include "runtime/hash_join.h"
#include "runtime/salting.h"
#include "runtime/shuffle_files.h"
#include "runtime/spilling_aggregate.h"

namespace jobtuner::runtime {

namespace {

class FilterOperator final : public Operator {
 public:
  FilterOperator(const PlanOp& op, Operator* next) : op_(op), next_(next) {}
  void push(core::ColumnBatch batch) override {
    std::vector<uint32_t> rows = core::selectRows(*op_.predicate, batch);
    if (rows.empty()) return;
    if (rows.size() == batch.numRows()) {
      next_->push(std::move(batch));
    } else {
      next_->push(core::takeRows(batch, rows));
    }
  }
  void finish() override { next_->finish(); }

 private:
  const PlanOp& op_;
  Operator* next_;
};

class ProjectOperator final : public Operator {
 public:
  ProjectOperator(const PlanOp& op, Operator* next) : op_(op), next_(next) {}
  void push(core::ColumnBatch batch) override {
    size_t count = op_.expressions.size();
    std::vector<core::Column> columns(count);
    // Computed columns first, while the input is whole; then bare references used once move.
    for (size_t i = 0; i < count; ++i) {
      if (!movable(*op_.expressions[i])) columns[i] = core::evaluate(*op_.expressions[i], batch);
    }
    for (size_t i = 0; i < count; ++i) {
      if (movable(*op_.expressions[i])) columns[i] = std::move(batch.column(op_.expressions[i]->columnIndex));
    }
    next_->push(core::ColumnBatch(op_.output, std::move(columns)));
  }
  void finish() override { next_->finish(); }

  /// Counts the uses of each input column, so columns used once as a bare reference can move.
  void countUses() {
    used_.assign(op_.input.numFields(), 0);
    for (const auto& expression : op_.expressions) countColumns(*expression);
  }

 private:
  bool movable(const core::Expr& expr) const {
    return expr.kind == core::ExprKind::kColumn && used_[expr.columnIndex] == 1;
  }

  void countColumns(const core::Expr& expr) {
    if (expr.kind == core::ExprKind::kColumn) ++used_[expr.columnIndex];
    for (const auto& child : expr.children) countColumns(*child);
  }

  const PlanOp& op_;
  Operator* next_;
  std::vector<int> used_;
};

class LimitOperator final : public Operator {
 public:
  LimitOperator(const PlanOp& op, Operator* next) : remaining_(op.limit), next_(next) {}
  void push(core::ColumnBatch batch) override {
    if (remaining_ <= 0) return;
    if (static_cast<int64_t>(batch.numRows()) <= remaining_) {
      remaining_ -= static_cast<int64_t>(batch.numRows());
      next_->push(std::move(batch));
      return;
    }
    std::vector<uint32_t> rows(static_cast<size_t>(remaining_));
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<uint32_t>(i);
    remaining_ = 0;
    next_->push(core::takeRows(batch, rows));
  }
  void finish() override { next_->finish(); }

 private:
  int64_t remaining_;
  Operator* next_;
};

/// Aggregate and distinct: rows held until finish, in bounded memory.
class AggregateOperator final : public Operator {
 public:
  AggregateOperator(const PlanOp& op, const TaskContext& context, Operator* next)
      : next_(next), aggregate_(op.phase, op.input, op.keys, op.calls, *context.memory) {}
  /// Distinct rows are the groups of every column, with no aggregate calls.
  AggregateOperator(const core::Schema& input, const TaskContext& context, Operator* next)
      : next_(next), aggregate_(AggregateMode::kPartial, input, allColumns(input), {}, *context.memory) {}
  void push(core::ColumnBatch batch) override { aggregate_.add(batch); }
  void finish() override {
    aggregate_.finish([&](core::ColumnBatch result) {
      if (result.numRows() > 0) next_->push(std::move(result));
    });
    next_->finish();
  }

 private:
  static std::vector<int> allColumns(const core::Schema& schema) {
    std::vector<int> columns(schema.numFields());
    for (size_t i = 0; i < columns.size(); ++i) columns[i] = static_cast<int>(i);
    return columns;
  }

  Operator* next_;
  SpillingAggregate aggregate_;
};

class SortOperator final : public Operator {
 public:
  SortOperator(const PlanOp& op, const TaskContext& context, Operator* next)
      : next_(next), sort_(op.input, op.sortKeys, *context.memory) {}
  void push(core::ColumnBatch batch) override { sort_.add(std::move(batch)); }
  void finish() override {
    sort_.finish([&](core::ColumnBatch sorted) { next_->push(std::move(sorted)); });
    next_->finish();
  }

 private:
  Operator* next_;
  ExternalSort sort_;
};

/// The build side is not spillable (as in Spark's shuffled hash join): a shuffled build's bytes
/// are held in the task's memory, granted or not, and an executor that outgrows its limit is
/// killed; a broadcast's table is held once per executor in storage memory.
class JoinOperator final : public Operator {
 public:
  JoinOperator(const PlanOp& op, const TaskContext& context, Operator* next)
      : next_(next), join_(op.joinKind, tableFor(op, context), op.input, op.keys) {}
  void push(core::ColumnBatch batch) override {
    core::ColumnBatch joined = join_.probe(batch);
    if (joined.numRows() > 0) next_->push(std::move(joined));
  }
  void finish() override { next_->finish(); }

 private:
  static std::shared_ptr<const JoinTable> tableFor(const PlanOp& op, const TaskContext& context) {
    auto build = [&]() -> std::shared_ptr<const JoinTable> {
      auto table = std::make_shared<JoinTable>(op.buildSchema, op.buildKeys);
      readShuffleInput(context, op.buildShuffle, op.broadcast ? 0 : context.taskIndex,
                       [&](core::ColumnBatch batch) { table->add(batch); });
      table->finish();
      return table;
    };
    if (op.broadcast) {
      return sharedBroadcastTable(fmt::format("{}#{}", context.shuffleDir.string(), op.buildShuffle),
                                  context.memory->manager(), build);
    }
    std::shared_ptr<const JoinTable> table = build();
    context.memory->holdUnspillable(static_cast<int64_t>(table->memoryBytes()));
    return table;
  }

  Operator* next_;
  HashJoin join_;
};

class AddSaltOperator final : public Operator {
 public:
  AddSaltOperator(const PlanOp& op, const TaskContext& context, Operator* next)
      : op_(op), next_(next), salts_(op.saltBuckets, op.hotKeys, context.seed) {}
  void push(core::ColumnBatch batch) override {
    core::Column salt = salts_.assign(batch, op_.keys, op_.saltValueColumn);
    std::vector<core::Column> columns;
    for (size_t c = 0; c < batch.numColumns(); ++c) columns.push_back(std::move(batch.column(c)));
    columns.push_back(std::move(salt));
    next_->push(core::ColumnBatch(op_.output, std::move(columns)));
  }
  void finish() override { next_->finish(); }

 private:
  const PlanOp& op_;
  Operator* next_;
  SaltAssigner salts_;
};

class ReplicateSaltOperator final : public Operator {
 public:
  ReplicateSaltOperator(const PlanOp& op, Operator* next) : op_(op), next_(next) {}
  void push(core::ColumnBatch batch) override {
    next_->push(replicateForSalt(batch, op_.keys, op_.hotKeys, op_.saltBuckets));
  }
  void finish() override { next_->finish(); }

 private:
  const PlanOp& op_;
  Operator* next_;
};

}  // namespace

std::unique_ptr<Operator> makeOperator(const PlanOp& op, const TaskContext& context, Operator* next) {
  switch (op.kind) {
    case OpKind::kFilter: return std::make_unique<FilterOperator>(op, next);
    case OpKind::kProject: {
      auto project = std::make_unique<ProjectOperator>(op, next);
      project->countUses();
      return project;
    }
    case OpKind::kAggregate: return std::make_unique<AggregateOperator>(op, context, next);
    case OpKind::kDistinct: return std::make_unique<AggregateOperator>(op.input, context, next);
    case OpKind::kJoin: return std::make_unique<JoinOperator>(op, context, next);
    case OpKind::kSort: return std::make_unique<SortOperator>(op, context, next);
    case OpKind::kLimit: return std::make_unique<LimitOperator>(op, next);
    case OpKind::kAddSalt: return std::make_unique<AddSaltOperator>(op, context, next);
    case OpKind::kReplicateSalt: return std::make_unique<ReplicateSaltOperator>(op, next);
  }
  throw core::SystemError("unknown operator kind");
}

void readShuffleInput(const TaskContext& context, int shuffleId, int partition,
                      const std::function<void(core::ColumnBatch)>& consume) {
  const ShuffleSpec& shuffle = context.plan->shuffle(shuffleId);
  std::vector<int> mapIds(static_cast<size_t>(context.plan->stage(shuffle.mapStage).numTasks));
  for (size_t i = 0; i < mapIds.size(); ++i) mapIds[i] = static_cast<int>(i);
  ShuffleReadResult read = readShufflePartition(context.shuffleDir, shuffleId, mapIds, partition, shuffle.schema, consume);
  TaskMeasurements& metrics = *context.metrics;
  metrics.shuffleLocalBytes += read.localBytes;
  metrics.shuffleLocalBlocks += read.localBlocks;
  metrics.shuffleReadRecords += read.records;
  metrics.shuffleFetchWaitMs += read.fetchWaitNs / 1'000'000;
}

}  // namespace jobtuner::runtime

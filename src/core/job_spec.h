#pragma once

// A job: what to compute, as users write it in YAML (docs/jobs.md has the full reference).
//
//   name: sales-by-customer
//   sources:
//     sales:
//       path: ${DATA_DIR}/sales.csv        # a file, a directory or a glob; format: csv (default) | jsonl
//       schema: {customer: int64, amount: "decimal(12,2)"}   # optional: inferred when absent
//       on_bad_record: fail               # or skip
//   views:                                # optional named pipelines, usable like sources
//     gold: {from: customers, steps: [{filter: "tier = 'gold'"}]}
//   from: sales
//   steps:
//     - filter: amount > 0
//     - derive: {doubled: "amount * 2"}
//     - aggregate: {name: by-customer, by: [customer], compute: {orders: "count()", revenue: "sum(amount)"}}
//     - join: {with: gold, on: [customer], type: inner}
//     - sort: [revenue desc]
//     - limit: 10
//   sink: {format: csv, path: ${OUTPUT}}
//
// Every step has a stable name (its `name:`, else derived from the step: aggregate-by-customer,
// join-gold, sort-by-revenue) that profiles and findings use.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/column_batch.h"
#include "core/errors.h"

namespace jobtuner::core {

/// Expression text with where it begins in the job file, so errors point inside it.
struct ExpressionText {
  std::string text;
  SourceLocation location;
};

/// A column name as written, with its place.
struct ColumnRef {
  std::string name;
  SourceLocation location;
};

struct NamedExpression {
  std::string name;
  ExpressionText expression;
};

enum class StepKind : uint8_t { kFilter, kDerive, kSelect, kAggregate, kJoin, kSort, kDistinct, kRepartition, kLimit, kUnion };

/// The step kinds as users write them, in StepKind order.
const std::vector<std::string>& stepKindNames();

enum class AggregateFunctionName : uint8_t { kCount, kCountDistinct, kSum, kMin, kMax, kAvg };

struct AggregateCallSpec {
  AggregateFunctionName function = AggregateFunctionName::kCount;
  ColumnRef column;        // empty name: count()
  std::string outputName;
  SourceLocation location;
};

enum class JoinType : uint8_t { kInner, kLeft, kSemi, kAnti };

struct SortKeySpec {
  ColumnRef column;
  bool ascending = true;
};

struct StepSpec {
  StepKind kind = StepKind::kFilter;
  std::string name;        // as given, may be empty
  std::string stableName;  // given or derived; unique in the job
  SourceLocation location;

  ExpressionText condition;              // filter
  std::vector<NamedExpression> columns;  // derive, select
  std::vector<ColumnRef> keys;           // aggregate by, repartition by
  std::vector<AggregateCallSpec> calls;  // aggregate
  ColumnRef with;                        // join, union: a source or view
  std::vector<std::pair<ColumnRef, ColumnRef>> on;  // join: left column, right column
  JoinType joinType = JoinType::kInner;
  std::vector<SortKeySpec> sortKeys;     // sort
  int64_t partitions = 0;                // repartition (0: shuffle_partitions)
  int64_t limit = 0;                     // limit
};

struct SourceSpec {
  std::string name;
  std::string format = "csv";  // csv | jsonl
  std::string path;
  std::optional<Schema> schema;
  char delimiter = ',';
  bool skipBadRecords = false;
  SourceLocation location;
  SourceLocation pathLocation;
};

struct ViewSpec {
  std::string name;
  ColumnRef from;
  std::vector<StepSpec> steps;
  SourceLocation location;
};

struct SinkSpec {
  std::string format = "csv";
  std::string path;  // empty: the run directory, unless --output says
  SourceLocation location;
};

struct JobSpec {
  std::string file;
  std::string name;
  std::vector<SourceSpec> sources;
  std::vector<ViewSpec> views;
  ColumnRef from;
  std::vector<StepSpec> steps;
  SinkSpec sink;

  const SourceSpec* findSource(std::string_view name) const;
  const ViewSpec* findView(std::string_view name) const;
  /// Every step of the job, views' first, for names and overrides.
  std::vector<const StepSpec*> allSteps() const;
};

}  // namespace jobtuner::core

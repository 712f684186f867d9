#pragma once

// The physical plan of a job: stages split at shuffle boundaries, each a pipeline of operators run
// by one task per partition. The planner builds it from a checked job, the profile and the input
// files; the driver schedules its stages and every executor rebuilds the same plan from the same
// inputs (planning is a pure function), so the plan never travels over the wire.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/column_batch.h"
#include "core/expression_ast.h"
#include "runtime/hash_aggregate.h"
#include "runtime/hash_join.h"
#include "runtime/sort_rows.h"

namespace jobtuner::runtime {

/// A byte range of one input file: what one scan task reads.
struct FileSplit {
  std::string path;
  int64_t start = 0;
  int64_t length = 0;
};

enum class OpKind : uint8_t {
  kFilter,         // keeps rows where `predicate` is true
  kProject,        // computes `expressions` into the output schema (select, derive, casts)
  kAggregate,      // group by `keys`, `calls`, in `phase`
  kDistinct,       // distinct rows over all columns
  kJoin,           // probes the input against a hash table of the build side (see buildShuffle)
  kSort,           // sorts the whole partition by `sortKeys`
  kLimit,          // the first `limit` rows
  kAddSalt,        // appends an int64 salt column: random in [0, buckets) for hot keys, else 0
  kReplicateSalt,  // appends a salt column, replicating rows of hot keys once per salt value
};

struct PlanOp {
  OpKind kind = OpKind::kFilter;
  core::Schema input;
  core::Schema output;

  // kFilter
  std::shared_ptr<const core::Expr> predicate;
  // kProject: one expression per output column
  std::vector<std::shared_ptr<const core::Expr>> expressions;
  // kAggregate, kAddSalt, kReplicateSalt (key columns), kJoin (probe keys)
  std::vector<int> keys;
  AggregateMode phase = AggregateMode::kPartial;
  std::vector<AggregateCall> calls;
  // kJoin
  JoinType joinKind = JoinType::kInner;
  int buildShuffle = -1;      // the shuffle holding the build side
  bool broadcast = false;     // build from every map output's partition 0, not from this task's partition
  std::vector<int> buildKeys; // in the build shuffle's schema
  core::Schema buildSchema;
  // kSort
  std::vector<SortKey> sortKeys;
  // kLimit
  int64_t limit = 0;
  // kAddSalt, kReplicateSalt
  int64_t saltBuckets = 0;
  std::vector<std::string> hotKeys;  // empty: every key
  // kAddSalt: when set, a hot row's salt is the hash of this column's value, not random, so rows
  // with one value share a salt and a count_distinct over the column can count per salt.
  int saltValueColumn = -1;
};

enum class PartitioningKind : uint8_t {
  kHash,        // by `keys`
  kRoundRobin,  // rows spread evenly, no keys
  kSingle,      // everything to partition 0
  kRange,       // by sort keys, against bounds the driver computes from the map stage's input
                // samples and sends with each task
};

struct ShuffleSpec {
  int id = 0;
  int mapStage = 0;         // the stage whose tasks write it; map id = task index
  int numPartitions = 1;
  core::Schema schema;
  PartitioningKind partitioning = PartitioningKind::kHash;
  std::vector<int> keys;
  std::vector<SortKey> sortKeys;  // kRange
  /// Track the heaviest keys of this shuffle (aggregations and joins: the keys salting targets).
  bool sketchKeys = false;
};

enum class StageInputKind : uint8_t {
  kScan,       // split `task index` of the source
  kShuffle,    // partition `task index` of each shuffle in `shuffles`, concatenated
  kMapOutput,  // partition 0 of map output `task index` of shuffles[0] (a range exchange's input)
};

struct StageInput {
  StageInputKind kind = StageInputKind::kScan;
  std::string source;              // kScan: the source's name in the job
  std::vector<FileSplit> splits;   // kScan: one per task
  std::string format = "csv";      // kScan: csv | jsonl
  char delimiter = ',';            // kScan, csv
  bool skipBadRecords = false;     // kScan: on_bad_record: skip
  core::Schema sourceSchema;       // kScan: the columns read
  std::vector<int> shuffles;       // kShuffle
};

struct StageOutput {
  bool sink = false;       // the job's sink: one part file per task
  int shuffle = -1;        // otherwise the shuffle this stage writes
  /// Range partitioning needs a sample of the sort keys: each task returns one with its result.
  bool sampleSortKeys = false;
};

struct PlanStage {
  int id = 0;
  std::string name;        // stable, derived from the job: "scan-sales", "aggregate-by-user_id"
  int numTasks = 0;
  std::vector<int> parents;
  StageInput input;
  std::vector<PlanOp> ops;
  StageOutput output;
  core::Schema outputSchema;
  std::string details;     // the operator chain, for the event log's stage details
};

struct PhysicalPlan {
  std::vector<PlanStage> stages;    // in an order where parents come first
  std::vector<ShuffleSpec> shuffles;
  core::Schema outputSchema;
  const PlanStage& stage(int id) const { return stages.at(static_cast<size_t>(id)); }
  const ShuffleSpec& shuffle(int id) const { return shuffles.at(static_cast<size_t>(id)); }
};

}  // namespace jobtuner::runtime

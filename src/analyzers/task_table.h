#pragma once

// The tasks rules aggregate over, as columns: one row per successful task attempt with metrics
// (the attempts the History Server's summaries count), one column per metric the loaded rules
// use. A scope (an app, a job, a stage attempt, an executor) is a list of rows of this table, and
// answers aggregates over it, each computed once.

#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "core/model.h"

namespace jobtuner::analyzers {

enum class Aggregate : uint8_t {
  kCount,     // count(): tasks; count(m): tasks with m > 0
  kSum,
  kMin,
  kMax,
  kAvg,
  kStddev,    // population standard deviation
  kQuantile,  // p(q, m), p50(m), ...: the History Server's rule, value at min(floor(q*n), n-1)
  kMaxShare,  // max(m) / sum(m): the share of the scope's total held by its biggest task
  kShare,     // sum(m) / the app's sum(m): the scope's share of the app's total
};

class TaskTable {
 public:
  /// `usedMetrics[i]` says whether metric i (task_metrics.h) is kept.
  explicit TaskTable(std::vector<bool> usedMetrics);

  void reserve(size_t rows);
  /// Appends the attempt as a row; returns its row number.
  uint32_t add(const core::TaskAttempt& task);
  size_t rows() const { return rows_; }
  bool uses(size_t metric) const { return metric < used_.size() && used_[metric]; }
  /// Metric i of every row; empty for a metric not kept.
  const std::vector<double>& column(size_t metric) const { return columns_[metric]; }

 private:
  std::vector<bool> used_;
  std::vector<std::vector<double>> columns_;
  size_t rows_ = 0;
};

/// The rows of one scope, with its aggregates cached.
class ScopeTasks {
 public:
  ScopeTasks() = default;
  ScopeTasks(const TaskTable* table, std::vector<uint32_t> rows, const ScopeTasks* app = nullptr)
      : table_(table), rows_(std::move(rows)), app_(app) {}

  size_t count() const { return rows_.size(); }
  const std::vector<uint32_t>& rows() const { return rows_; }

  /// The aggregate of metric `metric` (ignored for kCount with metric < 0); q for kQuantile.
  /// NaN where it is undefined (min, max, avg, quantiles of no rows; a share of a zero total).
  double aggregate(Aggregate kind, int metric, double q = 0) const;

 private:
  double compute(Aggregate kind, int metric, double q) const;
  const std::vector<double>& sorted(size_t metric) const;

  const TaskTable* table_ = nullptr;
  std::vector<uint32_t> rows_;
  const ScopeTasks* app_ = nullptr;  // for kShare; null in the app's own scope
  mutable std::map<std::tuple<Aggregate, int, double>, double> cache_;
  mutable std::map<size_t, std::vector<double>> sorted_;
};

}  // namespace jobtuner::analyzers

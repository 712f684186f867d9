#include "analyzers/task_table.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "analyzers/task_metrics.h"

namespace jobtuner::analyzers {

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TaskTable::TaskTable(std::vector<bool> usedMetrics) : used_(std::move(usedMetrics)) {
  used_.resize(taskMetrics().size(), false);
  columns_.resize(used_.size());
}

void TaskTable::reserve(size_t rows) {
  for (size_t i = 0; i < used_.size(); ++i) {
    if (used_[i]) columns_[i].reserve(rows);
  }
}

uint32_t TaskTable::add(const core::TaskAttempt& task) {
  auto metrics = taskMetrics();
  for (size_t i = 0; i < used_.size(); ++i) {
    if (used_[i]) columns_[i].push_back(static_cast<double>(metrics[i].valueOf(task)));
  }
  return static_cast<uint32_t>(rows_++);
}

double ScopeTasks::aggregate(Aggregate kind, int metric, double q) const {
  auto key = std::make_tuple(kind, metric, q);
  auto found = cache_.find(key);
  if (found != cache_.end()) return found->second;
  double value = compute(kind, metric, q);
  cache_.emplace(key, value);
  return value;
}

const std::vector<double>& ScopeTasks::sorted(size_t metric) const {
  auto found = sorted_.find(metric);
  if (found != sorted_.end()) return found->second;
  const std::vector<double>& column = table_->column(metric);
  std::vector<double> values;
  values.reserve(rows_.size());
  for (uint32_t row : rows_) values.push_back(column[row]);
  std::sort(values.begin(), values.end());
  return sorted_.emplace(metric, std::move(values)).first->second;
}

double ScopeTasks::compute(Aggregate kind, int metric, double q) const {
  size_t n = rows_.size();
  if (kind == Aggregate::kCount && metric < 0) return static_cast<double>(n);
  if (table_ == nullptr || metric < 0 || !table_->uses(static_cast<size_t>(metric))) return kNaN;
  const std::vector<double>& column = table_->column(static_cast<size_t>(metric));
  auto sum = [&] {
    double total = 0;
    for (uint32_t row : rows_) total += column[row];
    return total;
  };
  switch (kind) {
    case Aggregate::kCount: {
      size_t nonZero = 0;
      for (uint32_t row : rows_) nonZero += column[row] > 0 ? 1 : 0;
      return static_cast<double>(nonZero);
    }
    case Aggregate::kSum: return sum();
    case Aggregate::kMin: return n == 0 ? kNaN : sorted(static_cast<size_t>(metric)).front();
    case Aggregate::kMax: return n == 0 ? kNaN : sorted(static_cast<size_t>(metric)).back();
    case Aggregate::kAvg: return n == 0 ? kNaN : sum() / static_cast<double>(n);
    case Aggregate::kStddev: {
      if (n == 0) return kNaN;
      double mean = sum() / static_cast<double>(n);
      double squares = 0;
      for (uint32_t row : rows_) squares += (column[row] - mean) * (column[row] - mean);
      return std::sqrt(squares / static_cast<double>(n));
    }
    case Aggregate::kQuantile: {
      if (n == 0) return kNaN;
      const std::vector<double>& values = sorted(static_cast<size_t>(metric));
      size_t index = std::min(static_cast<size_t>(std::floor(q * static_cast<double>(n))), n - 1);
      return values[index];
    }
    case Aggregate::kMaxShare: {
      double total = aggregate(Aggregate::kSum, metric);
      return n == 0 || total <= 0 ? kNaN : aggregate(Aggregate::kMax, metric) / total;
    }
    case Aggregate::kShare: {
      double total = app_ == nullptr ? aggregate(Aggregate::kSum, metric) : app_->aggregate(Aggregate::kSum, metric);
      return total <= 0 ? kNaN : aggregate(Aggregate::kSum, metric) / total;
    }
  }
  return kNaN;
}

}  // namespace jobtuner::analyzers

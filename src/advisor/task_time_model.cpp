#include "advisor/task_time_model.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace jobtuner::advisor {

namespace {

// What a megabyte spilled from memory costs a task when the stage's own tasks cannot tell (every
// task spilled in proportion to its bytes, so spill and bytes are one column to least squares):
// bench/spill measured 7-8 ms per MB (the sort: 2.35 s more for 343 MB, the aggregation: 0.3 s for
// 40 MB), and the advisor scenarios 9-12 ms (spilling-sort's scan, skewed-aggregation's hot task).
constexpr double kSpillMsPerMbPrior = 8.0;

/// Least squares of times, less `spillMsPerMb` for each MB spilled, on the chosen columns
/// (overhead, bytes, spill); empty when a coefficient comes out negative or the system is degenerate.
std::vector<double> solve(const std::vector<const TaskSample*>& tasks, const std::vector<int>& columns, double spillMsPerMb = 0) {
  const Eigen::Index rows = static_cast<Eigen::Index>(tasks.size());
  const Eigen::Index cols = static_cast<Eigen::Index>(columns.size());
  if (rows < cols || cols == 0) return {};
  Eigen::MatrixXd x(rows, cols);
  Eigen::VectorXd y(rows);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const TaskSample& task = *tasks[static_cast<size_t>(r)];
    for (Eigen::Index c = 0; c < cols; ++c) {
      switch (columns[static_cast<size_t>(c)]) {
        case 0: x(r, c) = 1.0; break;
        case 1: x(r, c) = static_cast<double>(task.bytesRead) / 1e6; break;
        default: x(r, c) = static_cast<double>(task.memorySpilledBytes) / 1e6; break;
      }
    }
    y(r) = task.durationMs - spillMsPerMb * static_cast<double>(task.memorySpilledBytes) / 1e6;
  }
  // Columns in MB keep the system well scaled; a tiny ridge keeps it solvable when columns repeat.
  Eigen::MatrixXd normal = x.transpose() * x;
  normal.diagonal().array() += 1e-9;
  Eigen::VectorXd beta = normal.ldlt().solve(x.transpose() * y);
  std::vector<double> out;
  for (Eigen::Index c = 0; c < cols; ++c) {
    if (!std::isfinite(beta(c)) || beta(c) < 0) return {};
    out.push_back(beta(c));
  }
  return out;
}

}  // namespace

TaskTimeModel fitTaskTimes(const StageMeasurement& stage) {
  TaskTimeModel model;
  std::vector<const TaskSample*> tasks;
  double bytes = 0, wanted = 0;
  for (const TaskSample& task : stage.tasks) {
    if (!task.succeeded) continue;
    tasks.push_back(&task);
    bytes += static_cast<double>(task.bytesRead);
    wanted += static_cast<double>(task.peakExecutionMemoryBytes + task.memorySpilledBytes);
  }
  model.memoryPerByte = bytes > 0 ? wanted / bytes : 0;
  if (tasks.empty()) {
    // A stage with no finished task (a failed run): its attempts' times are all there is.
    for (const TaskSample& task : stage.tasks) model.overheadMs = std::max(model.overheadMs, task.durationMs);
    return model;
  }
  const auto spills = [](const TaskSample* t) { return t->memorySpilledBytes > 0; };
  const bool spilled = std::any_of(tasks.begin(), tasks.end(), spills);
  // When every task spilled, spill grows with bytes and the fit cannot price it: the prior does.
  const bool priced = spilled && !std::all_of(tasks.begin(), tasks.end(), spills);
  const double prior = spilled && !priced ? kSpillMsPerMbPrior : 0;
  if (prior > 0) model.msPerSpilledByte = prior / 1e6;
  // The richest model the tasks support, then simpler ones.
  std::vector<std::vector<int>> candidates;
  if (priced) candidates.push_back({0, 1, 2});
  candidates.push_back({0, 1});
  if (priced) candidates.push_back({1, 2});
  candidates.push_back({1});
  for (const std::vector<int>& columns : candidates) {
    std::vector<double> beta = solve(tasks, columns, prior);
    if (beta.empty()) continue;
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == 0) model.overheadMs = beta[i];
      if (columns[i] == 1) model.msPerByte = beta[i] / 1e6;
      if (columns[i] == 2) model.msPerSpilledByte = beta[i] / 1e6;
    }
    return model;
  }
  // Nothing fits (no bytes at all): every task costs the mean, spill included.
  model.msPerSpilledByte = 0;
  double total = 0;
  for (const TaskSample* task : tasks) total += task->durationMs;
  model.overheadMs = total / static_cast<double>(tasks.size());
  return model;
}

std::vector<double> predictTaskTimes(const StageMeasurement& stage, const TaskTimeModel& model, const StageCut& cut) {
  int64_t measuredTasks = static_cast<int64_t>(stage.tasks.size());
  int64_t partitions = cut.partitions > 0 ? cut.partitions : std::max<int64_t>(1, measuredTasks);
  double total = 0;
  for (const TaskSample& task : stage.tasks) total += static_cast<double>(task.bytesRead);
  std::vector<double> bytes;
  if (cut.partitions <= 0 && cut.saltBuckets <= 1) {
    for (const TaskSample& task : stage.tasks) bytes.push_back(static_cast<double>(task.bytesRead));
  } else {
    double hot = std::min<double>(static_cast<double>(cut.hotBytes), total);
    double rest = total - hot;
    bytes.assign(static_cast<size_t>(partitions), rest / static_cast<double>(partitions));
    int64_t buckets = std::max<int64_t>(1, cut.saltBuckets);
    // Salted buckets land on distinct tasks while there are tasks enough; beyond that they share.
    for (int64_t b = 0; b < buckets; ++b) bytes[static_cast<size_t>(b % partitions)] += hot / static_cast<double>(buckets);
  }
  std::vector<double> times;
  times.reserve(bytes.size());
  for (double b : bytes) {
    double spilled = std::max(0.0, model.memoryPerByte * b - static_cast<double>(cut.taskMemoryBytes));
    times.push_back(model.predictMs(b, spilled));
  }
  return times;
}

}  // namespace jobtuner::advisor

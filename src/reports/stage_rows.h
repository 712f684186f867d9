#pragma once

// Charts with one row per stage attempt (task durations, spill and GC) show a bounded number of
// rows: the heaviest ones, kept in stage order so a reader finds a stage where they expect it.

#include <algorithm>
#include <compare>
#include <cstdint>
#include <numeric>
#include <vector>

namespace jobtuner::reports {

struct StageAttemptKey {
  int32_t stageId = 0;
  int32_t attemptId = 0;
  auto operator<=>(const StageAttemptKey&) const = default;
};

/// Keeps the `limit` rows of largest weight(row) (ties: the earlier row), in their present order;
/// returns how many rows were dropped.
template <typename Row, typename Weight>
size_t keepHeaviest(std::vector<Row>& rows, size_t limit, Weight weight) {
  if (rows.size() <= limit) return 0;
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return weight(rows[a]) > weight(rows[b]); });
  order.resize(limit);
  std::sort(order.begin(), order.end());
  std::vector<Row> kept;
  kept.reserve(limit);
  for (size_t index : order) kept.push_back(std::move(rows[index]));
  size_t dropped = rows.size() - limit;
  rows = std::move(kept);
  return dropped;
}

}  // namespace jobtuner::reports

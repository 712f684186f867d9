// Executors: the what-if sweep replays the planned stages on 1..N executors and picks the fewest
// within a few percent of the best wall time. The count changes when a finding asks for fewer
// executors, or when more executors are predicted to save enough time.

#include <fmt/format.h>

#include <limits>

#include "advisor/advice_plan.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

constexpr double kNearBest = 0.05;
constexpr double kClearGain = 0.2;

/// Spark apps whose executor count is not a setting to change: local mode (the driver runs the
/// tasks) and dynamic allocation (Spark sizes it).
bool fixedExecutors(const AdviceContext& context) {
  if (context.measured.runtime) return false;
  auto conf = [&](const char* key) {
    auto found = context.measured.conf.find(key);
    return found == context.measured.conf.end() ? std::string() : found->second;
  };
  return conf("spark.master").starts_with("local") || conf("spark.dynamicAllocation.enabled") == "true" ||
         context.measured.app.appId.starts_with("local-");
}

}  // namespace

std::vector<WhatIfPoint> adviseExecutors(const AdviceContext& context, AdvicePlan& plan, int64_t& chosen) {
  const core::Profile& profile = plan.profile;
  double memoryGb = static_cast<double>(profile.executorMemoryBytes + profile.memoryOverheadBytes) / double(1LL << 30);
  int64_t maxSlots = context.input.machineCores > 0 ? context.input.machineCores : std::numeric_limits<int64_t>::max();
  std::vector<WhatIfPoint> points =
      sweepExecutors(plannedStages(context, plan), profile.executorCores, profile.executors, context.config.limits.maxExecutors, maxSlots,
                     context.fixedOverhead, memoryGb, context.config.prices.coreHour, context.config.prices.memoryGbHour);
  const WhatIfPoint* pick = smallestNearBest(points, kNearBest);
  chosen = profile.executors;
  if (fixedExecutors(context)) return points;
  if (!points.empty() && points.back().executors >= context.config.limits.maxExecutors && profile.executors >= points.back().executors) {
    // At the limit: say so when twice as many executors would clearly help.
    std::vector<WhatIfPoint> beyond =
        sweepExecutors(plannedStages(context, plan), profile.executorCores, 2 * profile.executors, 2 * profile.executors, maxSlots,
                       context.fixedOverhead, memoryGb, context.config.prices.coreHour, context.config.prices.memoryGbHour);
    if (beyond.size() == static_cast<size_t>(2 * profile.executors) &&
        beyond.back().wallMs < beyond[static_cast<size_t>(profile.executors - 1)].wallMs * (1.0 - kClearGain)) {
      plan.blocked.push_back(fmt::format("a replay on {} executors takes {}; limits.max_executors is {}", beyond.back().executors,
                                         core::formatDurationMs(static_cast<int64_t>(beyond.back().wallMs)),
                                         context.config.limits.maxExecutors));
    }
  }
  if (!pick || pick->executors == profile.executors) return points;
  const WhatIfPoint* now = nullptr;
  for (const WhatIfPoint& point : points) {
    if (point.executors == profile.executors) now = &point;
  }
  if (!now) return points;
  std::vector<const analyzers::Finding*> fewer = context.withTag("reduce_executors");
  bool wantsFewer = pick->executors < profile.executors && !fewer.empty();
  // More executors: at most twice as many per step (a replay assumes perfect scaling, which a
  // cluster's shuffle and start-up do not give), and only for a clear gain.
  if (pick->executors > 2 * profile.executors) {
    for (const WhatIfPoint& point : points) {
      if (point.executors == 2 * profile.executors) pick = &point;
    }
  }
  bool fasterEnough = pick->executors > profile.executors && pick->wallMs < now->wallMs * (1.0 - kClearGain);
  if (!wantsFewer && !fasterEnough) return points;
  if (context.rejected.count(fmt::format("executors={}", pick->executors)) > 0) return points;
  Change change;
  change.rule = wantsFewer ? fewer.front()->ruleId : "what-if";
  change.scope = "app";
  change.reason = wantsFewer
                      ? fmt::format("{}: replayed on {} executor{}, the app would take {} against {} on {}; the extra executors "
                                    "would sit idle",
                                    change.rule, pick->executors, pick->executors == 1 ? "" : "s",
                                    core::formatDurationMs(static_cast<int64_t>(pick->wallMs)),
                                    core::formatDurationMs(static_cast<int64_t>(now->wallMs)), profile.executors)
                      : fmt::format("replayed on {} executors, the app would take {} against {} on {}", pick->executors,
                                    core::formatDurationMs(static_cast<int64_t>(pick->wallMs)),
                                    core::formatDurationMs(static_cast<int64_t>(now->wallMs)), profile.executors);
  change.evidence = {{"executors_now", profile.executors},
                     {"wall_ms_now", now->wallMs},
                     {"wall_ms_proposed", pick->wallMs},
                     {"wasted_core_hours_now", now->wastedCoreHours},
                     {"wasted_core_hours_proposed", pick->wastedCoreHours}};
  change.expectedEffect = fmt::format("{:.1f}% of the cost, {:+.0f}% wall time", 100.0 * pick->cost / std::max(1e-12, now->cost),
                                      100.0 * (pick->wallMs / std::max(1.0, now->wallMs) - 1.0));
  chosen = pick->executors;
  plan.set(context, "executors", pick->executors, std::move(change));
  return points;
}

}  // namespace jobtuner::advisor

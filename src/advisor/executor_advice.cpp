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

}  // namespace

std::vector<WhatIfPoint> adviseExecutors(const AdviceContext& context, AdvicePlan& plan, int64_t& chosen) {
  const core::Profile& profile = plan.profile;
  double memoryGb = static_cast<double>(profile.executorMemoryBytes + profile.memoryOverheadBytes) / double(1LL << 30);
  int64_t maxSlots = context.input.machineCores > 0 ? context.input.machineCores : std::numeric_limits<int64_t>::max();
  std::vector<WhatIfPoint> points =
      sweepExecutors(plannedStages(context, plan), profile.executorCores, profile.executors, context.config.limits.maxExecutors, maxSlots,
                     fixedOverheadMs(context), memoryGb, context.config.prices.coreHour, context.config.prices.memoryGbHour);
  const WhatIfPoint* pick = smallestNearBest(points, kNearBest);
  chosen = profile.executors;
  if (!pick || pick->executors == profile.executors) return points;
  const WhatIfPoint* now = nullptr;
  for (const WhatIfPoint& point : points) {
    if (point.executors == profile.executors) now = &point;
  }
  if (!now) return points;
  std::vector<const analyzers::Finding*> fewer = context.withTag("reduce_executors");
  bool wantsFewer = pick->executors < profile.executors && !fewer.empty();
  bool fasterEnough = pick->executors > profile.executors && pick->wallMs < now->wallMs * (1.0 - context.config.minimumGain);
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

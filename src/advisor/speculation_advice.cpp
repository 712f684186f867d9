// Speculation: on when a stage has stragglers that skew does not explain (the straggler rule fired
// and no skew rule on the same stage), so a second copy of a slow task can finish first.

#include <fmt/format.h>

#include "advisor/advice_plan.h"
#include "core/units.h"

namespace jobtuner::advisor {

void adviseSpeculation(const AdviceContext& context, AdvicePlan& plan) {
  if (plan.profile.speculation) return;
  for (const analyzers::Finding* finding : context.withTag("enable_speculation")) {
    if (!finding->scope.stageId) continue;
    bool skewed = false;
    for (const char* tag : {"salt_hot_key", "split_skewed_partitions"}) {
      for (const analyzers::Finding* skew : context.withTag(tag)) {
        skewed = skewed || (skew->scope.stageId && *skew->scope.stageId == *finding->scope.stageId);
      }
    }
    if (skewed) continue;  // a hot key makes any copy as slow: salting is the fix, not speculation
    Change change;
    change.rule = finding->ruleId;
    change.scope = finding->scope.describe();
    change.reason = fmt::format("{}: {} — slow tasks that read no more data than their siblings, which a second copy on "
                                "another executor can overtake",
                                finding->ruleId, finding->message);
    for (const analyzers::Evidence& item : finding->evidence) change.evidence[item.name] = item.value;
    change.expectedEffect = "a straggler's copy finishes first; the stage ends near its median task time";
    plan.set(context, "speculation", true, std::move(change));
    return;
  }
}

}  // namespace jobtuner::advisor

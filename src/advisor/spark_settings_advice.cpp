// Settings only Spark has: AQE, the Kryo serializer, shuffle tracking for dynamic allocation.
// The bundled runtime has no such switches; for its apps these tags become notes.

#include <fmt/format.h>

#include "advisor/advice_plan.h"

namespace jobtuner::advisor {

namespace {

struct SparkSwitch {
  const char* tag;
  const char* key;
  const char* value;
  const char* sparkDefault;
  const char* effect;
};

const SparkSwitch kSwitches[] = {
    {"enable_aqe", "spark.sql.adaptive.enabled", "true", "true",
     "AQE coalesces small shuffle partitions and splits skewed join partitions at run time"},
    {"use_kryo", "spark.serializer", "org.apache.spark.serializer.KryoSerializer", "org.apache.spark.serializer.JavaSerializer",
     "smaller and faster serialization of shuffled and cached data"},
    {"enable_shuffle_tracking", "spark.dynamicAllocation.shuffleTracking.enabled", "true", "false",
     "executors holding shuffle data are kept until it is no longer needed, so removing them loses no map output"},
};

}  // namespace

void adviseSparkSettings(const AdviceContext& context, AdvicePlan& plan) {
  for (const SparkSwitch& item : kSwitches) {
    std::vector<const analyzers::Finding*> findings = context.withTag(item.tag);
    if (findings.empty()) continue;
    const analyzers::Finding& finding = *findings.front();
    if (context.measured.runtime) continue;  // the runtime has neither switch; the finding says what it means
    auto recorded = context.measured.conf.find(item.key);
    std::string from = recorded != context.measured.conf.end() ? recorded->second : fmt::format("{} (Spark's default)", item.sparkDefault);
    if (recorded != context.measured.conf.end() && recorded->second == item.value) continue;
    Change change;
    change.rule = finding.ruleId;
    change.scope = finding.scope.describe();
    change.reason = fmt::format("{}: {}", finding.ruleId, finding.message);
    for (const analyzers::Evidence& evidence : finding.evidence) change.evidence[evidence.name] = evidence.value;
    change.expectedEffect = item.effect;
    plan.setSpark(item.key, item.value, from, std::move(change));
  }
}

}  // namespace jobtuner::advisor

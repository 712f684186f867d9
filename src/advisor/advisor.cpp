#include "advisor/advisor.h"

#include <fmt/format.h>

#include <algorithm>

#include "advisor/advice_plan.h"
#include "advisor/stage_cost_model.h"
#include "core/profile_writer.h"
#include "core/settings_catalog.h"
#include "core/units.h"

namespace jobtuner::advisor {

namespace {

/// "setting=value" for every setting of `after` that differs from `before`, as AdviceContext's
/// rejected set writes them.
std::vector<std::string> changedValues(const core::Profile& before, const core::Profile& after) {
  std::vector<std::string> values;
  for (const core::ProfileSetting& setting : core::profileSettings()) {
    core::SettingValue now = after.value(setting.name);
    if (before.value(setting.name) != now) values.push_back(fmt::format("{}={}", setting.name, core::formatSettingValue(setting.type, now)));
  }
  for (const auto& [name, step] : after.steps) {
    const core::StepOverride* old = before.stepOverride(name);
    if (step.partitions && (!old || old->partitions != step.partitions)) {
      values.push_back(fmt::format("steps.{}.partitions={}", name, *step.partitions));
    }
  }
  return values;
}

/// Whether the job key ties this app to runs of the same job: always for the runtime; for Spark
/// only when the app names its job (spark.jobtuner.job), since a key made from an app name can
/// tie unrelated apps ("Spark shell") together.
bool historyApplies(const AdvisorInput& input) {
  return input.measured.runtime || input.measured.conf.count("spark.jobtuner.job") > 0;
}

/// The runs before this app, and this app's place as the last one.
std::vector<RunRecord> earlierRuns(const AdvisorInput& input) {
  std::vector<RunRecord> runs;
  if (!historyApplies(input)) return runs;
  for (const RunRecord& run : input.history) {
    if (run.appId == input.measured.app.appId && run.attemptId == input.measured.app.attemptId) break;
    runs.push_back(run);
  }
  return runs;
}

/// Values that made the job slower beyond noise, from consecutive successful runs.
std::set<std::string> rejectedValues(const AdvisorInput& input, const core::Profile& current) {
  std::set<std::string> rejected;
  std::vector<RunRecord> runs = earlierRuns(input);
  RunRecord self;
  self.wallMs = input.measured.wallMs;
  self.succeeded = input.measured.succeeded;
  self.profile = current;
  runs.push_back(self);
  for (size_t i = 1; i < runs.size(); ++i) {
    const RunRecord& before = runs[i - 1];
    const RunRecord& after = runs[i];
    bool slower = !after.succeeded ? before.succeeded
                                   : before.succeeded && static_cast<double>(after.wallMs) >
                                                             static_cast<double>(before.wallMs) * (1.0 + input.config.noise);
    if (!slower) continue;
    for (std::string& value : changedValues(before.profile, after.profile)) rejected.insert(std::move(value));
  }
  return rejected;
}

/// When the last change made the job slower beyond noise, the settings go back to the run before.
void revertSlowerChange(const AdviceContext& context, AdvicePlan& plan) {
  std::vector<RunRecord> runs = earlierRuns(context.input);
  if (runs.empty()) return;
  const RunRecord& previous = runs.back();
  const AppMeasurements& now = context.measured;
  if (!previous.succeeded || previous.profile.sameSettings(context.current)) return;
  bool slower = !now.succeeded || static_cast<double>(now.wallMs) > static_cast<double>(previous.wallMs) * (1.0 + context.config.noise);
  if (!slower) return;
  std::string why = now.succeeded ? fmt::format("the last change made the job slower: {} took {}, this run {} (noise allowance {:.0f}%)",
                                                previous.appId, core::formatDurationMs(previous.wallMs), core::formatDurationMs(now.wallMs),
                                                context.config.noise * 100)
                                  : fmt::format("the last change made the job fail; {} succeeded in {}", previous.appId,
                                                core::formatDurationMs(previous.wallMs));
  nlohmann::ordered_json evidence = {{"previous_app", previous.appId}, {"previous_wall_ms", previous.wallMs}, {"wall_ms", now.wallMs}};
  for (const core::ProfileSetting& setting : core::profileSettings()) {
    std::string name(setting.name);
    if (previous.profile.value(name) == context.current.value(name)) continue;
    Change change;
    change.rule = "history";
    change.scope = "app";
    change.reason = why;
    change.evidence = evidence;
    change.expectedEffect = "back to the settings of the faster run";
    plan.set(context, name, previous.profile.value(name), std::move(change));
  }
  std::vector<std::string> steps;
  for (const auto& [name, step] : previous.profile.steps) steps.push_back(name);
  for (const auto& [name, step] : context.current.steps) steps.push_back(name);
  for (const std::string& name : steps) {
    const core::StepOverride* before = previous.profile.stepOverride(name);
    const core::StepOverride* after = context.current.stepOverride(name);
    core::StepOverride restored = before ? *before : core::StepOverride{};
    if ((after ? *after : core::StepOverride{}) == restored) continue;
    Change change;
    change.rule = "history";
    change.reason = why;
    change.evidence = evidence;
    change.expectedEffect = "back to the settings of the faster run";
    if (restored.partitions != (after ? after->partitions : std::nullopt)) {
      if (restored.partitions) {
        plan.setStepPartitions(context, name, *restored.partitions, change);
      } else {
        plan.profile.steps[name].partitions.reset();
      }
    }
    if (restored.salting != (after ? after->salting : std::nullopt)) {
      if (restored.salting) {
        plan.setStepSalting(context, name, *restored.salting, change);
      } else {
        plan.profile.steps[name].salting.reset();
      }
    }
  }
}

bool failedBadly(const AppMeasurements& measured) { return !measured.succeeded || !measured.memoryKills.empty(); }

}  // namespace

Advice advise(const AdvisorInput& input) {
  AdviceContext context{input, input.measured, input.config, core::profileFromSparkProperties(input.measured.conf), {}, {}, {}};
  const AppMeasurements& measured = input.measured;
  if (!measured.runtime) {
    // Spark's own defaults where the app set nothing: what its executors showed.
    if (measured.conf.count("spark.executor.instances") == 0) context.current.executors = measured.executors;
    if (measured.conf.count("spark.executor.cores") == 0) context.current.executorCores = measured.executorCores;
  }
  for (const StageMeasurement& stage : measured.stages) context.models[stage.stageId] = fitTaskTimes(stage);
  for (const analyzers::Finding& finding : input.findings) {
    if (finding.severity >= analyzers::Severity::kModerate) context.actionable.push_back(&finding);
  }
  context.rejected = rejectedValues(input, context.current);
  context.taskGap = taskGapMs(context);
  context.fixedOverhead = fixedOverheadMs(context);

  Advice advice;
  advice.appId = measured.app.appId;
  advice.attemptId = measured.app.attemptId;
  advice.appName = measured.app.name;
  advice.jobKey = measured.app.jobKey;
  advice.runtime = measured.runtime;
  advice.succeeded = measured.succeeded;
  advice.currency = input.config.prices.currency;
  advice.prediction.currentWallS = static_cast<double>(measured.wallMs) / 1000.0;
  advice.prediction.currentCost = measured.cost;

  AdvicePlan plan;
  plan.profile = context.current;
  plan.profile.faults = core::FaultPlan{};  // injected faults are never carried to the next run
  revertSlowerChange(context, plan);
  advisePartitions(context, plan);
  adviseSalting(context, plan);
  adviseMemory(context, plan);
  adviseSpeculation(context, plan);
  adviseSparkSettings(context, plan);
  std::vector<RunRecord> runs = earlierRuns(input);
  size_t modelled = applyStageCostModels(context, plan, runs);
  advice.whatIf = adviseExecutors(context, plan, advice.chosenExecutors);

  auto [wallMs, cost] = predictRun(context, plan);
  advice.prediction.wallS = wallMs / 1000.0;
  advice.prediction.cost = cost;
  advice.prediction.basis = modelled > 0 ? fmt::format("simulation, with cost models fitted over {} earlier runs for {} stage{}",
                                                       runs.size(), modelled, modelled == 1 ? "" : "s")
                                         : "simulation of the measured stages";
  // Runs that already used exactly these settings predict better than any model: their median.
  std::vector<const RunRecord*> same;
  for (const RunRecord& run : runs) {
    if (run.succeeded && run.profile.sameSettings(plan.profile)) same.push_back(&run);
  }
  if (!same.empty() && !plan.changes.empty()) {
    std::sort(same.begin(), same.end(), [](const RunRecord* a, const RunRecord* b) { return a->wallMs < b->wallMs; });
    const RunRecord& middle = *same[same.size() / 2];
    advice.prediction.wallS = static_cast<double>(middle.wallMs) / 1000.0;
    advice.prediction.cost = middle.cost;
    advice.prediction.basis = fmt::format("the median of {} earlier run{} with these settings", same.size(), same.size() == 1 ? "" : "s");
  } else if (!measured.succeeded) {
    advice.prediction.basis += "; the run failed, so stages it never finished are not in the prediction";
  }

  bool hasSettingChanges = !plan.changes.empty();
  double gain = advice.prediction.currentWallS > 0 ? 1.0 - advice.prediction.wallS / advice.prediction.currentWallS : 0;
  double saving = advice.prediction.currentCost > 0 ? 1.0 - advice.prediction.cost / advice.prediction.currentCost : 0;
  bool reverting = std::any_of(plan.changes.begin(), plan.changes.end(), [](const Change& c) { return c.rule == "history"; });
  // Severe findings are fixed whatever the prediction says: the prediction may miss what they cost.
  bool severe = std::any_of(input.findings.begin(), input.findings.end(), [&](const analyzers::Finding& finding) {
    return finding.severity >= analyzers::Severity::kSevere &&
           std::any_of(plan.changes.begin(), plan.changes.end(), [&](const Change& c) { return c.rule == finding.ruleId; });
  });
  if (hasSettingChanges && !failedBadly(measured) && !reverting && !severe && measured.runtime && gain < input.config.minimumGain &&
      saving < input.config.minimumGain) {
    advice.converged = true;
    advice.convergedWhy = fmt::format("the changes found are predicted to gain {:.0f}% of wall time and save {:.0f}% of the cost, "
                                      "under the {:.0f}% worth a run: the settings are as good as the advisor can tell",
                                      gain * 100, saving * 100, input.config.minimumGain * 100);
    plan.changes.clear();
    plan.profile = context.current;
    plan.profile.faults = core::FaultPlan{};
    advice.prediction.wallS = advice.prediction.currentWallS;
    advice.prediction.cost = advice.prediction.currentCost;
  } else if (!hasSettingChanges) {
    advice.converged = true;
    advice.convergedWhy = context.actionable.empty() ? "no finding of moderate severity or worse: nothing to change"
                                                     : "the findings ask for nothing a setting can change";
    advice.prediction.wallS = advice.prediction.currentWallS;
    advice.prediction.cost = advice.prediction.currentCost;
  }
  advice.changes = std::move(plan.changes);
  advice.notes = std::move(plan.notes);
  advice.blocked = std::move(plan.blocked);
  advice.profile = std::move(plan.profile);
  advice.sparkOnly = std::move(plan.sparkOnly);
  return advice;
}

}  // namespace jobtuner::advisor

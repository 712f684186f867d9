#include "advisor/advice_plan.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/settings_catalog.h"

namespace jobtuner::advisor {

std::vector<const analyzers::Finding*> AdviceContext::withTag(const std::string& tag) const {
  std::vector<const analyzers::Finding*> found;
  for (const analyzers::Finding* finding : actionable) {
    if (std::find(finding->advice.begin(), finding->advice.end(), tag) != finding->advice.end()) found.push_back(finding);
  }
  return found;
}

int64_t AdviceContext::slots(const core::Profile& profile) const {
  int64_t slots = std::max<int64_t>(1, profile.executors * profile.executorCores);
  if (input.machineCores > 0) slots = std::min(slots, input.machineCores);
  return slots;
}

bool AdviceContext::partitionedByStep(const StageMeasurement& stage) const {
  if (!measured.runtime || !stage.readsShuffle() || stage.name.ends_with("-exchange")) return false;
  if (!input.job) return !stage.name.starts_with("scan-");
  std::vector<const core::StepSpec*> steps;
  for (const core::StepSpec& step : input.job->steps) steps.push_back(&step);
  for (const core::ViewSpec& view : input.job->views) {
    for (const core::StepSpec& step : view.steps) steps.push_back(&step);
  }
  for (const core::StepSpec* candidate : steps) {
    const core::StepSpec& step = *candidate;
    if (step.stableName != stage.step) continue;
    switch (step.kind) {
      case core::StepKind::kAggregate:
        return !step.keys.empty();
      case core::StepKind::kJoin:
      case core::StepKind::kSort:
      case core::StepKind::kDistinct:
        return true;
      case core::StepKind::kRepartition:
        return step.partitions == 0;
      default:
        return false;
    }
  }
  // A scan, or a stage reading a broadcast table: cut by its input, not by a step's partitions.
  return false;
}

namespace {
constexpr double kReservedBytes = 300.0 * (1 << 20);
}

int64_t taskMemoryBytes(const core::Profile& profile, bool runtime) {
  const auto memory = static_cast<double>(profile.executorMemoryBytes);
  const double reserved = runtime ? std::min(kReservedBytes, memory / 4) : kReservedBytes;
  const double pool = std::max(0.0, memory - reserved) * profile.memoryFraction;
  return static_cast<int64_t>(pool / static_cast<double>(std::max<int64_t>(1, profile.executorCores)));
}

double executorMemoryFor(double taskBytes, int64_t cores, double memoryFraction, bool runtime) {
  const double pool = taskBytes * static_cast<double>(std::max<int64_t>(1, cores)) / std::max(0.01, memoryFraction);
  // The runtime reserves a quarter below 1200 MB (4 x 300 MB), 300 MB above.
  if (runtime && pool / 0.75 < 4 * kReservedBytes) return pool / 0.75;
  return pool + kReservedBytes;
}

int64_t AdviceContext::taskMemoryBytes(const core::Profile& profile) const {
  return advisor::taskMemoryBytes(profile, measured.runtime);
}

void AdvicePlan::set(const AdviceContext& context, const std::string& name, const core::SettingValue& value, Change change) {
  const core::ProfileSetting* setting = core::findProfileSetting(name);
  core::SettingValue old = context.current.value(name);
  profile.set(name, value);
  change.sparkKey = std::string(setting->sparkKey);
  if (context.measured.runtime || setting->sparkKey.empty()) {
    change.setting = name;
    change.from = core::formatSettingValue(setting->type, old);
    change.to = core::formatSettingValue(setting->type, value);
  } else {
    change.setting = std::string(setting->sparkKey);
    auto recorded = context.measured.conf.find(change.setting);
    change.from = recorded != context.measured.conf.end() ? recorded->second
                                                          : core::formatSparkValue(setting->type, old) + " (Spark's default)";
    change.to = core::formatSparkValue(setting->type, value);
  }
  record(std::move(change));
}

void AdvicePlan::setSpark(const std::string& key, const std::string& value, const std::string& from, Change change) {
  sparkOnly[key] = value;
  change.setting = key;
  change.sparkKey = key;
  change.from = from;
  change.to = value;
  record(std::move(change));
}

void AdvicePlan::setStepPartitions(const AdviceContext& context, const std::string& step, int64_t partitions, Change change) {
  const core::StepOverride* old = context.current.stepOverride(step);
  profile.steps[step].partitions = partitions;
  change.setting = fmt::format("steps.{}.partitions", step);
  change.from = old && old->partitions ? std::to_string(*old->partitions)
                                       : fmt::format("{} (shuffle_partitions)", context.current.shufflePartitions);
  change.to = std::to_string(partitions);
  if (change.scope.empty()) change.scope = "step " + step;
  record(std::move(change));
}

void AdvicePlan::setStepSalting(const AdviceContext& context, const std::string& step, const core::SaltingOverride& salting,
                                Change change) {
  const core::StepOverride* old = context.current.stepOverride(step);
  auto describe = [](const core::SaltingOverride& s) {
    std::string keys;
    for (const std::string& key : s.keys) keys += (keys.empty() ? "" : ", ") + key;
    return keys.empty() ? fmt::format("{} buckets, every key", s.buckets) : fmt::format("{} buckets for keys [{}]", s.buckets, keys);
  };
  profile.steps[step].salting = salting;
  change.setting = fmt::format("steps.{}.salting", step);
  change.from = old && old->salting ? describe(*old->salting) : "none";
  change.to = describe(salting);
  if (change.scope.empty()) change.scope = "step " + step;
  record(std::move(change));
}

int64_t AdvicePlan::stepPartitions(const std::string& step) const {
  const core::StepOverride* override = profile.stepOverride(step);
  return override && override->partitions ? *override->partitions : profile.shufflePartitions;
}

void AdvicePlan::record(Change change) {
  std::erase_if(changes, [&](const Change& earlier) { return earlier.setting == change.setting; });
  changes.push_back(std::move(change));
}

bool AdvicePlan::changed(const std::string& setting) const {
  return std::any_of(changes.begin(), changes.end(), [&](const Change& change) { return change.setting == setting; });
}

}  // namespace jobtuner::advisor

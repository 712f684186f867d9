#pragma once

// The advice being built: the next run's settings, the changes made to reach them, and what each
// stage's data will look like (its cut) so the prediction can replay it. The advice functions
// (partition_advice.cpp, salting_advice.cpp, ...) read the context and write the plan.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "advisor/advice.h"
#include "advisor/advisor.h"
#include "advisor/task_time_model.h"

namespace jobtuner::advisor {

/// What the advice functions read: the input, and facts derived from it once.
struct AdviceContext {
  const AdvisorInput& input;
  const AppMeasurements& measured;
  const AdvisorConfig& config;
  core::Profile current;  // the settings the app ran with
  std::map<int32_t, TaskTimeModel> models;  // by stage id
  // Findings at moderate or worse, which are the ones advice acts on.
  std::vector<const analyzers::Finding*> actionable;
  // Values history showed to make the job slower: "setting=value".
  std::set<std::string> rejected;
  // Slot time each task cost beyond its measured duration (taskGapMs), and the time the run spent
  // outside its stages (fixedOverheadMs): each found once per advice.
  double taskGap = 0;
  double fixedOverhead = 0;

  /// Findings that carry advice tag `tag` (moderate or worse).
  std::vector<const analyzers::Finding*> withTag(const std::string& tag) const;
  /// The task slots the app can use at once: executors x cores, capped at the machine's cores.
  int64_t slots(const core::Profile& profile) const;
  /// Whether the runtime stage is sized by its step's partitions (not a sort's exchange, a
  /// broadcast join or a limit).
  bool partitionedByStep(const StageMeasurement& stage) const;
  /// The memory a task may use before it spills under `profile`.
  int64_t taskMemoryBytes(const core::Profile& profile) const;
};

/// The memory a task may use before it spills: the unified pool (executor memory less what is
/// reserved, times memory_fraction) shared by the executor's cores. Spark reserves 300 MB of the
/// heap; the runtime reserves the same or a quarter of a smaller executor (runtime::MemoryConfig).
int64_t taskMemoryBytes(const core::Profile& profile, bool runtime);
/// The smallest executor memory that gives each of `cores` tasks `taskBytes` under
/// taskMemoryBytes' rule: its inverse.
double executorMemoryFor(double taskBytes, int64_t cores, double memoryFraction, bool runtime);

struct AdvicePlan {
  core::Profile profile;
  std::map<std::string, std::string> sparkOnly;
  std::vector<Change> changes;
  std::vector<std::string> notes;
  std::vector<std::string> blocked;  // changes the limits did not allow
  std::map<int32_t, StageCut> cuts;  // by stage id; stages without one run as measured

  /// Sets a catalogue setting and records the change (from the context's current value).
  void set(const AdviceContext& context, const std::string& name, const core::SettingValue& value, Change change);
  /// Sets a Spark property with no profile key (Spark apps only).
  void setSpark(const std::string& key, const std::string& value, const std::string& from, Change change);
  /// Sets a runtime step's partitions.
  void setStepPartitions(const AdviceContext& context, const std::string& step, int64_t partitions, Change change);
  /// Sets a runtime step's salting.
  void setStepSalting(const AdviceContext& context, const std::string& step, const core::SaltingOverride& salting, Change change);
  /// The partitions a runtime step runs with under the plan.
  int64_t stepPartitions(const std::string& step) const;
  bool changed(const std::string& setting) const;

 private:
  /// Adds `change`, replacing an earlier change of the same setting.
  void record(Change change);
};

void advisePartitions(const AdviceContext& context, AdvicePlan& plan);
void adviseSalting(const AdviceContext& context, AdvicePlan& plan);
void adviseMemory(const AdviceContext& context, AdvicePlan& plan);
void adviseSpeculation(const AdviceContext& context, AdvicePlan& plan);
void adviseSparkSettings(const AdviceContext& context, AdvicePlan& plan);
/// The executor sweep; returns the sweep and may change `executors` in the plan.
std::vector<WhatIfPoint> adviseExecutors(const AdviceContext& context, AdvicePlan& plan, int64_t& chosen);

/// The stages of the app as the plan would run them, for the simulation.
std::vector<SimulatedStage> plannedStages(const AdviceContext& context, const AdvicePlan& plan);
/// Time of the app outside its stages (start-up, driver work), from the measured run (needs
/// AdviceContext::taskGap); computed once into AdviceContext::fixedOverhead.
double fixedOverheadMs(const AdviceContext& context);
/// Slot time a task costs beyond its measured duration (scheduling, messages), from the run: a
/// bisection over replays, so computed once into AdviceContext::taskGap.
double taskGapMs(const AdviceContext& context);
/// The predicted wall time (ms) and cost of a run under the plan.
std::pair<double, double> predictRun(const AdviceContext& context, const AdvicePlan& plan);

}  // namespace jobtuner::advisor

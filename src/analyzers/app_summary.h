#pragma once

// Everything rules evaluate on, computed once per app from the store: the app, its jobs, stage
// attempts and executors as scopes (their fields, scope_fields.h, and their tasks for
// aggregates, task_table.h), and the app's configuration for conf().

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/finding.h"
#include "analyzers/removal_reasons.h"
#include "analyzers/rule_value.h"
#include "analyzers/scope_fields.h"
#include "analyzers/task_table.h"
#include "core/model.h"

namespace jobtuner::collector {
class Store;
}

namespace jobtuner::analyzers {

struct Scope {
  FindingScope where;
  std::vector<Value> fields;  // by scopeFields(where.kind) index
  ScopeTasks tasks;

  const Value& field(std::string_view name) const;
};

struct AppSummary {
  core::AppAttempt app;
  std::map<std::string, std::string> conf;  // Spark properties (the runtime writes its profile as them)
  std::unique_ptr<TaskTable> table;
  Scope appScope;
  std::vector<Scope> jobs;
  std::vector<Scope> stages;
  std::vector<Scope> executors;

  /// The scopes of one kind (the app scope alone for kApp).
  std::vector<const Scope*> scopesOf(ScopeKind kind) const;
};

/// Reads an app attempt and its tasks from the store and summarizes it, keeping the task metrics
/// `usedMetrics` marks (task_metrics.h order). Throws core::UserError if the app is not stored.
std::unique_ptr<AppSummary> summarizeApp(const collector::Store& store, const std::string& appId,
                                         const std::string& attemptId, const std::vector<bool>& usedMetrics,
                                         const RemovalCatalog& removals);

}  // namespace jobtuner::analyzers

#pragma once

// What a rule can name in its scope besides task aggregates: the fields of an app, a job, a stage
// attempt or an executor, with their types. The summaries fill them (app_summary.cpp); the rule
// compiler resolves names against this list; `rules list --markdown` documents it.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/rule_value.h"

namespace jobtuner::analyzers {

enum class ScopeKind : uint8_t { kApp, kJob, kStage, kExecutor };

/// "app", "job", "stage", "executor".
const char* toString(ScopeKind kind);
std::optional<ScopeKind> parseScopeKind(std::string_view text);
const std::vector<std::string>& scopeKindNames();

struct FieldInfo {
  std::string_view name;
  ValueType type;
  std::string_view description;
};

/// The fields of a scope kind; a field's index is its position here.
std::span<const FieldInfo> scopeFields(ScopeKind kind);
std::optional<size_t> findScopeField(ScopeKind kind, std::string_view name);
std::vector<std::string> scopeFieldNames(ScopeKind kind);

}  // namespace jobtuner::analyzers

#include "analyzers/analysis.h"

#include <cmath>

#include "analyzers/app_summary.h"
#include "analyzers/removal_reasons.h"
#include "analyzers/rule_engine.h"
#include "collector/store.h"

namespace jobtuner::analyzers {

namespace {

nlohmann::ordered_json scopeJson(const std::string& kind, const std::optional<int64_t>& jobId,
                                 const std::optional<int64_t>& stageId, const std::optional<int64_t>& stageAttempt,
                                 const std::string& stageName, const std::string& executorId) {
  auto nullable = [](const auto& value) { return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr); };
  return {{"kind", kind},
          {"job_id", nullable(jobId)},
          {"stage_id", nullable(stageId)},
          {"stage_attempt", nullable(stageAttempt)},
          {"stage_name", stageName.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(stageName)},
          {"executor_id", executorId.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(executorId)}};
}

std::optional<int64_t> widen(const std::optional<int32_t>& value) {
  return value ? std::optional<int64_t>(*value) : std::nullopt;
}

nlohmann::ordered_json evidenceJson(const std::vector<Evidence>& evidence) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const Evidence& item : evidence) {
    object[item.name] = std::isfinite(item.value) ? nlohmann::ordered_json(item.value) : nlohmann::ordered_json(nullptr);
  }
  return object;
}

}  // namespace

AppAnalysis analyzeStoredApp(collector::Store& store, const std::string& appId, const std::string& attemptId,
                             const std::vector<Rule>& rules, const Suppressions& suppressions, int64_t nowMs) {
  std::unique_ptr<AppSummary> summary =
      summarizeApp(store, appId, attemptId, metricsUsedBy(rules), RemovalCatalog::builtin());
  AppAnalysis analysis;
  analysis.appId = summary->app.appId;
  analysis.attemptId = summary->app.attemptId;
  analysis.appName = summary->app.name;
  analysis.jobKey = summary->app.jobKey;
  for (Finding& finding : evaluateRules(rules, *summary)) {
    if (suppressions.match(finding, analysis.appId, analysis.jobKey, nowMs)) {
      ++analysis.suppressed;
      continue;
    }
    analysis.findings.push_back(std::move(finding));
  }
  std::vector<collector::StoredFinding> stored;
  for (const Finding& finding : analysis.findings) stored.push_back(toStored(finding, nowMs));
  store.replaceFindings(analysis.appId, analysis.attemptId, stored);
  return analysis;
}

collector::StoredFinding toStored(const Finding& finding, int64_t analyzedAtMs) {
  collector::StoredFinding stored;
  stored.ruleId = finding.ruleId;
  stored.title = finding.title;
  stored.severity = toString(finding.severity);
  stored.severityRank = static_cast<int>(finding.severity);
  stored.scopeKind = toString(finding.scope.kind);
  stored.jobId = widen(finding.scope.jobId);
  stored.stageId = widen(finding.scope.stageId);
  stored.stageAttempt = widen(finding.scope.stageAttempt);
  stored.stageName = finding.scope.stageName;
  stored.executorId = finding.scope.executorId;
  stored.message = finding.message;
  stored.evidenceJson = evidenceJson(finding.evidence).dump();
  stored.adviceJson = nlohmann::json(finding.advice).dump();
  stored.analyzedAtMs = analyzedAtMs;
  return stored;
}

FindingScope scopeOf(const collector::StoredFinding& finding) {
  auto narrow = [](const std::optional<int64_t>& value) {
    return value ? std::optional<int32_t>(static_cast<int32_t>(*value)) : std::nullopt;
  };
  FindingScope scope;
  scope.kind = parseScopeKind(finding.scopeKind).value_or(ScopeKind::kApp);
  scope.jobId = narrow(finding.jobId);
  scope.stageId = narrow(finding.stageId);
  scope.stageAttempt = narrow(finding.stageAttempt);
  scope.stageName = finding.stageName;
  scope.executorId = finding.executorId;
  return scope;
}

nlohmann::ordered_json findingJson(const Finding& finding) {
  return {{"rule", finding.ruleId},
          {"title", finding.title},
          {"severity", toString(finding.severity)},
          {"scope", scopeJson(toString(finding.scope.kind), widen(finding.scope.jobId), widen(finding.scope.stageId),
                              widen(finding.scope.stageAttempt), finding.scope.stageName, finding.scope.executorId)},
          {"message", finding.message},
          {"evidence", evidenceJson(finding.evidence)},
          {"advice", finding.advice}};
}

nlohmann::ordered_json findingJson(const collector::StoredFinding& finding) {
  return {{"rule", finding.ruleId},
          {"title", finding.title},
          {"severity", finding.severity},
          {"scope", scopeJson(finding.scopeKind, finding.jobId, finding.stageId, finding.stageAttempt, finding.stageName,
                              finding.executorId)},
          {"message", finding.message},
          {"evidence", nlohmann::ordered_json::parse(finding.evidenceJson, nullptr, false)},
          {"advice", nlohmann::ordered_json::parse(finding.adviceJson, nullptr, false)}};
}

}  // namespace jobtuner::analyzers

#include <fmt/format.h>

#include "collector/sqlite_statement.h"
#include "collector/store.h"
#include "core/errors.h"

namespace jobtuner::collector {

void Store::replaceFindings(const std::string& appId, const std::string& attemptId,
                            const std::vector<StoredFinding>& findings) {
  SqliteTransaction transaction(db_);
  std::optional<int64_t> appPk = findApp(appId, attemptId);
  if (!appPk) {
    throw core::UserError(fmt::format("no app '{}' attempt '{}' in the store {}", appId, attemptId, path_.string()),
                          "ingest its event log first: jobtuner ingest PATH");
  }
  SqliteStatement clear(db_, "DELETE FROM findings WHERE app_pk = ?");
  clear.bind(1, *appPk).run();
  SqliteStatement insert(db_,
                         "INSERT INTO findings (app_pk, position, rule_id, title, severity, severity_rank, scope_kind, "
                         "job_id, stage_id, stage_attempt, stage_name, executor_id, message, evidence_json, "
                         "advice_json, analyzed_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < findings.size(); ++i) {
    const StoredFinding& finding = findings[i];
    insert.bind(1, *appPk)
        .bind(2, static_cast<int64_t>(i))
        .bind(3, finding.ruleId)
        .bind(4, finding.title)
        .bind(5, finding.severity)
        .bind(6, static_cast<int64_t>(finding.severityRank))
        .bind(7, finding.scopeKind)
        .bind(8, finding.jobId)
        .bind(9, finding.stageId)
        .bind(10, finding.stageAttempt)
        .bind(11, finding.stageName)
        .bind(12, finding.executorId)
        .bind(13, finding.message)
        .bind(14, finding.evidenceJson)
        .bind(15, finding.adviceJson)
        .bind(16, finding.analyzedAtMs)
        .run();
  }
  transaction.commit();
}

std::vector<StoredFinding> Store::queryFindings(const FindingQuery& query) const {
  SqliteReadSnapshot snapshot(db_);
  SqliteStatement select(db_,
                         "SELECT a.app_id, a.attempt_id, a.name, a.job_key, a.start_time_ms, f.rule_id, f.title, "
                         "f.severity, f.severity_rank, f.scope_kind, f.job_id, f.stage_id, f.stage_attempt, "
                         "f.stage_name, f.executor_id, f.message, f.evidence_json, f.advice_json, f.analyzed_at_ms "
                         "FROM findings f JOIN apps a ON a.app_pk = f.app_pk "
                         "WHERE (?1 = '' OR a.app_id = ?1) AND (?2 = '' OR a.job_key = ?2) AND f.severity_rank >= ?3 "
                         "AND (?4 = 0 OR max(a.start_time_ms, a.end_time_ms) >= ?4) "
                         "ORDER BY f.severity_rank DESC, a.start_time_ms DESC, a.app_id, a.attempt_id, f.position");
  select.bind(1, query.appId).bind(2, query.jobKey).bind(3, static_cast<int64_t>(query.minSeverityRank)).bind(4, query.sinceMs);
  std::vector<StoredFinding> findings;
  auto optionalAt = [&](int column) -> std::optional<int64_t> {
    if (select.isNull(column)) return std::nullopt;
    return select.int64At(column);
  };
  while (select.step()) {
    StoredFinding& finding = findings.emplace_back();
    finding.appId = select.textAt(0);
    finding.attemptId = select.textAt(1);
    finding.appName = select.textAt(2);
    finding.jobKey = select.textAt(3);
    finding.appStartTimeMs = select.int64At(4);
    finding.ruleId = select.textAt(5);
    finding.title = select.textAt(6);
    finding.severity = select.textAt(7);
    finding.severityRank = select.int32At(8);
    finding.scopeKind = select.textAt(9);
    finding.jobId = optionalAt(10);
    finding.stageId = optionalAt(11);
    finding.stageAttempt = optionalAt(12);
    finding.stageName = select.textAt(13);
    finding.executorId = select.textAt(14);
    finding.message = select.textAt(15);
    finding.evidenceJson = select.textAt(16);
    finding.adviceJson = select.textAt(17);
    finding.analyzedAtMs = select.int64At(18);
  }
  return findings;
}

}  // namespace jobtuner::collector

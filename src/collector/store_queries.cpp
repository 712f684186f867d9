#include "collector/store.h"

#include <algorithm>
#include <tuple>

#include "collector/sqlite_statement.h"
#include "collector/store_rows.h"
#include "core/key_redaction.h"

namespace jobtuner::collector {

namespace {

// Attempt ids are numbers written as text ("1", "2", ..., "10"): they compare as numbers, so "10"
// comes after "9". The empty id (an app without attempts) comes first, anything else last.
bool attemptBefore(const std::string& left, const std::string& right) {
  auto sortKey = [](const std::string& id) {
    bool numeric = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; });
    std::string digits = numeric ? id.substr(std::min(id.find_first_not_of('0'), id.size())) : std::string();
    int group = id.empty() ? 0 : numeric ? 1 : 2;
    return std::make_tuple(group, digits.size(), digits, id);
  };
  return sortKey(left) < sortKey(right);
}

}  // namespace

std::vector<std::string> Store::attemptsOf(const std::string& appId) const {
  std::vector<std::string> attempts;
  if (appId.empty()) return attempts;
  SqliteStatement query(db_, "SELECT attempt_id FROM apps WHERE app_id = ?");
  query.bind(1, appId);
  while (query.step()) attempts.push_back(query.textAt(0));
  std::sort(attempts.begin(), attempts.end(), attemptBefore);
  return attempts;
}

std::optional<int64_t> Store::findApp(const std::string& appId, const std::string& attemptId) const {
  std::string attempt = attemptId;
  if (attempt.empty()) {
    // "The app" without an attempt means its latest attempt, as the History Server's UI shows.
    std::vector<std::string> attempts = attemptsOf(appId);
    if (attempts.empty()) return std::nullopt;
    attempt = attempts.back();
  }
  SqliteStatement query(db_, "SELECT app_pk FROM apps WHERE app_id = ? AND attempt_id = ? AND app_id <> ''");
  query.bind(1, appId).bind(2, attempt);
  if (!query.step()) return std::nullopt;
  return query.int64At(0);
}

std::vector<AppRow> Store::listApps() const {
  SqliteStatement query(db_,
                        "SELECT app_id, attempt_id, name, user, source, engine_version, job_key, start_time_ms, "
                        "end_time_ms, completed, streaming, num_jobs, num_stages, num_tasks, num_failed_tasks, "
                        "num_executors, path, file_mtime_ms FROM apps WHERE app_id <> '' "
                        "ORDER BY start_time_ms DESC, app_id, attempt_id");
  std::vector<AppRow> rows;
  while (query.step()) {
    AppRow& row = rows.emplace_back();
    int column = 0;
    row.appId = query.textAt(column++);
    row.attemptId = query.textAt(column++);
    row.name = query.textAt(column++);
    row.user = query.textAt(column++);
    row.source = query.textAt(column++);
    row.engineVersion = query.textAt(column++);
    row.jobKey = query.textAt(column++);
    row.startTimeMs = query.int64At(column++);
    row.endTimeMs = query.int64At(column++);
    row.completed = query.boolAt(column++);
    row.streaming = query.boolAt(column++);
    row.jobs = query.int64At(column++);
    row.stages = query.int64At(column++);
    row.tasks = query.int64At(column++);
    row.failedTasks = query.int64At(column++);
    row.executors = query.int64At(column++);
    row.path = query.textAt(column++);
    row.fileMtimeMs = query.int64At(column++);
  }
  return rows;
}

std::vector<IngestedFile> Store::listFiles() const {
  SqliteStatement query(db_,
                        "SELECT path, app_id, attempt_id, status, completed, events, file_mtime_ms, "
                        "task_end_events, stages, warnings FROM files ORDER BY path");
  std::vector<IngestedFile> files;
  while (query.step()) {
    IngestedFile& file = files.emplace_back();
    file.path = query.textAt(0);
    file.appId = query.textAt(1);
    file.attemptId = query.textAt(2);
    file.status = query.textAt(3);
    file.rank.completed = query.boolAt(4);
    file.rank.events = query.int64At(5);
    file.rank.fileMtimeMs = query.int64At(6);
    file.rank.path = file.path;
    file.taskEndEvents = query.int64At(7);
    file.stages = query.int64At(8);
    file.warnings = query.int64At(9);
  }
  return files;
}

std::optional<core::AppAttempt> Store::loadApp(const std::string& appId, const std::string& attemptId) const {
  SqliteReadSnapshot snapshot(db_);
  std::optional<int64_t> appPk = findApp(appId, attemptId);
  if (!appPk) return std::nullopt;

  core::AppAttempt app;
  {
    SqliteStatement query(db_, "SELECT " + appColumns().list() + " FROM apps WHERE app_pk = ?");
    query.bind(1, *appPk);
    if (!query.step()) return std::nullopt;
    readApp(query, 0, app);
  }
  {
    SqliteStatement query(db_, "SELECT " + jobColumns().list() + " FROM jobs WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.jobs.push_back(readJob(query, 0));
  }
  {
    SqliteStatement query(
        db_, "SELECT " + stageColumns().list() + " FROM stage_attempts WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.stages.push_back(readStage(query, 0));
  }
  {
    SqliteStatement query(
        db_, "SELECT " + executorColumns().list() + " FROM executors WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.executors.push_back(readExecutor(query, 0));
  }
  {
    SqliteStatement query(db_, "SELECT " + resourceProfileColumns().list() +
                                   " FROM resource_profiles WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.resourceProfiles.push_back(readResourceProfile(query, 0));
  }
  {
    SqliteStatement query(db_, "SELECT " + miscellaneousProcessColumns().list() +
                                   " FROM miscellaneous_processes WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.miscellaneousProcesses.push_back(readMiscellaneousProcess(query, 0));
  }
  {
    SqliteStatement query(db_, "SELECT " + persistedRddColumns().list() +
                                   " FROM persisted_rdds WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.persistedRdds.push_back(readPersistedRdd(query, 0));
  }
  {
    SqliteStatement query(db_, "SELECT " + shuffleKeyColumns().list() +
                                   " FROM shuffle_keys WHERE app_pk = ? ORDER BY position");
    query.bind(1, *appPk);
    while (query.step()) app.shuffleKeys.push_back(readShuffleKey(query, 0));
  }
  {
    SqliteStatement query(db_, "SELECT key, value FROM properties WHERE app_pk = ? AND category = ? ORDER BY position");
    for (const PropertyCategory& category : propertyCategories()) {
      auto& entries = app.environment.*category.list;
      query.bind(1, *appPk).bind(2, category.name);
      while (query.step()) entries.emplace_back(query.textAt(0), query.textAt(1));
      query.reset();
    }
  }
  if (redactKeys_) core::redactKeys(app);
  return app;
}

void Store::forEachTask(const std::string& appId, const std::string& attemptId, int32_t stageId,
                        int32_t stageAttemptId, const std::function<void(const core::TaskAttempt&)>& fn) const {
  SqliteReadSnapshot snapshot(db_);
  std::optional<int64_t> appPk = findApp(appId, attemptId);
  if (!appPk) return;

  if (stageId >= 0) {
    // The index on (app_pk, stage_id, stage_attempt_id, task_id) already holds this order.
    SqliteStatement query(db_, "SELECT " + taskColumns().list() +
                                   " FROM tasks WHERE app_pk = ? AND stage_id = ? AND stage_attempt_id = ? "
                                   "ORDER BY task_id");
    query.bind(1, *appPk).bind(2, stageId).bind(3, stageAttemptId);
    while (query.step()) fn(readTask(query, 0));
    return;
  }

  // A whole app in task-id order: sort only the (task id, rowid) pairs, which the index covers,
  // then fetch each row. Sorting the rows themselves would copy every accumulables JSON through
  // SQLite's sorter (hundreds of MB for a big app).
  std::vector<int64_t> rowids;
  {
    SqliteStatement order(db_, "SELECT rowid FROM tasks WHERE app_pk = ? ORDER BY task_id");
    order.bind(1, *appPk);
    while (order.step()) rowids.push_back(order.int64At(0));
  }
  SqliteStatement fetch(db_, "SELECT " + taskColumns().list() + " FROM tasks WHERE rowid = ?");
  for (int64_t rowid : rowids) {
    fetch.bind(1, rowid);
    if (fetch.step()) fn(readTask(fetch, 0));
    fetch.reset();
  }
}

int64_t Store::taskCount(const std::string& appId, const std::string& attemptId) const {
  std::optional<int64_t> appPk = findApp(appId, attemptId);
  if (!appPk) return 0;
  SqliteStatement query(db_, "SELECT num_tasks FROM apps WHERE app_pk = ?");
  query.bind(1, *appPk);
  return query.step() ? query.int64At(0) : 0;
}

void Store::forEachTaskForAnalysis(const std::string& appId, const std::string& attemptId,
                                   const std::function<void(const core::TaskAttempt&)>& fn) const {
  SqliteReadSnapshot snapshot(db_);
  std::optional<int64_t> appPk = findApp(appId, attemptId);
  if (!appPk) return;
  // An app's rows were appended together: scanning the table over their rowid range reads them in
  // disk order, where walking the index would look each row up apart (twice as slow for 1M tasks).
  SqliteStatement range(db_, "SELECT min(rowid), max(rowid) FROM tasks WHERE app_pk = ?");
  range.bind(1, *appPk);
  if (!range.step() || range.isNull(0)) return;
  SqliteStatement query(db_, "SELECT " + analysisTaskColumns().list() +
                                 " FROM tasks NOT INDEXED WHERE rowid BETWEEN ? AND ? AND app_pk = ?");
  query.bind(1, range.int64At(0)).bind(2, range.int64At(1)).bind(3, *appPk);
  core::TaskAttempt task;
  while (query.step()) {
    readTaskForAnalysis(query, 0, task);
    fn(task);
  }
}

}  // namespace jobtuner::collector

#pragma once

// How the model's structs map to the store's rows. Each entity has one column list and one bind
// and one read function side by side, so the writer and the queries cannot drift apart; a field
// added to the model needs a column (store_schema.cpp) and one line in each of the two functions.
// Internal to the collector.

#include <string>
#include <vector>

#include "collector/sqlite_statement.h"
#include "core/model.h"

namespace jobtuner::collector {

/// The columns one entity maps to, in bind and read order. app_pk and position are not included:
/// the writer binds them itself.
struct RowColumns {
  std::vector<const char*> names;

  int count() const { return static_cast<int>(names.size()); }
  /// "a, b, c"
  std::string list(const char* prefix = "") const;
  /// "?, ?, ?"
  std::string placeholders() const;
  /// "a = ?, b = ?, c = ?"
  std::string assignments() const;
};

/// apps: the model's fields only (not the copy's path, rank or counts).
const RowColumns& appColumns();
void bindApp(SqliteStatement& statement, int first, const core::AppAttempt& app);
void readApp(const SqliteStatement& statement, int first, core::AppAttempt& app);

const RowColumns& jobColumns();
void bindJob(SqliteStatement& statement, int first, const core::Job& job);
core::Job readJob(const SqliteStatement& statement, int first);

const RowColumns& stageColumns();
void bindStage(SqliteStatement& statement, int first, const core::StageAttempt& stage);
core::StageAttempt readStage(const SqliteStatement& statement, int first);

const RowColumns& executorColumns();
void bindExecutor(SqliteStatement& statement, int first, const core::Executor& executor);
core::Executor readExecutor(const SqliteStatement& statement, int first);

const RowColumns& resourceProfileColumns();
void bindResourceProfile(SqliteStatement& statement, int first, const core::ResourceProfile& profile);
core::ResourceProfile readResourceProfile(const SqliteStatement& statement, int first);

const RowColumns& miscellaneousProcessColumns();
void bindMiscellaneousProcess(SqliteStatement& statement, int first, const core::MiscellaneousProcess& process);
core::MiscellaneousProcess readMiscellaneousProcess(const SqliteStatement& statement, int first);

const RowColumns& persistedRddColumns();
void bindPersistedRdd(SqliteStatement& statement, int first, const core::PersistedRdd& rdd);
core::PersistedRdd readPersistedRdd(const SqliteStatement& statement, int first);

const RowColumns& shuffleKeyColumns();
void bindShuffleKey(SqliteStatement& statement, int first, const core::ShuffleKey& key);
core::ShuffleKey readShuffleKey(const SqliteStatement& statement, int first);

const RowColumns& taskColumns();
void bindTask(SqliteStatement& statement, int first, const core::TaskAttempt& task);
core::TaskAttempt readTask(const SqliteStatement& statement, int first);
/// What analysis reads of a task: no host, locality, type, JSON or push-shuffle counters, about
/// half the columns. readTaskForAnalysis fills `task` in place (its strings keep their capacity
/// from row to row); the failure message only of failed tasks.
const RowColumns& analysisTaskColumns();
void readTaskForAnalysis(const SqliteStatement& statement, int first, core::TaskAttempt& task);

/// The environment's parts by their `properties.category`, in a fixed order.
struct PropertyCategory {
  const char* name;
  std::vector<std::pair<std::string, std::string>> core::Environment::*list;
};
const std::vector<PropertyCategory>& propertyCategories();

}  // namespace jobtuner::collector

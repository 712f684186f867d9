#include "collector/store.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "collector/sqlite_statement.h"
#include "collector/store_rows.h"
#include "core/errors.h"

namespace jobtuner::collector {

namespace {

constexpr const char* kKept = "kept";
constexpr const char* kSuperseded = "superseded";

// Tasks arrive before the app's key is known (ApplicationStart may even be missing), so they hang
// off a placeholder row until commit() names it. Real app ids are never empty, so listings skip
// app_id = '' and a crash (which rolls back) can never leave one behind.
constexpr const char* kInsertPlaceholderSql =
    "INSERT INTO apps (app_id, attempt_id) VALUES ('', 'being written ' || hex(randomblob(8)))";

std::string insertSql(const char* table, const RowColumns& columns, bool withPosition,
                      const char* verb = "INSERT OR REPLACE INTO ") {
  return std::string(verb) + table + " (app_pk, " + (withPosition ? "position, " : "") +
         columns.list() + ") VALUES (?, " + (withPosition ? "?, " : "") + columns.placeholders() + ")";
}

struct StoredCopy {
  int64_t appPk = 0;
  CopyRank rank;
};

}  // namespace

struct AppWriter::Impl {
  explicit Impl(Store& owner)
      : store(owner),
        db(owner.db_),
        transaction(db),
        appPk(insertPlaceholder(db)),
        // A task id that ends twice (a Resubmitted TaskEnd after the success of the same attempt)
        // keeps its first end, as Spark's History Server does.
        insertTask(db, insertSql("tasks", taskColumns(), false, "INSERT OR IGNORE INTO ")) {
    store.writerOpen_ = true;
  }

  ~Impl() { finish(); }

  static int64_t insertPlaceholder(sqlite3* db) {
    executeSql(db, kInsertPlaceholderSql);
    SqliteStatement lastRow(db, "SELECT last_insert_rowid()");
    lastRow.step();
    return lastRow.int64At(0);
  }

  void requireOpen() const {
    if (finished) throw std::logic_error("store: this app writer has already committed or failed");
  }

  // Ends the writer either way; after a commit the rollback finds nothing to undo. Only the first
  // call releases the store: by the destructor's, a newer writer may hold it.
  void finish() noexcept {
    if (finished) return;
    finished = true;
    transaction.rollback();
    store.writerOpen_ = false;
  }

  struct AppKey {
    std::string appId;
    std::string attemptId;
    bool operator==(const AppKey&) const = default;
  };

  /// The write transaction, begun again after a checkpoint; the checkpoint's running tasks go
  /// first, so that their ends can take their place.
  void ensureTransaction() {
    if (transaction.active()) return;
    transaction.begin();
    SqliteStatement remove(db,
                           "DELETE FROM tasks WHERE app_pk = ? AND stage_id = ? AND stage_attempt_id = ? AND task_id = ?");
    for (const core::TaskAttempt& task : provisionalTasks) {
      remove.bind(1, appPk).bind(2, static_cast<int64_t>(task.stageId));
      remove.bind(3, static_cast<int64_t>(task.stageAttemptId)).bind(4, task.taskId).run();
    }
    provisionalTasks.clear();
  }
  void insertTaskRow(const core::TaskAttempt& task) {
    insertTask.bind(1, appPk);
    bindTask(insertTask, 2, task);
    insertTask.run();
  }
  /// What the last checkpoint stored besides tasks, so that the next one starts from the tasks
  /// alone: the app's other rows and the file's record.
  void forgetLastCheckpoint();

  Outcome resolveAndSave(const core::AppAttempt& app, const IngestedFile& file);
  std::optional<AppKey> forgetEarlierReading(const std::string& path);
  void forgetOrphanedCopies(const AppKey& key, const std::optional<CopyRank>& kept,
                            std::vector<std::string>& forgottenPaths);
  void deleteApp(int64_t pk);
  std::optional<StoredCopy> storedCopy(const AppKey& key);
  void writeApp(const core::AppAttempt& app, const CopyRank& rank);
  void recordFile(const core::AppAttempt& app, const IngestedFile& file, const CopyRank& rank, const char* status);

  Store& store;
  sqlite3* db;
  SqliteTransaction transaction;
  int64_t appPk;
  SqliteStatement insertTask;
  bool finished = false;
  std::string checkpointedPath;                   // the file record of the last checkpoint
  std::vector<core::TaskAttempt> provisionalTasks;  // its running tasks
};

AppWriter::AppWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AppWriter::~AppWriter() = default;

std::unique_ptr<AppWriter> Store::beginApp() {
  if (writerOpen_) throw std::logic_error("store: another app writer is still open on this store");
  try {
    return std::unique_ptr<AppWriter>(new AppWriter(std::make_unique<AppWriter::Impl>(*this)));
  } catch (const core::SystemError& error) {
    // The usual cause is another jobtuner ingesting into the same store for longer than the busy
    // timeout; say so instead of SQLite's bare "database is locked".
    throw core::SystemError(path_.string() + ": cannot start writing to the store (" + error.what() +
                            "); is another jobtuner process writing to it?");
  }
}

void AppWriter::addTask(const core::TaskAttempt& task) {
  impl_->requireOpen();
  impl_->ensureTransaction();
  impl_->insertTaskRow(task);
}

AppWriter::Outcome AppWriter::commit(const core::AppAttempt& app, const IngestedFile& file) {
  impl_->requireOpen();
  try {
    impl_->ensureTransaction();
    impl_->forgetLastCheckpoint();
    Outcome outcome = impl_->resolveAndSave(app, file);
    impl_->transaction.commit();
    impl_->finish();
    return outcome;
  } catch (...) {
    impl_->finish();
    throw;
  }
}

AppWriter::Outcome AppWriter::checkpoint(const core::AppAttempt& app, const IngestedFile& file,
                                         const std::vector<core::TaskAttempt>& runningTasks) {
  impl_->requireOpen();
  try {
    impl_->ensureTransaction();
    impl_->forgetLastCheckpoint();
    for (const core::TaskAttempt& task : runningTasks) impl_->insertTaskRow(task);
    Outcome outcome = impl_->resolveAndSave(app, file);
    impl_->transaction.commit();
    if (!outcome.kept) {
      impl_->finish();
      return outcome;
    }
    impl_->checkpointedPath = outcome.keptPath;
    impl_->provisionalTasks = runningTasks;
    return outcome;
  } catch (...) {
    impl_->finish();
    throw;
  }
}

bool AppWriter::open() const { return !impl_->finished; }

void AppWriter::Impl::forgetLastCheckpoint() {
  if (checkpointedPath.empty()) return;
  SqliteStatement(db, "DELETE FROM files WHERE path = ?").bind(1, checkpointedPath).run();
  // Exactly the rows deleteApp() removes by cascade, apart from the tasks: the tables whose
  // app_pk references apps, read from the schema so that a table added later is not forgotten.
  SqliteStatement children(db,
                           "SELECT m.name FROM sqlite_schema m, pragma_foreign_key_list(m.name) f "
                           "WHERE m.type = 'table' AND f.\"table\" = 'apps' ORDER BY m.name");
  std::vector<std::string> tables;
  while (children.step()) tables.push_back(children.textAt(0));
  for (const std::string& table : tables) {
    SqliteStatement(db, "DELETE FROM " + table + " WHERE app_pk = ?").bind(1, appPk).run();
  }
  checkpointedPath.clear();
}

AppWriter::Outcome AppWriter::Impl::resolveAndSave(const core::AppAttempt& app, const IngestedFile& file) {
  if (app.appId.empty()) throw std::invalid_argument("store: an app attempt needs an app id");
  CopyRank rank = file.rank;
  rank.path = file.path.empty() ? file.rank.path : file.path;
  if (rank.path.empty()) throw std::invalid_argument("store: an ingested file needs a path");

  Outcome outcome;
  std::optional<AppKey> earlierKey = forgetEarlierReading(rank.path);

  // One copy per key is stored; the others are remembered only as superseded files. Keeping the
  // best copy seen so far makes the outcome independent of the order the copies arrive in.
  AppKey key{app.appId, app.attemptId};
  std::optional<StoredCopy> stored = storedCopy(key);
  if (stored && !rank.beats(stored->rank)) {
    deleteApp(appPk);
    recordFile(app, file, rank, kSuperseded);
    outcome.kept = false;
    outcome.keptPath = stored->rank.path;
  } else {
    if (stored) {
      deleteApp(stored->appPk);
      SqliteStatement(db, "UPDATE files SET status = ? WHERE path = ?")
          .bind(1, kSuperseded)
          .bind(2, stored->rank.path)
          .run();
      outcome.supersededPaths.push_back(stored->rank.path);
    }
    writeApp(app, rank);
    recordFile(app, file, rank, kKept);
    outcome.kept = true;
    outcome.keptPath = rank.path;
  }

  forgetOrphanedCopies(key, outcome.kept ? rank : stored->rank, outcome.forgottenPaths);
  if (earlierKey && !(*earlierKey == key)) forgetOrphanedCopies(*earlierKey, std::nullopt, outcome.forgottenPaths);
  return outcome;
}

// Reading a path again replaces what its earlier reading stored (a log that was in progress has
// grown, say): the store must hold the same as if only the latest reading had happened. Returns
// the key the earlier reading kept, if it kept one.
std::optional<AppWriter::Impl::AppKey> AppWriter::Impl::forgetEarlierReading(const std::string& path) {
  SqliteStatement earlier(db, "SELECT app_id, attempt_id, status FROM files WHERE path = ?");
  earlier.bind(1, path);
  if (!earlier.step()) return std::nullopt;
  AppKey key{earlier.textAt(0), earlier.textAt(1)};
  bool wasKept = earlier.textAt(2) == kKept;
  earlier.reset();
  if (wasKept) {
    SqliteStatement keptApp(db, "SELECT app_pk FROM apps WHERE app_id = ? AND attempt_id = ? AND path = ?");
    keptApp.bind(1, key.appId).bind(2, key.attemptId).bind(3, path);
    if (keptApp.step()) deleteApp(keptApp.int64At(0));
  }
  SqliteStatement(db, "DELETE FROM files WHERE path = ?").bind(1, path).run();
  if (!wasKept) return std::nullopt;
  return key;
}

// A superseded copy's rows are gone; only the copy that beat it stands for it. When a re-read path
// took that copy away (its key changed, or it now ranks lower), a superseded copy may deserve to be
// stored but cannot be without reading it again. Its record is dropped so the next ingest of that
// path stores it as new, and the caller hears which paths to ingest again.
void AppWriter::Impl::forgetOrphanedCopies(const AppKey& key, const std::optional<CopyRank>& kept,
                                           std::vector<std::string>& forgottenPaths) {
  SqliteStatement superseded(db,
                             "SELECT path, completed, events, file_mtime_ms FROM files "
                             "WHERE app_id = ? AND attempt_id = ? AND status = ? ORDER BY path");
  superseded.bind(1, key.appId).bind(2, key.attemptId).bind(3, kSuperseded);
  std::vector<std::string> orphans;
  while (superseded.step()) {
    CopyRank rank{superseded.boolAt(1), superseded.int64At(2), superseded.int64At(3), superseded.textAt(0)};
    if (!kept || rank.beats(*kept)) orphans.push_back(rank.path);
  }
  superseded.reset();
  SqliteStatement forget(db, "DELETE FROM files WHERE path = ?");
  for (const std::string& path : orphans) {
    forget.bind(1, path).run();
    forgottenPaths.push_back(path);
  }
}

// Tasks have no foreign key (see the schema), so they go first; the other tables cascade.
void AppWriter::Impl::deleteApp(int64_t pk) {
  SqliteStatement(db, "DELETE FROM tasks WHERE app_pk = ?").bind(1, pk).run();
  SqliteStatement(db, "DELETE FROM apps WHERE app_pk = ?").bind(1, pk).run();
}

std::optional<StoredCopy> AppWriter::Impl::storedCopy(const AppKey& key) {
  // The file record is the authority on a copy's rank; the app row's copy of it is a fallback.
  SqliteStatement query(db,
                        "SELECT a.app_pk, coalesce(f.completed, a.completed), coalesce(f.events, a.events), "
                        "coalesce(f.file_mtime_ms, a.file_mtime_ms), a.path "
                        "FROM apps a LEFT JOIN files f ON f.path = a.path "
                        "WHERE a.app_id = ? AND a.attempt_id = ? AND a.app_pk <> ?");
  query.bind(1, key.appId).bind(2, key.attemptId).bind(3, appPk);
  if (!query.step()) return std::nullopt;
  StoredCopy copy;
  copy.appPk = query.int64At(0);
  copy.rank.completed = query.boolAt(1);
  copy.rank.events = query.int64At(2);
  copy.rank.fileMtimeMs = query.int64At(3);
  copy.rank.path = query.textAt(4);
  return copy;
}

void AppWriter::Impl::writeApp(const core::AppAttempt& app, const CopyRank& rank) {
  {
    SqliteStatement insert(db, insertSql("jobs", jobColumns(), true));
    for (size_t position = 0; position < app.jobs.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindJob(insert, 3, app.jobs[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, insertSql("stage_attempts", stageColumns(), true));
    for (size_t position = 0; position < app.stages.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindStage(insert, 3, app.stages[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, insertSql("executors", executorColumns(), true));
    for (size_t position = 0; position < app.executors.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindExecutor(insert, 3, app.executors[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, insertSql("resource_profiles", resourceProfileColumns(), true));
    for (size_t position = 0; position < app.resourceProfiles.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindResourceProfile(insert, 3, app.resourceProfiles[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, insertSql("miscellaneous_processes", miscellaneousProcessColumns(), true));
    for (size_t position = 0; position < app.miscellaneousProcesses.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindMiscellaneousProcess(insert, 3, app.miscellaneousProcesses[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, insertSql("persisted_rdds", persistedRddColumns(), true));
    for (size_t position = 0; position < app.persistedRdds.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindPersistedRdd(insert, 3, app.persistedRdds[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, insertSql("shuffle_keys", shuffleKeyColumns(), true));
    for (size_t position = 0; position < app.shuffleKeys.size(); ++position) {
      insert.bind(1, appPk).bind(2, static_cast<int64_t>(position));
      bindShuffleKey(insert, 3, app.shuffleKeys[position]);
      insert.run();
    }
  }
  {
    SqliteStatement insert(db, "INSERT INTO properties (app_pk, category, position, key, value) VALUES (?, ?, ?, ?, ?)");
    for (const PropertyCategory& category : propertyCategories()) {
      const auto& entries = app.environment.*category.list;
      for (size_t position = 0; position < entries.size(); ++position) {
        insert.bind(1, appPk).bind(2, category.name).bind(3, static_cast<int64_t>(position));
        insert.bind(4, entries[position].first).bind(5, entries[position].second).run();
      }
    }
  }

  // Counted from the rows, not the vectors: a log that repeats a job or task id stores it once.
  int numAppColumns = appColumns().count();
  std::string pk = "?" + std::to_string(numAppColumns + 4);
  SqliteStatement update(
      db, "UPDATE apps SET " + appColumns().assignments() + ", path = ?, events = ?, file_mtime_ms = ?" +
              ", num_jobs = (SELECT count(*) FROM jobs WHERE app_pk = " + pk + ")" +
              ", num_stages = (SELECT count(*) FROM stage_attempts WHERE app_pk = " + pk + ")" +
              ", num_tasks = (SELECT count(*) FROM tasks WHERE app_pk = " + pk + ")" +
              ", num_failed_tasks = (SELECT count(*) FROM tasks WHERE app_pk = " + pk + " AND status = '" +
              core::toString(core::TaskStatus::Failed) + "')" +
              ", num_executors = (SELECT count(*) FROM executors WHERE app_pk = " + pk + ")" +
              " WHERE app_pk = " + pk);
  bindApp(update, 1, app);
  update.bind(numAppColumns + 1, rank.path).bind(numAppColumns + 2, rank.events);
  update.bind(numAppColumns + 3, rank.fileMtimeMs).bind(numAppColumns + 4, appPk).run();
}

void AppWriter::Impl::recordFile(const core::AppAttempt& app, const IngestedFile& file, const CopyRank& rank,
                                 const char* status) {
  SqliteStatement insert(db,
                         "INSERT INTO files (path, app_id, attempt_id, status, completed, events, file_mtime_ms, "
                         "task_end_events, stages, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, rank.path).bind(2, app.appId).bind(3, app.attemptId).bind(4, status).bind(5, rank.completed);
  insert.bind(6, rank.events).bind(7, rank.fileMtimeMs).bind(8, file.taskEndEvents).bind(9, file.stages);
  insert.bind(10, file.warnings).run();
}

}  // namespace jobtuner::collector

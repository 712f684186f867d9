#pragma once

// The SQLite store: one file, WAL, a schema version with migrations. An app attempt is keyed by
// (app id, attempt id). Ingesting one log is one transaction: a failure leaves the store as it
// was. When two logs carry the same key, the more complete copy wins whatever the order of
// ingestion (see CopyRank).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/stored_finding.h"
#include "collector/task_sink.h"
#include "core/model.h"

struct sqlite3;

namespace jobtuner::collector {

/// What decides which of two copies of one app attempt is kept: a completed log over an
/// in-progress one, then more events, then the newer file, then the path that sorts last.
struct CopyRank {
  bool completed = false;
  int64_t events = 0;
  int64_t fileMtimeMs = 0;
  std::string path;

  /// True if this copy should replace `other`.
  bool beats(const CopyRank& other) const;
};

/// One event-log file's record in the store (every file ever ingested, kept or superseded).
/// On commit, path (or rank.path when empty) is the file's key and the rank's path; appId and
/// attemptId come from the app, and status is decided by the store.
struct IngestedFile {
  std::string path;
  std::string appId;
  std::string attemptId;
  std::string status;      // "kept" or "superseded"
  CopyRank rank;
  int64_t taskEndEvents = 0;
  int64_t stages = 0;
  int64_t warnings = 0;
};

/// Summary row of one app attempt for listings.
struct AppRow {
  std::string appId;
  std::string attemptId;
  std::string name;
  std::string user;
  std::string source;
  std::string engineVersion;
  std::string jobKey;
  int64_t startTimeMs = 0;
  int64_t endTimeMs = 0;
  bool completed = false;
  bool streaming = false;
  int64_t jobs = 0;
  int64_t stages = 0;
  int64_t tasks = 0;
  int64_t failedTasks = 0;
  int64_t executors = 0;
  std::string path;        // the kept copy
  int64_t fileMtimeMs = 0; // its modification time when read (the History Server's lastUpdated)
};

class Store;

/// Writes one log into the store inside one transaction. Tasks arrive through TaskSink as they
/// are parsed; commit() adds the app and decides which copy wins; destroying an uncommitted
/// writer, or any exception from commit(), rolls back everything since the last checkpoint. A
/// writer must not outlive its Store, and it is finished after commit() whatever the result.
class AppWriter : public TaskSink {
 public:
  ~AppWriter() override;
  void addTask(const core::TaskAttempt& task) override;

  struct Outcome {
    bool kept = false;                       // this copy is now the stored one
    std::vector<std::string> supersededPaths;  // paths this copy replaced (when kept)
    std::string keptPath;                    // the path that is stored for this key
    // Superseded copies whose record was dropped because the copy that beat them is gone (a path
    // read again now holds another app, or a worse copy): ingest these paths again to store them.
    std::vector<std::string> forgottenPaths;
  };
  /// Stores the app, its jobs, stages, executors and environment, records the file, and resolves
  /// a duplicate key by CopyRank. Commits the transaction.
  Outcome commit(const core::AppAttempt& app, const IngestedFile& file);

  /// For an app still being written (a live run): stores what is known so far as commit() would,
  /// with `runningTasks` as they are now, and commits, so other processes see the app and its
  /// progress. The writer stays open: later tasks, checkpoints and the final commit() replace the
  /// app's rows and the running tasks, and keep the tasks added so far. Between a checkpoint and
  /// the next addTask the store's write lock is free. When the copy is not kept (a better copy of
  /// the same key is stored), the writer is finished, as after commit().
  Outcome checkpoint(const core::AppAttempt& app, const IngestedFile& file,
                     const std::vector<core::TaskAttempt>& runningTasks);
  /// False once commit() ran or failed, or a checkpoint's copy was not kept.
  bool open() const;

 private:
  friend class Store;
  struct Impl;
  explicit AppWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// One connection to the store file. Several processes (and several Stores) may open the same
/// file; one Store is used by one thread at a time.
class Store {
 public:
  /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
  /// Throws core::UserError if the file is not a jobtuner store or is from a newer version.
  static std::unique_ptr<Store> open(const std::filesystem::path& path);
  ~Store();

  static int currentSchemaVersion();
  int schemaVersion() const;

  /// Starts writing one log: takes the store's write lock (waiting for another process's writer
  /// up to a timeout) until the writer commits or dies. Only one writer may be open per Store.
  std::unique_ptr<AppWriter> beginApp();

  std::vector<AppRow> listApps() const;
  std::vector<IngestedFile> listFiles() const;

  /// Loads an app attempt (without tasks), its vectors in the order they were stored. An empty
  /// attemptId picks the app's last attempt in attemptsOf order (the only one, if it has one).
  std::optional<core::AppAttempt> loadApp(const std::string& appId, const std::string& attemptId) const;
  /// Attempt ids stored for an app: "" first, then numbers in numeric order ("2" before "10").
  std::vector<std::string> attemptsOf(const std::string& appId) const;
  /// Streams the task attempts of one stage attempt (all stages when stageId < 0), by task id.
  /// An empty attemptId picks the same attempt as loadApp. `fn` sees one snapshot of the store and
  /// must not write to it.
  void forEachTask(const std::string& appId, const std::string& attemptId, int32_t stageId,
                   int32_t stageAttemptId, const std::function<void(const core::TaskAttempt&)>& fn) const;

  /// Streams every task attempt of an app attempt for analysis, in the order they were stored,
  /// with what analysis reads only (store_rows.h, readTaskForAnalysis): ids and partition index, executor, times,
  /// status and end reason, the failure message of failed tasks, and the model's metrics.
  /// The number of task attempts stored for an app attempt (0 when it is not stored).
  int64_t taskCount(const std::string& appId, const std::string& attemptId) const;
  void forEachTaskForAnalysis(const std::string& appId, const std::string& attemptId,
                              const std::function<void(const core::TaskAttempt&)>& fn) const;

  /// Replaces the findings stored for an app attempt (one transaction). Throws core::UserError if
  /// the app attempt is not stored.
  void replaceFindings(const std::string& appId, const std::string& attemptId,
                       const std::vector<StoredFinding>& findings);
  /// Stored findings across apps, most severe first, then newest app first, then in the order
  /// they were stored.
  std::vector<StoredFinding> queryFindings(const FindingQuery& query) const;

  /// Every table's rows in natural-key order, internal keys (app_pk) left out: two stores holding
  /// the same logs print the same text whatever order the logs were ingested in.
  std::string dumpForComparison() const;

  /// From now on, loadApp hides the key values apps carry behind stable hashes (core/key_redaction.h),
  /// so everything derived from a loaded app (findings' messages, advice, reports) names no key.
  void redactKeysOnLoad() { redactKeys_ = true; }

  const std::filesystem::path& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  friend class AppWriter;
  Store(sqlite3* db, std::filesystem::path path);
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  /// The app_pk loadApp and forEachTask read; nullopt when the app attempt is not stored.
  std::optional<int64_t> findApp(const std::string& appId, const std::string& attemptId) const;

  sqlite3* db_;
  std::filesystem::path path_;
  bool writerOpen_ = false;
  bool redactKeys_ = false;
};

}  // namespace jobtuner::collector

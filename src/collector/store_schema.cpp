#include "collector/store_schema.h"

#include <sqlite3.h>

#include <string>

#include "collector/sqlite_statement.h"
#include "core/errors.h"

namespace jobtuner::collector {

namespace {

// Version 1. app_pk is the store's own handle for an app attempt: it ties child rows to their app
// while a log is being written (before its key is known) and is never shown or compared; every
// table also has a natural key, so two stores with the same logs hold the same content.
// Units are in the column names, as in the model; Spark's finer units (ns) are kept as recorded
// and the model's units are offered by the view task_metrics.
constexpr const char* kSchemaVersion1 = R"sql(
CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL
);

CREATE TABLE apps (
  app_pk INTEGER PRIMARY KEY,
  app_id TEXT NOT NULL,
  attempt_id TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT 'spark',
  name TEXT NOT NULL DEFAULT '',
  user TEXT NOT NULL DEFAULT '',
  engine_version TEXT NOT NULL DEFAULT '',
  start_time_ms INTEGER NOT NULL DEFAULT 0,
  end_time_ms INTEGER NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  streaming INTEGER NOT NULL DEFAULT 0,
  job_key TEXT NOT NULL DEFAULT '',
  path TEXT NOT NULL DEFAULT '',           -- the kept copy's event log
  events INTEGER NOT NULL DEFAULT 0,       -- its CopyRank, to judge the next copy of this key
  file_mtime_ms INTEGER NOT NULL DEFAULT 0,
  num_jobs INTEGER NOT NULL DEFAULT 0,     -- counted once at ingest so listings never scan tasks
  num_stages INTEGER NOT NULL DEFAULT 0,
  num_tasks INTEGER NOT NULL DEFAULT 0,
  num_failed_tasks INTEGER NOT NULL DEFAULT 0,
  num_executors INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app_id, attempt_id)
);
CREATE INDEX apps_by_start_time ON apps (start_time_ms DESC, app_id, attempt_id);
CREATE INDEX apps_by_job_key ON apps (job_key, start_time_ms);

-- Every event-log file ever ingested, whether its copy was kept or superseded.
CREATE TABLE files (
  path TEXT PRIMARY KEY,
  app_id TEXT NOT NULL,
  attempt_id TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('kept', 'superseded')),
  completed INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0,
  file_mtime_ms INTEGER NOT NULL DEFAULT 0,
  task_end_events INTEGER NOT NULL DEFAULT 0,
  stages INTEGER NOT NULL DEFAULT 0,
  warnings INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_by_app ON files (app_id, attempt_id);

-- position keeps the order the log gave, so an app reads back exactly as it was written.
CREATE TABLE jobs (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  job_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  job_group TEXT NOT NULL DEFAULT '',
  sql_execution_id INTEGER,                -- NULL for jobs outside Spark SQL
  submission_time_ms INTEGER NOT NULL DEFAULT 0,
  completion_time_ms INTEGER NOT NULL DEFAULT 0,
  stage_ids_json TEXT NOT NULL DEFAULT '[]',
  status TEXT NOT NULL,
  failure_reason TEXT NOT NULL DEFAULT '',
  properties_json TEXT NOT NULL DEFAULT '{}',
  UNIQUE (app_pk, job_id)
);

CREATE TABLE stage_attempts (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  stage_id INTEGER NOT NULL,
  attempt_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '',
  num_tasks INTEGER NOT NULL DEFAULT 0,
  parent_ids_json TEXT NOT NULL DEFAULT '[]',
  job_ids_json TEXT NOT NULL DEFAULT '[]',
  submission_time_ms INTEGER NOT NULL DEFAULT 0,
  completion_time_ms INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  failure_reason TEXT NOT NULL DEFAULT '',
  runtime_stage_name TEXT NOT NULL DEFAULT '',
  rdd_info_json TEXT NOT NULL DEFAULT '',
  accumulables_json TEXT NOT NULL DEFAULT '',
  properties_json TEXT NOT NULL DEFAULT '{}',
  resource_profile_id INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app_pk, stage_id, attempt_id)
);

CREATE TABLE executors (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  executor_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  host TEXT NOT NULL DEFAULT '',
  total_cores INTEGER NOT NULL DEFAULT 0,
  max_memory_bytes INTEGER NOT NULL DEFAULT 0,
  max_on_heap_memory_bytes INTEGER,        -- NULL before Spark 2.3 (not in BlockManagerAdded)
  max_off_heap_memory_bytes INTEGER,
  host_port TEXT NOT NULL DEFAULT '',
  add_time_ms INTEGER NOT NULL DEFAULT 0,
  remove_time_ms INTEGER NOT NULL DEFAULT 0,
  remove_reason TEXT NOT NULL DEFAULT '',
  excluded INTEGER NOT NULL DEFAULT 0,
  excluded_in_stages_json TEXT NOT NULL DEFAULT '[]',
  log_urls_json TEXT NOT NULL DEFAULT '',
  attributes_json TEXT NOT NULL DEFAULT '',
  resources_json TEXT NOT NULL DEFAULT '',
  resource_profile_id INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app_pk, executor_id)
);

-- The environment: category is spark, hadoop, system, metrics, classpath or jvm. Keys may repeat
-- (Spark does not forbid it), so the key is the position, not the property name.
CREATE TABLE properties (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  category TEXT NOT NULL,
  position INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (app_pk, category, position)
);
CREATE INDEX properties_by_key ON properties (app_pk, category, key);

-- One row per task attempt, the one table that must be written fast (~200k rows/s). Rows are
-- appended in the order the log ends them (a plain rowid table: WITHOUT ROWID would put Spark's
-- kilobytes of accumulables on overflow pages); one index serves both reading orders: per stage
-- attempt by task id, and (through a sort of the index alone) the whole app by task id.
-- No foreign key: checking it costs ~10% of an insert, and the store deletes an app's tasks itself.
-- No generated columns either (they cost ~15%): the model's derived names live in the view below.
CREATE TABLE tasks (
  app_pk INTEGER NOT NULL,
  task_id INTEGER NOT NULL,
  stage_id INTEGER NOT NULL,
  stage_attempt_id INTEGER NOT NULL,
  task_index INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  partition_id INTEGER NOT NULL DEFAULT -1,
  executor_id TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '',
  locality TEXT NOT NULL DEFAULT '',
  task_type TEXT NOT NULL DEFAULT '',
  speculative INTEGER NOT NULL DEFAULT 0,
  launch_time_ms INTEGER NOT NULL DEFAULT 0,
  finish_time_ms INTEGER NOT NULL DEFAULT 0,
  getting_result_start_ms INTEGER NOT NULL DEFAULT 0,  -- a moment; getting_result_time_ms is the duration
  status TEXT NOT NULL,
  end_reason TEXT NOT NULL DEFAULT '',
  failure_message TEXT NOT NULL DEFAULT '',
  end_reason_json TEXT NOT NULL DEFAULT '',
  accumulables_json TEXT NOT NULL DEFAULT '',
  has_metrics INTEGER NOT NULL DEFAULT 0,
  executor_deserialize_time_ms INTEGER NOT NULL DEFAULT 0,
  executor_deserialize_cpu_time_ns INTEGER NOT NULL DEFAULT 0,
  executor_run_time_ms INTEGER NOT NULL DEFAULT 0,
  executor_cpu_time_ns INTEGER NOT NULL DEFAULT 0,
  result_size_bytes INTEGER NOT NULL DEFAULT 0,
  jvm_gc_time_ms INTEGER NOT NULL DEFAULT 0,
  result_serialization_time_ms INTEGER NOT NULL DEFAULT 0,
  memory_bytes_spilled INTEGER NOT NULL DEFAULT 0,
  disk_bytes_spilled INTEGER NOT NULL DEFAULT 0,
  peak_execution_memory_bytes INTEGER NOT NULL DEFAULT 0,
  input_bytes INTEGER NOT NULL DEFAULT 0,
  input_records INTEGER NOT NULL DEFAULT 0,
  output_bytes INTEGER NOT NULL DEFAULT 0,
  output_records INTEGER NOT NULL DEFAULT 0,
  shuffle_remote_blocks_fetched INTEGER NOT NULL DEFAULT 0,
  shuffle_local_blocks_fetched INTEGER NOT NULL DEFAULT 0,
  shuffle_fetch_wait_time_ms INTEGER NOT NULL DEFAULT 0,
  shuffle_remote_bytes_read INTEGER NOT NULL DEFAULT 0,
  shuffle_remote_bytes_read_to_disk INTEGER NOT NULL DEFAULT 0,
  shuffle_local_bytes_read INTEGER NOT NULL DEFAULT 0,
  shuffle_records_read INTEGER NOT NULL DEFAULT 0,
  shuffle_remote_reqs_duration_ms INTEGER NOT NULL DEFAULT 0,
  shuffle_bytes_written INTEGER NOT NULL DEFAULT 0,
  shuffle_write_time_ns INTEGER NOT NULL DEFAULT 0,
  shuffle_records_written INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX tasks_by_stage ON tasks (app_pk, stage_id, stage_attempt_id, task_id);
-- Failed tasks are few; listings count them and analyzers look for them.
CREATE INDEX tasks_failed ON tasks (app_pk) WHERE status = 'FAILED';

-- Tasks with the model's names and units (DESIGN.md), derived as core::TaskAttempt/TaskMetrics
-- derive them, for analyzers and users who query in SQL.
CREATE VIEW task_metrics AS
SELECT
  t.*,
  CASE WHEN finish_time_ms > 0 THEN finish_time_ms - launch_time_ms ELSE 0 END AS duration_ms,
  executor_cpu_time_ns / 1000000 AS executor_cpu_time_ms,
  jvm_gc_time_ms AS gc_time_ms,
  shuffle_remote_bytes_read + shuffle_local_bytes_read AS shuffle_read_bytes,
  shuffle_records_read AS shuffle_read_records,
  shuffle_bytes_written AS shuffle_write_bytes,
  shuffle_records_written AS shuffle_write_records,
  shuffle_write_time_ns / 1000000 AS shuffle_write_time_ms,
  -- Spark's AppStatusUtils: the time from fetch start to the end, for finished tasks.
  CASE WHEN finish_time_ms > 0 AND getting_result_start_ms > 0
       THEN finish_time_ms - getting_result_start_ms ELSE 0 END AS getting_result_time_ms,
  -- Spark's AppStatusUtils.schedulerDelay: what is left of the duration once the executor's own
  -- phases and the result fetch are taken out; 0 for tasks without metrics or still running.
  CASE WHEN has_metrics AND finish_time_ms > 0
       THEN max(0, finish_time_ms - launch_time_ms - executor_run_time_ms
                   - executor_deserialize_time_ms - result_serialization_time_ms
                   - CASE WHEN getting_result_start_ms > 0
                          THEN finish_time_ms - getting_result_start_ms ELSE 0 END)
       ELSE 0 END AS scheduler_delay_ms
FROM tasks t;
)sql";

// Version 2: what the History Server's REST answers need beyond version 1 (jobtuner api). Stores
// made by version 1 get the columns with their defaults; ingesting their logs again fills them in
// (a path read again replaces its earlier reading).
constexpr const char* kSchemaVersion2 = R"sql(
ALTER TABLE jobs ADD COLUMN num_tasks INTEGER NOT NULL DEFAULT 0;  -- Spark's estimate at submission

ALTER TABLE stage_attempts ADD COLUMN shuffle_push_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN shuffle_mergers_count INTEGER NOT NULL DEFAULT 0;
-- Counted as Spark's listener counts while the stage attempt is live (core::StageAttempt); the
-- metric totals are not stored: they are the sums of the tasks with added_to_stage_totals.
ALTER TABLE stage_attempts ADD COLUMN num_active_tasks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN num_complete_tasks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN num_failed_tasks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN num_killed_tasks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN num_completed_indices INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN first_task_launched_time_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stage_attempts ADD COLUMN killed_tasks_summary_json TEXT NOT NULL DEFAULT '{}';
-- [{executorId, taskTimeMs, failedTasks, succeededTasks, killedTasks, excluded, peakMemoryMetrics?}]
ALTER TABLE stage_attempts ADD COLUMN executor_summaries_json TEXT NOT NULL DEFAULT '[]';
-- {"JVMHeapMemory": n, ...}; '' when unset
ALTER TABLE stage_attempts ADD COLUMN peak_executor_metrics_json TEXT NOT NULL DEFAULT '';
-- '' when no speculative attempt ran
ALTER TABLE stage_attempts ADD COLUMN speculation_summary_json TEXT NOT NULL DEFAULT '';

-- {"JVMHeapMemory": n, ...}; '' when Spark saw none
ALTER TABLE executors ADD COLUMN peak_metrics_json TEXT NOT NULL DEFAULT '';

-- Spark summed the task into its stage's totals
ALTER TABLE tasks ADD COLUMN added_to_stage_totals INTEGER NOT NULL DEFAULT 0;
-- Push-based shuffle reads (Spark 3.2+)
ALTER TABLE tasks ADD COLUMN shuffle_corrupt_merged_block_chunks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_merged_fetch_fallback_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_remote_merged_blocks_fetched INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_local_merged_blocks_fetched INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_remote_merged_chunks_fetched INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_local_merged_chunks_fetched INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_remote_merged_bytes_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_local_merged_bytes_read INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN shuffle_remote_merged_reqs_duration_ms INTEGER NOT NULL DEFAULT 0;

-- Resource profiles (SparkListenerResourceProfileAdded); the requests are lists of
-- {resourceName, amount, discoveryScript, vendor} (executor) and {resourceName, amount} (task).
CREATE TABLE resource_profiles (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  profile_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  executor_resources_json TEXT NOT NULL DEFAULT '[]',
  task_resources_json TEXT NOT NULL DEFAULT '[]',
  UNIQUE (app_pk, profile_id)
);

CREATE TABLE miscellaneous_processes (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  process_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  host_port TEXT NOT NULL DEFAULT '',
  total_cores INTEGER NOT NULL DEFAULT 0,
  add_time_ms INTEGER NOT NULL DEFAULT 0,
  log_urls_json TEXT NOT NULL DEFAULT '',
  UNIQUE (app_pk, process_id)
);

-- RDDs marked for caching and not unpersisted, with the storage level they were submitted with.
CREATE TABLE persisted_rdds (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  rdd_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  num_partitions INTEGER NOT NULL DEFAULT 0,
  use_disk INTEGER NOT NULL DEFAULT 0,
  use_memory INTEGER NOT NULL DEFAULT 0,
  use_off_heap INTEGER NOT NULL DEFAULT 0,
  deserialized INTEGER NOT NULL DEFAULT 0,
  replication INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app_pk, rdd_id)
);

)sql";

// Version 3: the heaviest keys of each shuffle, from jobtuner's runtime (core::ShuffleKey).
constexpr const char* kSchemaVersion3 = R"sql(
CREATE TABLE shuffle_keys (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  shuffle_id INTEGER NOT NULL,
  stage_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  records INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (app_pk, shuffle_id, key)
);
)sql";

// Version 4: the analyzers' findings, stored with the app they are about; analyzing the app again
// replaces them, and a new copy of the app (which gets a new app_pk) drops them with the old one.
constexpr const char* kSchemaVersion4 = R"sql(
CREATE TABLE findings (
  app_pk INTEGER NOT NULL REFERENCES apps (app_pk) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  rule_id TEXT NOT NULL,
  title TEXT NOT NULL,
  severity TEXT NOT NULL,           -- low, moderate, severe, critical
  severity_rank INTEGER NOT NULL,   -- 1..4, for --severity filters
  scope_kind TEXT NOT NULL,         -- app, job, stage, executor
  job_id INTEGER,
  stage_id INTEGER,
  stage_attempt INTEGER,
  stage_name TEXT NOT NULL DEFAULT '',
  executor_id TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL,
  evidence_json TEXT NOT NULL DEFAULT '{}',
  advice_json TEXT NOT NULL DEFAULT '[]',
  analyzed_at_ms INTEGER NOT NULL,
  UNIQUE (app_pk, position)
);
)sql";

int readPragmaInt(sqlite3* db, const char* pragma) {
  SqliteStatement statement(db, pragma);
  return statement.step() ? statement.int32At(0) : 0;
}

[[noreturn]] void throwNotAStore(const std::filesystem::path& path, const std::string& why) {
  throw core::UserError(core::SourceLocation{path.string()}, "not a jobtuner store (" + why + ")",
                        "name a store jobtuner created, or a path that does not exist yet to create a new one");
}

}  // namespace

const std::vector<Migration>& storeMigrations() {
  static const std::vector<Migration> migrations = {
      {1, "apps, files, jobs, stage attempts, executors, properties, tasks", kSchemaVersion1},
      {2, "what the History Server's REST answers need: stage counters, peaks, push-shuffle reads, resource profiles, processes, RDDs", kSchemaVersion2},
      {3, "the heaviest keys of each shuffle (jobtuner's runtime)", kSchemaVersion3},
      {4, "the analyzers' findings", kSchemaVersion4},
  };
  return migrations;
}

int readSchemaVersion(sqlite3* db) { return readPragmaInt(db, "PRAGMA user_version"); }

void checkIsJobtunerStore(sqlite3* db, const std::filesystem::path& path) {
  // SQLite opens files lazily: the first read of the header is where "not a database" shows up.
  int rc = sqlite3_exec(db, "SELECT 1 FROM sqlite_schema LIMIT 1", nullptr, nullptr, nullptr);
  int primaryCode = rc & 0xff;  // extended result codes are on
  if (primaryCode == SQLITE_NOTADB || primaryCode == SQLITE_CORRUPT) {
    throwNotAStore(path, "the file is not an SQLite database");
  }
  if (primaryCode == SQLITE_CANTOPEN || primaryCode == SQLITE_PERM || primaryCode == SQLITE_AUTH) {
    throw core::UserError(core::SourceLocation{path.string()},
                          std::string("cannot open the store: ") + sqlite3_errmsg(db),
                          "check the path and its permissions, or name another store");
  }
  checkSqlite(db, rc, "store: " + path.string());
  int applicationId = readPragmaInt(db, "PRAGMA application_id");
  int version = readPragmaInt(db, "PRAGMA user_version");
  int numTables =
      readPragmaInt(db, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");

  if (applicationId == 0 && numTables == 0) return;  // a new (or empty) database becomes a store
  if (applicationId != kStoreApplicationId) {
    throwNotAStore(path, "an SQLite database of another program: it has " + std::to_string(numTables) +
                             (numTables == 1 ? " table" : " tables") + " and no jobtuner marker");
  }
  int current = storeMigrations().back().version;
  if (version > current) {
    throw core::UserError(core::SourceLocation{path.string()},
                          "the store has schema version " + std::to_string(version) +
                              ", newer than this jobtuner reads (up to " + std::to_string(current) + ")",
                          "upgrade jobtuner to open this store, or name another store");
  }
}

void migrateStore(sqlite3* db) {
  // Opening an up-to-date store must not wait for the write lock (another process may be
  // ingesting); the version is read again inside the write transaction so that two processes
  // creating a store at once do not both run migration 1.
  int current = storeMigrations().back().version;
  if (readSchemaVersion(db) >= current) return;
  SqliteTransaction transaction(db);
  int version = readSchemaVersion(db);
  for (const Migration& migration : storeMigrations()) {
    if (migration.version <= version) continue;
    executeSql(db, migration.sql);
    SqliteStatement record(db, "INSERT INTO schema_migrations (version, description) VALUES (?, ?)");
    record.bind(1, migration.version).bind(2, migration.description).run();
    executeSql(db, ("PRAGMA user_version = " + std::to_string(migration.version)).c_str());
  }
  executeSql(db, ("PRAGMA application_id = " + std::to_string(kStoreApplicationId)).c_str());
  transaction.commit();
}

}  // namespace jobtuner::collector

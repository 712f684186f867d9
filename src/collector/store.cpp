#include "collector/store.h"

#include <sqlite3.h>

#include <utility>

#include "collector/sqlite_statement.h"
#include "collector/store_schema.h"
#include "core/errors.h"

namespace jobtuner::collector {

namespace {

// A writer holds the lock for a whole log; a big log can take tens of seconds to ingest, and a
// second command (the daemon, a user's ingest) should wait for it rather than fail.
constexpr int kBusyTimeoutMs = 60'000;

// The page cache of one connection; ingest inserts into a few b-trees at once and re-reading
// their inner pages from the OS costs more than this memory.
constexpr const char* kCacheSizePragma = "PRAGMA cache_size = -32768";  // KiB

// Spark writes kilobytes of accumulables per task; on SQLite's default 4 KiB pages such a row
// takes a page of its own, on 32 KiB pages they pack and an ingest runs ~1.5x faster (64 KiB
// gains little more and makes reading one stage among interleaved ones costlier). Takes effect
// only when the store is created.
constexpr const char* kPageSizePragma = "PRAGMA page_size = 32768";

// Closes the connection when opening fails halfway (a foreign file, a newer schema).
struct OpeningConnection {
  ~OpeningConnection() { sqlite3_close_v2(db); }
  sqlite3* release() { return std::exchange(db, nullptr); }
  sqlite3* db = nullptr;
};

}  // namespace

bool CopyRank::beats(const CopyRank& other) const {
  if (completed != other.completed) return completed;
  if (events != other.events) return events > other.events;
  if (fileMtimeMs != other.fileMtimeMs) return fileMtimeMs > other.fileMtimeMs;
  // The last resort only has to be the same whatever the order; the path sorting last does that.
  return path > other.path;
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& path) {
  core::SourceLocation where{path.string()};
  if (std::filesystem::is_directory(path)) {
    throw core::UserError(where, "cannot open the store: this is a folder", "name a file inside it, e.g. " +
                                                                                (path / "jobtuner.db").string());
  }
  if (path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      throw core::UserError(where, "cannot create the store's folder: " + error.message(),
                            "check the path and its permissions, or name another store");
    }
  }

  // NOMUTEX: a Store is used by one thread at a time, and SQLite's per-call locking costs ~10% of
  // an ingest's time.
  OpeningConnection connection;
  int rc = sqlite3_open_v2(path.c_str(), &connection.db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = connection.db != nullptr ? sqlite3_errmsg(connection.db) : sqlite3_errstr(rc);
    throw core::UserError(where, "cannot open the store: " + reason,
                          "check the path and its permissions, or name another store");
  }
  sqlite3_extended_result_codes(connection.db, 1);
  sqlite3_busy_timeout(connection.db, kBusyTimeoutMs);

  // Checked before any pragma that writes: a file of another program must be left as it was.
  checkIsJobtunerStore(connection.db, path);

  // WAL lets readers (reports, the daemon's web view) run while a log is ingested; NORMAL is safe
  // with WAL (a power cut may lose the last commits, never corrupt the store) and avoids an fsync
  // per transaction. A filesystem without shared memory keeps the old journal; that only costs speed.
  executeSql(connection.db, kPageSizePragma);  // before WAL, which fixes the page size
  executeSql(connection.db, "PRAGMA journal_mode = WAL");
  executeSql(connection.db, "PRAGMA synchronous = NORMAL");
  executeSql(connection.db, "PRAGMA foreign_keys = ON");
  executeSql(connection.db, kCacheSizePragma);
  migrateStore(connection.db);

  return std::unique_ptr<Store>(new Store(connection.release(), path));
}

Store::Store(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Store::~Store() {
  // Writers hold a reference to their store, so none is alive here. The last connection to close
  // checkpoints the WAL into the database and removes it.
  sqlite3_close_v2(db_);
}

int Store::currentSchemaVersion() { return storeMigrations().back().version; }

int Store::schemaVersion() const { return readSchemaVersion(db_); }

}  // namespace jobtuner::collector

#include "collector/sqlite_statement.h"

#include <sqlite3.h>

#include <utility>

#include "core/errors.h"

namespace jobtuner::collector {

void checkSqlite(sqlite3* db, int resultCode, std::string_view what) {
  if (resultCode == SQLITE_OK || resultCode == SQLITE_ROW || resultCode == SQLITE_DONE) return;
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(resultCode);
  throw core::SystemError(message);
}

void executeSql(sqlite3* db, const char* sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw core::SystemError("store: " + message);
  }
}

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                              &statement_, nullptr);
  checkSqlite(db, rc, "store: preparing a statement");
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = other.db_;
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  checkSqlite(db_, sqlite3_bind_int64(statement_, index, value), "store: binding a value");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view value) {
  // A null data pointer would bind SQL NULL; an empty string must stay an empty string.
  const char* data = value.data() != nullptr ? value.data() : "";
  checkSqlite(db_, sqlite3_bind_text64(statement_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8),
              "store: binding a value");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string&& value) {
  checkSqlite(db_, sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
              "store: binding a value");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<int64_t>& value) {
  return value ? bind(index, *value) : bindNull(index);
}

SqliteStatement& SqliteStatement::bindNull(int index) {
  checkSqlite(db_, sqlite3_bind_null(statement_, index), "store: binding a value");
  return *this;
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset at once so a failed statement holds no lock and can run again; the message is taken
  // first because the reset may replace it.
  std::string message = std::string("store: ") + sqlite3_errmsg(db_);
  sqlite3_reset(statement_);
  throw core::SystemError(message);
}

void SqliteStatement::run() {
  while (step()) {
  }
  // Binds are kept: every caller binds all parameters before each run, and clearing 46 of them
  // per task row is measurable.
  sqlite3_reset(statement_);
}

void SqliteStatement::reset() {
  // sqlite3_reset repeats the last step's error, which step() has already reported. Clearing the
  // binds drops pointers to text that may not outlive this call.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

SqliteStatement::ColumnType SqliteStatement::typeAt(int column) const {
  switch (sqlite3_column_type(statement_, column)) {
    case SQLITE_INTEGER: return ColumnType::Integer;
    case SQLITE_FLOAT: return ColumnType::Real;
    case SQLITE_TEXT: return ColumnType::Text;
    case SQLITE_BLOB: return ColumnType::Blob;
    default: return ColumnType::Null;
  }
}

int SqliteStatement::columnCount() const { return sqlite3_column_count(statement_); }

std::string SqliteStatement::columnName(int column) const { return sqlite3_column_name(statement_, column); }

bool SqliteStatement::isNull(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

int64_t SqliteStatement::int64At(int column) const { return sqlite3_column_int64(statement_, column); }

std::string SqliteStatement::textAt(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<int64_t> SqliteStatement::optionalInt64At(int column) const {
  if (isNull(column)) return std::nullopt;
  return int64At(column);
}

SqliteTransaction::SqliteTransaction(sqlite3* db) : db_(db) { begin(); }

void SqliteTransaction::begin() {
  if (active_) return;
  executeSql(db_, "BEGIN IMMEDIATE");
  active_ = true;
}

SqliteTransaction::~SqliteTransaction() { rollback(); }

void SqliteTransaction::commit() {
  executeSql(db_, "COMMIT");
  active_ = false;
}

void SqliteTransaction::rollback() noexcept {
  if (!active_) return;
  active_ = false;
  // Some errors (a full disk, an interrupted statement) have rolled back already; then there is
  // nothing left to undo and the second ROLLBACK's complaint is meaningless.
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

SqliteReadSnapshot::SqliteReadSnapshot(sqlite3* db) : db_(db) {
  if (sqlite3_get_autocommit(db_) == 0) return;
  // The first read inside BEGIN takes the snapshot; it also saves the file lock every statement
  // outside a transaction takes and drops (a per-row cost when fetching rows one by one).
  executeSql(db_, "BEGIN");
  owned_ = true;
}

SqliteReadSnapshot::~SqliteReadSnapshot() {
  if (owned_ && sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace jobtuner::collector

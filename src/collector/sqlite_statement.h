#pragma once

// A thin RAII layer over the SQLite C API, so the store's code reads as SQL plus binds and never
// leaks a statement or forgets to check a result code. Failures are core::SystemError carrying
// SQLite's own message: they are the store's failures, not the user's input.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace jobtuner::collector {

/// Runs one or more statements that return no rows.
void executeSql(sqlite3* db, const char* sql);

/// Throws core::SystemError "<what>: <sqlite message>" when `resultCode` is not OK/ROW/DONE.
void checkSqlite(sqlite3* db, int resultCode, std::string_view what);

/// One prepared statement. Binds are 1-based, columns 0-based, as in SQLite.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;

  /// Text binds do not copy: the bytes must stay alive until the statement is stepped.
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, int32_t value) { return bind(index, static_cast<int64_t>(value)); }
  SqliteStatement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  SqliteStatement& bind(int index, std::string_view value);
  SqliteStatement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  /// A temporary string is copied by SQLite, since it dies before the statement runs.
  SqliteStatement& bind(int index, std::string&& value);
  SqliteStatement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  SqliteStatement& bind(int index, const std::optional<int64_t>& value);
  SqliteStatement& bindNull(int index);

  /// Advances to the next row; false when the statement is done.
  bool step();
  /// Steps a statement that returns no rows, then resets it keeping its binds (bind every
  /// parameter again before the next run: text binds may point to dead strings).
  void run();
  /// Makes the statement ready to run again, keeping its SQL (binds are cleared).
  void reset();

  enum class ColumnType { Integer, Real, Text, Blob, Null };
  ColumnType typeAt(int column) const;
  int columnCount() const;
  std::string columnName(int column) const;
  bool isNull(int column) const;
  int64_t int64At(int column) const;
  int32_t int32At(int column) const { return static_cast<int32_t>(int64At(column)); }
  bool boolAt(int column) const { return int64At(column) != 0; }
  /// Keeps embedded NUL bytes: the length comes from SQLite, not from strlen.
  std::string textAt(int column) const;
  std::optional<int64_t> optionalInt64At(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

/// A transaction that rolls back unless committed, so an exception anywhere leaves no trace.
class SqliteTransaction {
 public:
  /// IMMEDIATE takes the write lock at once: a second writer waits (busy timeout) up front instead
  /// of failing halfway through.
  explicit SqliteTransaction(sqlite3* db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  void commit();
  void rollback() noexcept;
  /// Starts the next transaction after a commit (a writer that commits in steps).
  void begin();
  bool active() const { return active_; }

 private:
  sqlite3* db_;
  bool active_ = false;
};

/// A read snapshot over several statements, so a reader never mixes two versions of the store
/// while another process commits. Inside a write transaction (the same connection) it does nothing:
/// that transaction already is the snapshot.
class SqliteReadSnapshot {
 public:
  explicit SqliteReadSnapshot(sqlite3* db);
  ~SqliteReadSnapshot();
  SqliteReadSnapshot(const SqliteReadSnapshot&) = delete;
  SqliteReadSnapshot& operator=(const SqliteReadSnapshot&) = delete;

 private:
  sqlite3* db_;
  bool owned_ = false;
};

}  // namespace jobtuner::collector

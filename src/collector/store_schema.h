#pragma once

// The store's schema as an ordered list of migrations. A store records the last migration applied
// in PRAGMA user_version and carries jobtuner's marker in PRAGMA application_id, so a file of
// another program is never mistaken for (or turned into) a store.
//
// How to change the schema: append a Migration with the next version; never edit one that has
// shipped. Add its columns to store_rows.cpp, and the store tests cover the rest (dumps list
// every table and column by themselves).

#include <cstdint>
#include <filesystem>
#include <vector>

struct sqlite3;

namespace jobtuner::collector {

/// "JbTn": jobtuner's mark in the SQLite header (PRAGMA application_id).
inline constexpr int32_t kStoreApplicationId = 0x4A62546E;

struct Migration {
  int version = 0;
  const char* description = "";
  const char* sql = "";
};

/// Every migration, in the order they apply; the last one's version is the current schema.
const std::vector<Migration>& storeMigrations();

/// Throws core::UserError naming `path` when the database is not a jobtuner store (not SQLite, or
/// SQLite with tables but without jobtuner's marker) or was written by a newer jobtuner.
/// Reads only: a foreign file is left untouched.
void checkIsJobtunerStore(sqlite3* db, const std::filesystem::path& path);

/// Applies the migrations the store has not seen yet, all in one transaction.
void migrateStore(sqlite3* db);

/// The schema version recorded in the store.
int readSchemaVersion(sqlite3* db);

}  // namespace jobtuner::collector

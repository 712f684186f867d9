#include "collector/store.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "collector/store_samples.h"
#include "collector/store_schema.h"
#include "core/errors.h"

namespace jobtuner::collector {
namespace {

using namespace samples;
using jobtuner::testing::TempDir;

TEST_CASE("store lets a second connection open and read while a log is being written", "[collector][store]") {
  TempDir dir;
  auto writerStore = Store::open(dir / "jobtuner.db");
  ingest(*writerStore, makeCopy("/logs/a", "app-a", true, 10, 1, 2));
  auto writer = writerStore->beginApp();
  writer->addTask(sampleTask(1, 0, 0));
  // Opening an up-to-date store takes no write lock, so this does not wait for the writer.
  auto reader = Store::open(dir / "jobtuner.db");
  CHECK(reader->listApps().size() == 1);
  Copy b = makeCopy("/logs/b", "app-b", true, 10, 1, 1);
  writer->commit(b.app, b.file);
  CHECK(reader->listApps().size() == 2);
  CHECK(reader->dumpForComparison() == writerStore->dumpForComparison());
}

TEST_CASE("store reopens without running a migration twice", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  {
    auto store = Store::open(path);
    CHECK(store->schemaVersion() == Store::currentSchemaVersion());
    ingest(*store, makeCopy("/logs/a", "app-a", true, 10, 1, 3));
  }
  for (int i = 0; i < 2; ++i) {
    auto store = Store::open(path);
    CHECK(store->schemaVersion() == Store::currentSchemaVersion());
    CHECK(queryInt(*store, "SELECT count(*) FROM schema_migrations") == Store::currentSchemaVersion());
    CHECK(store->listApps().size() == 1);
    CHECK(queryInt(*store, "PRAGMA page_size") == 32768);
    SqliteStatement journal(store->handle(), "PRAGMA journal_mode");
    REQUIRE(journal.step());
    CHECK(journal.textAt(0) == "wal");
  }
}

TEST_CASE("store upgrades a store made by an earlier version and keeps its rows", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  // A store as the first released jobtuner left it: migration 1 only, one app with a task.
  const Migration& first = storeMigrations().front();
  std::string v1 = std::string(first.sql) +
                   "INSERT INTO schema_migrations VALUES (1, 'v1');"
                   "INSERT INTO apps (app_pk, app_id, name) VALUES (7, 'app-old', 'old app');"
                   "INSERT INTO tasks (app_pk, stage_id, stage_attempt_id, task_id, attempt, task_index, status) "
                   "VALUES (7, 0, 0, 1, 0, 0, 'SUCCESS');"
                   "PRAGMA user_version = 1;"
                   "PRAGMA application_id = " + std::to_string(kStoreApplicationId) + ";";
  rawSql(path, v1.c_str());
  auto store = Store::open(path);
  CHECK(store->schemaVersion() == Store::currentSchemaVersion());
  CHECK(queryInt(*store, "SELECT count(*) FROM schema_migrations") == Store::currentSchemaVersion());
  REQUIRE(store->listApps().size() == 1);
  CHECK(store->listApps().front().name == "old app");
  CHECK(queryInt(*store, "SELECT count(*) FROM tasks WHERE shuffle_remote_merged_bytes_read = 0") == 1);
  CHECK(queryInt(*store, "SELECT count(*) FROM persisted_rdds") == 0);
}

TEST_CASE("store refuses a file that is not an SQLite database, naming it", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "notes.txt";
  std::string content = "these are my notes, not a database\n" + std::string(4096, 'x');
  jobtuner::testing::writeFile(path, content);
  try {
    Store::open(path);
    FAIL("opening a text file as a store succeeded");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains("not a jobtuner store"));
    CHECK_FALSE(error.hint().empty());
  }
  CHECK(jobtuner::testing::readFile(path) == content);
}

TEST_CASE("store refuses an SQLite database of another program and leaves it untouched", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "other.db";
  rawSql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');");
  std::string before = jobtuner::testing::readFile(path);
  try {
    Store::open(path);
    FAIL("opening a foreign database as a store succeeded");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains("not a jobtuner store"));
  }
  CHECK(jobtuner::testing::readFile(path) == before);
  CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
}

TEST_CASE("store refuses a store written by a newer jobtuner", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  Store::open(path).reset();
  rawSql(path, ("PRAGMA user_version = " + std::to_string(Store::currentSchemaVersion() + 1)).c_str());
  try {
    Store::open(path);
    FAIL("opening a newer store succeeded");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains(path.string()) && Catch::Contains("newer"));
    CHECK_THAT(error.hint(), Catch::Contains("upgrade jobtuner"));
  }
}

TEST_CASE("store opens an empty file as a new store", "[collector][store][schema]") {
  TempDir dir;
  auto path = dir / "empty.db";
  jobtuner::testing::writeFile(path, "");
  auto store = Store::open(path);
  CHECK(store->schemaVersion() == Store::currentSchemaVersion());
  CHECK(store->listApps().empty());
}

}  // namespace
}  // namespace jobtuner::collector

// Bad input through the binary: a clear message naming the file, exit code 2, and the store
// exactly as it was.

#include <catch2/catch.hpp>

#include "collector/store.h"
#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

struct StoreWithOneApp {
  TempDir home;
  std::string db = (home / "store.db").string();

  StoreWithOneApp() {
    writeFile(home / "good.log", EventLogBuilder("app-good-0001", "good").stage(0, 0, "s", uniformTasks(2, 0, 1700000001000, 50)).text());
    REQUIRE(runJobtuner({"--db", db, "ingest", (home / "good.log").string()}).exitCode == 0);
  }
  std::string dump() const { return jobtuner::collector::Store::open(db)->dumpForComparison(); }
};

void expectRejected(StoreWithOneApp& store, const std::string& path, const std::string& fragment) {
  std::string before = store.dump();
  CommandResult result = runJobtuner({"--db", store.db, "ingest", path});
  INFO(result.err);
  CHECK(result.exitCode == 2);
  CHECK(result.err.find(path) != std::string::npos);
  CHECK(result.err.find(fragment) != std::string::npos);
  CHECK(store.dump() == before);
}

}  // namespace

TEST_CASE("ingest of a missing path is rejected", "[e2e][ingest][bad-input]") {
  StoreWithOneApp store;
  expectRejected(store, (store.home / "no-such-log").string(), "no such file or directory");
}

TEST_CASE("ingest of an empty file named explicitly is rejected", "[e2e][ingest][bad-input]") {
  StoreWithOneApp store;
  writeFile(store.home / "empty.log", "");
  expectRejected(store, (store.home / "empty.log").string(), "empty");
}

TEST_CASE("ingest of binary garbage is rejected", "[e2e][ingest][bad-input]") {
  StoreWithOneApp store;
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
  writeFile(store.home / "garbage.bin", garbage);
  expectRejected(store, (store.home / "garbage.bin").string(), "binary");
}

TEST_CASE("ingest of a gzip file is rejected", "[e2e][ingest][bad-input]") {
  StoreWithOneApp store;
  writeFile(store.home / "log.gz", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) + "compressed");
  expectRejected(store, (store.home / "log.gz").string(), "gzip");
}

TEST_CASE("ingest of a JSON file that is not an event log is rejected", "[e2e][ingest][bad-input]") {
  StoreWithOneApp store;
  writeFile(store.home / "data.json", "{\"name\": \"a\", \"value\": 1}\n{\"name\": \"b\", \"value\": 2}\n");
  expectRejected(store, (store.home / "data.json").string(), "not a Spark event log");
}

TEST_CASE("a folder with non-logs ingests its logs and lists what it skipped", "[e2e][ingest][bad-input]") {
  StoreWithOneApp store;
  writeFile(store.home / "logs" / "app-one-0001", EventLogBuilder("app-one-0001", "one").stage(0, 0, "s", uniformTasks(2, 0, 1700000001000, 50)).text());
  writeFile(store.home / "logs" / "notes.txt", "not a log\n");
  CommandResult result = runJobtuner({"--db", store.db, "--verbose", "ingest", (store.home / "logs").string()});
  INFO(result.err);
  CHECK(result.exitCode == 0);
  CHECK(result.out.find("app-one-0001") != std::string::npos);
  CHECK(result.out.find("notes.txt") != std::string::npos);
}

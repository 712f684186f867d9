#include "collector/store.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <iostream>
#include <catch2/catch.hpp>

#include "collector/store_samples.h"
#include "core/errors.h"

namespace jobtuner::collector {
namespace {

using namespace samples;
using jobtuner::testing::TempDir;

TEST_CASE("store is unchanged when ingest throws before commit", "[collector][store]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  ingest(*store, makeCopy("/logs/a", "app-a", true, 10, 1, 5));
  std::string before = store->dumpForComparison();

  try {
    auto writer = store->beginApp();
    for (int i = 0; i < 100; ++i) writer->addTask(sampleTask(i, 0, 0));
    throw std::runtime_error("the parser failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(store->dumpForComparison() == before);
  CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 5);

  SECTION("a commit that fails rolls back too, and the store takes a new writer") {
    auto writer = store->beginApp();
    writer->addTask(sampleTask(1, 0, 0));
    Copy nameless = makeCopy("/logs/b", "", true, 10, 1, 0);
    CHECK_THROWS_AS(writer->commit(nameless.app, nameless.file), std::invalid_argument);
    CHECK_THROWS_AS(writer->addTask(sampleTask(2, 0, 0)), std::logic_error);
    CHECK(store->dumpForComparison() == before);
    ingest(*store, makeCopy("/logs/c", "app-c", true, 10, 1, 2));
    CHECK(store->listApps().size() == 2);
  }
}

TEST_CASE("store is unchanged when a writer is destroyed without commit", "[collector][store]") {
  TempDir dir;
  auto path = dir / "jobtuner.db";
  std::string before;
  {
    auto store = Store::open(path);
    ingest(*store, makeCopy("/logs/a", "app-a", true, 10, 1, 5));
    before = store->dumpForComparison();
    {
      auto writer = store->beginApp();
      for (int i = 0; i < 50; ++i) writer->addTask(sampleTask(i, 0, 0));
      CHECK_THROWS_AS(store->beginApp(), std::logic_error);  // one writer at a time
    }
    CHECK(store->dumpForComparison() == before);
    CHECK(store->listApps().size() == 1);
  }
  auto reopened = Store::open(path);
  CHECK(reopened->dumpForComparison() == before);
}

TEST_CASE("store keeps one writer at a time even when a finished writer outlives the next one",
          "[collector][store]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  Copy a = makeCopy("/logs/a", "app-a", true, 10, 1, 1);
  auto first = store->beginApp();
  first->commit(a.app, a.file);
  auto second = store->beginApp();
  first.reset();
  CHECK_THROWS_AS(store->beginApp(), std::logic_error);
  second.reset();
  CHECK_NOTHROW(store->beginApp());
}

TEST_CASE("store keeps a completed copy over an in-progress one in either order", "[collector][store][duplicates]") {
  Copy inProgress = makeCopy("/logs/app-1.inprogress", "app-1", false, 5000, 9, 8);
  Copy completed = makeCopy("/logs/app-1", "app-1", true, 100, 1, 3);
  std::string dumps[2];
  for (int order = 0; order < 2; ++order) {
    TempDir dir;
    auto store = Store::open(dir / "jobtuner.db");
    const Copy& firstCopy = order == 0 ? inProgress : completed;
    const Copy& secondCopy = order == 0 ? completed : inProgress;
    ingest(*store, firstCopy);
    AppWriter::Outcome outcome = ingest(*store, secondCopy);
    if (order == 0) {
      CHECK(outcome.kept);
      CHECK(outcome.supersededPaths == std::vector<std::string>{inProgress.file.path});
    } else {
      CHECK_FALSE(outcome.kept);
      CHECK(outcome.supersededPaths.empty());
    }
    CHECK(outcome.keptPath == completed.file.path);
    CHECK(store->loadApp("app-1", "")->name == completed.app.name);
    CHECK(taskIdsOf(*store, "app-1") == std::vector<std::string>{"0", "1", "2"});
    CHECK(statusOf(*store, completed.file.path) == "kept");
    CHECK(statusOf(*store, inProgress.file.path) == "superseded");
    CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 3);
    dumps[order] = store->dumpForComparison();
  }
  CHECK(dumps[0] == dumps[1]);
}

TEST_CASE("store breaks ties between copies by events, then file time, then path", "[collector][store][duplicates]") {
  struct Case {
    const char* name;
    Copy winner;
    Copy loser;
  };
  std::vector<Case> cases = {
      {"more events", makeCopy("/a/log", "app-1", true, 200, 1, 2), makeCopy("/b/log", "app-1", true, 100, 9, 4)},
      {"newer file", makeCopy("/a/log", "app-1", false, 100, 9, 2), makeCopy("/b/log", "app-1", false, 100, 1, 4)},
      {"path sorting last", makeCopy("/b/log", "app-1", true, 100, 5, 2),
       makeCopy("/a/log", "app-1", true, 100, 5, 4)},
  };
  for (const Case& c : cases) {
    SECTION(c.name) {
      CHECK(c.winner.file.rank.beats(c.loser.file.rank));
      CHECK_FALSE(c.loser.file.rank.beats(c.winner.file.rank));
      std::string dumps[2];
      for (int order = 0; order < 2; ++order) {
        TempDir dir;
        auto store = Store::open(dir / "jobtuner.db");
        ingest(*store, order == 0 ? c.winner : c.loser);
        AppWriter::Outcome outcome = ingest(*store, order == 0 ? c.loser : c.winner);
        CHECK(outcome.kept == (order == 1));
        CHECK(outcome.keptPath == c.winner.file.path);
        CHECK(store->loadApp("app-1", "")->name == c.winner.app.name);
        CHECK(statusOf(*store, c.winner.file.path) == "kept");
        CHECK(statusOf(*store, c.loser.file.path) == "superseded");
        CHECK(taskIdsOf(*store, "app-1").size() == 2);
        dumps[order] = store->dumpForComparison();
      }
      CHECK(dumps[0] == dumps[1]);
    }
  }
}

TEST_CASE("CopyRank never lets a copy beat itself", "[collector][store][duplicates]") {
  CopyRank rank{true, 10, 5, "/x"};
  CHECK_FALSE(rank.beats(rank));
  CHECK(CopyRank{true, 1, 1, "/a"}.beats(CopyRank{false, 99, 99, "/z"}));
}

TEST_CASE("store content does not depend on the order of three copies", "[collector][store][duplicates]") {
  std::array<Copy, 3> copies = {
      makeCopy("/logs/app-1.inprogress", "app-1", false, 900, 3, 6),
      makeCopy("/logs/app-1", "app-1", true, 500, 2, 4),
      makeCopy("/archive/app-1", "app-1", true, 500, 1, 5),
  };
  // Another app beside them shows that the others' rows are never touched.
  Copy bystander = makeCopy("/logs/app-2", "app-2", true, 10, 1, 3);

  std::array<int, 3> order = {0, 1, 2};
  std::vector<std::string> dumps;
  do {
    TempDir dir;
    auto store = Store::open(dir / "jobtuner.db");
    ingest(*store, bystander);
    for (int i : order) ingest(*store, copies[i]);
    INFO("order " << order[0] << order[1] << order[2]);
    CHECK(store->loadApp("app-1", "")->name == copies[1].app.name);
    CHECK(statusOf(*store, "/logs/app-1") == "kept");
    CHECK(statusOf(*store, "/logs/app-1.inprogress") == "superseded");
    CHECK(statusOf(*store, "/archive/app-1") == "superseded");
    CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 4 + 3);
    CHECK(queryInt(*store, "SELECT count(*) FROM apps") == 2);
    dumps.push_back(store->dumpForComparison());
  } while (std::next_permutation(order.begin(), order.end()));
  REQUIRE(dumps.size() == 6);
  for (const std::string& dump : dumps) CHECK(dump == dumps.front());
  CHECK(dumps.front().find("app_pk") == std::string::npos);
}

TEST_CASE("store replaces what an earlier reading of the same path stored", "[collector][store][duplicates]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  Copy early = makeCopy("/logs/app-1.inprogress", "app-1", false, 100, 1, 3);
  Copy grown = makeCopy("/logs/app-1.inprogress", "app-1", false, 300, 2, 7);
  ingest(*store, early);
  AppWriter::Outcome outcome = ingest(*store, grown);
  CHECK(outcome.kept);
  CHECK(outcome.supersededPaths.empty());  // a path does not supersede itself
  CHECK(store->listFiles().size() == 1);
  CHECK(store->listFiles()[0].rank.events == 300);
  CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 7);

  TempDir freshDir;
  auto fresh = Store::open(freshDir / "jobtuner.db");
  ingest(*fresh, grown);
  CHECK(store->dumpForComparison() == fresh->dumpForComparison());

  SECTION("re-reading a superseded path keeps it superseded") {
    Copy best = makeCopy("/logs/app-1", "app-1", true, 50, 1, 2);
    ingest(*store, best);
    ingest(*store, grown);
    CHECK(statusOf(*store, grown.file.path) == "superseded");
    CHECK(store->listFiles().size() == 2);
    CHECK(store->loadApp("app-1", "")->name == best.app.name);
  }
  SECTION("a path that now holds another app drops the old app") {
    Copy other = makeCopy("/logs/app-1.inprogress", "app-9", true, 50, 1, 2);
    ingest(*store, other);
    CHECK_FALSE(store->loadApp("app-1", ""));
    CHECK(store->listApps().size() == 1);
    CHECK(store->listFiles().size() == 1);
    CHECK(queryInt(*store, "SELECT count(*) FROM tasks") == 2);
  }
}

TEST_CASE("store forgets superseded copies whose replacement is gone, so they can be ingested again",
          "[collector][store][duplicates]") {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  Copy best = makeCopy("/logs/p", "app-1", true, 300, 1, 3);
  Copy other = makeCopy("/logs/q", "app-1", true, 200, 1, 2);
  ingest(*store, best);
  ingest(*store, other);
  REQUIRE(statusOf(*store, "/logs/q") == "superseded");

  SECTION("the kept path now ranks below the superseded one") {
    Copy worse = makeCopy("/logs/p", "app-1", true, 100, 1, 4);
    AppWriter::Outcome outcome = ingest(*store, worse);
    CHECK(outcome.kept);
    CHECK(outcome.forgottenPaths == std::vector<std::string>{"/logs/q"});
    CHECK(statusOf(*store, "/logs/q") == "absent");
    CHECK(ingest(*store, other).kept);

    TempDir freshDir;
    auto fresh = Store::open(freshDir / "jobtuner.db");
    ingest(*fresh, other);
    ingest(*fresh, worse);
    CHECK(store->dumpForComparison() == fresh->dumpForComparison());
  }
  SECTION("the kept path now holds another app") {
    Copy moved = makeCopy("/logs/p", "app-2", true, 100, 1, 1);
    AppWriter::Outcome outcome = ingest(*store, moved);
    CHECK(outcome.kept);
    CHECK(outcome.forgottenPaths == std::vector<std::string>{"/logs/q"});
    CHECK_FALSE(store->loadApp("app-1", ""));
    CHECK(ingest(*store, other).kept);
    CHECK(store->attemptsOf("app-1") == std::vector<std::string>{""});
  }
  SECTION("a copy that still ranks best forgets nothing") {
    Copy grown = makeCopy("/logs/p", "app-1", true, 400, 2, 5);
    AppWriter::Outcome outcome = ingest(*store, grown);
    CHECK(outcome.kept);
    CHECK(outcome.forgottenPaths.empty());
    CHECK(statusOf(*store, "/logs/q") == "superseded");
  }
}

// Writes `numTasks` task rows with `accumulablesJson` each and prints the rates.
void measureInsertRate(int numTasks, const std::string& label, const std::string& accumulablesJson) {
  TempDir dir;
  auto store = Store::open(dir / "jobtuner.db");
  std::vector<core::TaskAttempt> tasks;
  for (int i = 0; i < 1000; ++i) {
    tasks.push_back(sampleTask(i, 0, 0));
    tasks.back().accumulablesJson = accumulablesJson;
  }
  std::clock_t cpuStart = std::clock();
  auto start = std::chrono::steady_clock::now();
  auto writer = store->beginApp();
  for (int i = 0; i < numTasks; ++i) {
    core::TaskAttempt& task = tasks[static_cast<size_t>(i % 1000)];
    task.taskId = i;
    task.stageId = (i / 1000) % 40;  // several stages, as a real app has
    writer->addTask(task);
  }
  auto added = std::chrono::steady_clock::now();
  double addCpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
  writer->commit(sampleApp("app-bench", ""), makeCopy("/logs/bench", "app-bench", true, numTasks, 1, 0).file);
  auto committed = std::chrono::steady_clock::now();
  int64_t numRead = 0;
  store->forEachTask("app-bench", "", -1, 0, [&](const core::TaskAttempt&) { ++numRead; });
  auto read = std::chrono::steady_clock::now();
  auto seconds = [](auto from, auto to) { return std::chrono::duration<double>(to - from).count(); };
  std::cout << "store, " << numTasks << " task rows, " << label << ": addTask "
            << static_cast<int64_t>(numTasks / seconds(start, added)) << " rows/s ("
            << static_cast<int64_t>(numTasks / addCpuSeconds) << " per CPU second), commit " << seconds(added, committed)
            << " s, overall " << static_cast<int64_t>(numTasks / seconds(start, committed))
            << " rows/s; forEachTask (all stages) " << static_cast<int64_t>(numRead / seconds(committed, read))
            << " rows/s\n";
  CHECK(numRead == numTasks);
}

// Not a test of speed (tests never assert time): prints insert rates, best read from a Release
// or RelWithDebInfo build on an idle machine. Run: collector_tests "[.bench]"
TEST_CASE("store task insert rate", "[collector][store][.bench]") {
  constexpr int kNumTasks = 200'000;
  measureInsertRate(kNumTasks, "short accumulables (runtime-like)", R"([{"ID":1,"Update":3}])");
  // Spark writes ~25 accumulable updates per task, ~2.9 KB of JSON.
  std::string accumulables = "[";
  for (int a = 0; a < 25; ++a) {
    accumulables += R"({"ID":)" + std::to_string(1000 + a) +
                    R"(,"Name":"internal.metrics.shuffle.read.recordsRead","Update":12345,"Value":987654,)"
                    R"("Internal":true,"Count Failed Values":true},)";
  }
  accumulables.back() = ']';
  measureInsertRate(kNumTasks, "Spark-sized accumulables (" + std::to_string(accumulables.size()) + " bytes)",
                    accumulables);
}

}  // namespace
}  // namespace jobtuner::collector

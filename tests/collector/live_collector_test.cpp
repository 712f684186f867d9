// The live collector against the file reader: real Spark event logs streamed over a real local
// channel in frames that cut lines anywhere, with commits between them, must leave the store
// exactly as ingesting the same bytes from a file does; and what was committed midway is visible
// to another connection while the stream still runs.

#include "collector/live_collector.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <thread>

#include "collector/ingest.h"
#include "core/event_stream.h"
#include "core/local_channel.h"
#include "support/test_support.h"

namespace jobtuner::collector {
namespace {

using jobtuner::testing::TempDir;
using jobtuner::testing::writeFile;

constexpr const char* kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// How the fake driver ends its stream.
enum class Ending { kEndFrame, kDiesMidLine };

struct StreamResult {
  LiveCollectorResult collector;
  int64_t appsSeenMidway = 0;   // incomplete apps another connection saw during the stream
  int64_t tasksSeenMidway = 0;
};

/// Plays a driver: writes `log` to <eventLog>.inprogress while sending it in random frames, then
/// either renames the file and sends the end frame, or stops in the middle of a line (the file
/// then holds exactly what was sent).
StreamResult streamLog(const std::string& log, const fs::path& eventLog, const fs::path& db, Ending ending,
                       unsigned seed, bool watchMidway = true) {
  fs::path socket = eventLog.parent_path() / "collector.sock";
  core::LocalListener listener = core::LocalListener::listen(socket, kSecret);
  StreamResult result;
  std::string driverFailure;
  std::thread driver([&] {
   try {
    core::LocalChannel channel = core::connectLocal(socket, kSecret, "{}", 10'000);
    fs::path inProgress = eventLog;
    inProgress += ".inprogress";
    size_t cutAt = ending == Ending::kEndFrame ? log.size() : log.size() * 2 / 3;
    while (cutAt < log.size() && log[cutAt] == '\n') ++cutAt;  // cut inside a line, not after one
    writeFile(inProgress, log.substr(0, cutAt));
    std::mt19937 random(seed);
    std::uniform_int_distribution<size_t> frameSize(1, std::max<size_t>(2, log.size() / 12));
    size_t sent = 0;
    while (sent < cutAt) {
      size_t size = std::min(frameSize(random), cutAt - sent);
      channel.send(static_cast<uint8_t>(core::EventStreamFrame::kEvents), std::string_view(log).substr(sent, size));
      sent += size;
      std::this_thread::sleep_for(std::chrono::milliseconds(4));
      if (watchMidway && sent > cutAt / 2 && result.appsSeenMidway == 0) {
        // Half-way: another connection sees the app, incomplete, once a commit has run.
        for (int i = 0; i < 200 && result.appsSeenMidway == 0; ++i) {
          std::unique_ptr<Store> reader = Store::open(db);
          for (const AppRow& row : reader->listApps()) {
            if (!row.completed) {
              ++result.appsSeenMidway;
              result.tasksSeenMidway = row.tasks;
            }
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
    }
    if (ending == Ending::kEndFrame) {
      fs::rename(inProgress, eventLog);
      channel.send(static_cast<uint8_t>(core::EventStreamFrame::kEnd), {});
    }
    channel.close();
   } catch (const std::exception& error) {
    driverFailure = error.what();
   }
  });
  std::string failure;
  try {
    std::optional<core::Accepted> accepted = listener.accept(10'000);
    if (!accepted) throw std::runtime_error("the driver did not connect");
    std::unique_ptr<Store> store = Store::open(db);
    LiveCollectorOptions options;
    options.eventLog = eventLog;
    options.commitIntervalMs = 10;
    result.collector = collectLive(*store, accepted->channel, options);
  } catch (const std::exception& error) {
    failure = error.what();
  }
  driver.join();
  INFO(failure << " / driver: " << driverFailure);
  REQUIRE(failure.empty());
  REQUIRE(driverFailure.empty());
  return result;
}

std::string ingestedDump(const fs::path& file, const fs::path& db) {
  std::unique_ptr<Store> store = Store::open(db);
  ingestPath(*store, file, IngestOptions{});
  return store->dumpForComparison();
}

}  // namespace

TEST_CASE("a log streamed live is stored as ingesting the file stores it", "[collector][live]") {
  auto corpus = jobtuner::testing::requireCorpus();
  if (!corpus) return;
  const char* logs[] = {"apache-spark/local-1430917381534", "apache-spark/app-20161116163331-0000",
                        "apache-spark/application_1516285256255_0012", "apache-spark/app-20200706201101-0003"};
  unsigned seed = 1;
  for (const char* name : logs) {
    std::string log = jobtuner::testing::readFile(*corpus / name);
    for (Ending ending : {Ending::kEndFrame, Ending::kDiesMidLine}) {
      INFO(name << (ending == Ending::kEndFrame ? " ended" : " cut mid-line"));
      TempDir dir;
      fs::path eventLog = dir / fs::path(name).filename().string();
      StreamResult streamed = streamLog(log, eventLog, dir / "live.db", ending, seed++);
      CHECK(streamed.collector.stored);
      CHECK(streamed.collector.sawEnd == (ending == Ending::kEndFrame));
      CHECK(streamed.collector.checkpoints > 0);
      CHECK(streamed.appsSeenMidway == 1);
      // Half of the bytes of this one hold most of its tasks; other logs spend them on properties.
      if (name == logs[0]) CHECK(streamed.tasksSeenMidway > 0);

      fs::path file = eventLog;
      if (ending == Ending::kDiesMidLine) file += ".inprogress";
      std::string live = Store::open(dir / "live.db")->dumpForComparison();
      CHECK(live == ingestedDump(file, dir / "ingested.db"));
      // The stored copy is named after the file the driver left behind.
      CHECK(live.find(storedLogPath(file)) != std::string::npos);
    }
  }
}

TEST_CASE("a stream that never names its app stores nothing", "[collector][live]") {
  TempDir dir;
  std::string log = "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.5.1\"}\n";
  StreamResult streamed = streamLog(log, dir / "app-1", dir / "live.db", Ending::kEndFrame, 7, false);
  CHECK_FALSE(streamed.collector.stored);
  CHECK(Store::open(dir / "live.db")->listApps().empty());
}

TEST_CASE("a stream with a frame type it does not know is refused with the type", "[collector][live]") {
  TempDir dir;
  fs::path socket = dir / "collector.sock";
  core::LocalListener listener = core::LocalListener::listen(socket, kSecret);
  std::thread driver([&] {
    core::LocalChannel channel = core::connectLocal(socket, kSecret, "{}", 10'000);
    channel.send(99, "?");
    bool timedOut = false;
    channel.receive(5'000, timedOut);  // until the collector hangs up
  });
  std::optional<core::Accepted> accepted = listener.accept(10'000);
  REQUIRE(accepted);
  std::unique_ptr<Store> store = Store::open(dir / "live.db");
  LiveCollectorOptions options;
  options.eventLog = dir / "app-1";
  CHECK_THROWS_WITH(collectLive(*store, accepted->channel, options), Catch::Contains("unknown frame type 99"));
  accepted->channel.close();
  driver.join();
}

}  // namespace jobtuner::collector

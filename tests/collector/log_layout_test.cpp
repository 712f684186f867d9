#include "collector/log_layout.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/errors.h"
#include "support/test_support.h"

using namespace jobtuner::collector;
using jobtuner::core::UserError;
using jobtuner::testing::requireCorpus;
using jobtuner::testing::TempDir;
using jobtuner::testing::writeFile;
namespace fs = std::filesystem;

namespace {

constexpr const char* kEventLine = "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.5.1\"}\n";

std::vector<std::string> fileNames(const std::vector<fs::path>& paths) {
  std::vector<std::string> names;
  for (const auto& path : paths) names.push_back(path.filename().string());
  return names;
}

std::map<std::string, std::string> skippedByName(const Discovery& discovery, const fs::path& root) {
  std::map<std::string, std::string> result;
  for (const auto& skipped : discovery.skipped) result[skipped.path.lexically_relative(root).string()] = skipped.reason;
  return result;
}

EventLogFiles onlyLog(const fs::path& path) {
  Discovery discovery = discoverEventLogs(path);
  REQUIRE(discovery.logs.size() == 1);
  return discovery.logs.front();
}

}  // namespace

TEST_CASE("log layout names codecs and layouts", "[collector][log_layout]") {
  CHECK(std::string(toString(Codec::None)) == "none");
  CHECK(std::string(toString(Codec::Zstd)) == "zstd");
  CHECK(std::string(toString(Codec::Lz4)) == "lz4");
  CHECK(std::string(toString(Codec::Snappy)) == "snappy");
  CHECK(std::string(toString(Codec::Lzf)) == "lzf");
  CHECK(std::string(toString(LogLayout::SingleFile)) == "single-file");
  CHECK(std::string(toString(LogLayout::Rolling)) == "rolling");
  CHECK(std::string(toString(LogLayout::LegacyDirectory)) == "legacy-directory");
}

TEST_CASE("log layout reads the codec from a file name suffix", "[collector][log_layout]") {
  CHECK(codecFromFileName("app-20240101000000-0001") == Codec::None);
  CHECK(codecFromFileName("local-1.zstd") == Codec::Zstd);
  CHECK(codecFromFileName("local-1.zst") == Codec::Zstd);
  CHECK(codecFromFileName("local-1.lz4") == Codec::Lz4);
  CHECK(codecFromFileName("local-1.snappy") == Codec::Snappy);
  CHECK(codecFromFileName("local-1.lzf") == Codec::Lzf);
  CHECK(codecFromFileName("local-1.zstd.inprogress") == Codec::Zstd);
  CHECK(codecFromFileName("events_3_app.lz4.compact") == Codec::Lz4);
  CHECK(codecFromFileName("local-1.inprogress") == Codec::None);
  CHECK(codecFromFileName("notes.txt") == Codec::None);
  CHECK(codecFromFileName(".zstd") == Codec::None);
}

TEST_CASE("log layout returns a file named explicitly as a single-file log", "[collector][log_layout]") {
  TempDir dir;
  for (const char* name : {"app-20240101000000-0001", "anything.txt", "local-1.zstd", "application_1_2.lz4.inprogress",
                           "spark-0123456789abcdef0123456789abcdef.snappy"}) {
    writeFile(dir / name, "not even JSON");
    EventLogFiles log = onlyLog(dir / name);
    INFO(name);
    CHECK(log.layout == LogLayout::SingleFile);
    CHECK(log.path == dir / name);
    CHECK(log.parts == std::vector<fs::path>{dir / name});
    CHECK(log.codec == codecFromFileName(name));
    CHECK(log.inProgress == std::string(name).ends_with(".inprogress"));
  }
}

TEST_CASE("log layout orders rolling parts by number, not by name", "[collector][log_layout]") {
  TempDir dir;
  fs::path rolling = dir / "eventlog_v2_local-1700000000000";
  for (int i = 1; i <= 10; ++i) writeFile(rolling / ("events_" + std::to_string(i) + "_local-1700000000000.zstd"), "x");
  writeFile(rolling / "appstatus_local-1700000000000", "");
  EventLogFiles log = onlyLog(rolling);
  CHECK(log.layout == LogLayout::Rolling);
  CHECK(log.path == rolling);
  CHECK(log.codec == Codec::Zstd);
  CHECK_FALSE(log.inProgress);
  CHECK(log.warnings.empty());
  REQUIRE(log.parts.size() == 10);
  CHECK(log.parts[1].filename() == "events_2_local-1700000000000.zstd");
  CHECK(log.parts[9].filename() == "events_10_local-1700000000000.zstd");
}

TEST_CASE("log layout takes a rolling log's progress from its appstatus marker", "[collector][log_layout]") {
  TempDir dir;
  fs::path rolling = dir / "eventlog_v2_app-20240101000000-0001";
  writeFile(rolling / "events_1_app-20240101000000-0001", kEventLine);
  SECTION("marker still in progress") {
    writeFile(rolling / "appstatus_app-20240101000000-0001.inprogress", "");
    CHECK(onlyLog(rolling).inProgress);
  }
  SECTION("marker missing") { CHECK(onlyLog(rolling).inProgress); }
  SECTION("marker complete") {
    writeFile(rolling / "appstatus_app-20240101000000-0001", "");
    CHECK_FALSE(onlyLog(rolling).inProgress);
  }
}

TEST_CASE("log layout reads a rolling log from its last compacted part", "[collector][log_layout]") {
  TempDir dir;
  fs::path rolling = dir / "eventlog_v2_app";
  for (const char* name : {"events_1_app", "events_2_app", "events_2_app.compact", "events_3_app", "appstatus_app"}) {
    writeFile(rolling / name, kEventLine);
  }
  writeFile(rolling / "README", "stray");
  Discovery discovery = discoverEventLogs(rolling);
  REQUIRE(discovery.logs.size() == 1);
  CHECK(fileNames(discovery.logs[0].parts) == std::vector<std::string>{"events_2_app.compact", "events_3_app"});
  auto skipped = skippedByName(discovery, rolling);
  CHECK(skipped["events_1_app"] == "replaced by a compacted part");
  CHECK(skipped["events_2_app"] == "replaced by a compacted part");
  CHECK(skipped["README"] == "not part of the rolling log");
}

TEST_CASE("log layout warns about a gap in rolling part numbers", "[collector][log_layout]") {
  TempDir dir;
  fs::path rolling = dir / "eventlog_v2_app";
  for (const char* name : {"events_1_app", "events_2_app", "events_5_app", "appstatus_app"}) writeFile(rolling / name, "");
  EventLogFiles log = onlyLog(rolling);
  CHECK(log.parts.size() == 3);
  CHECK(log.warnings == std::vector<std::string>{"rolling parts 3 to 4 are missing; events may be lost"});
}

TEST_CASE("log layout rejects a rolling directory without parts", "[collector][log_layout]") {
  TempDir dir;
  writeFile(dir / "eventlog_v2_app" / "appstatus_app", "");
  CHECK_THROWS_WITH(discoverEventLogs(dir / "eventlog_v2_app"), Catch::Contains("without events_<N>_* files"));
  Discovery walked = discoverEventLogs(dir.path());
  CHECK(walked.logs.empty());
  CHECK(skippedByName(walked, dir.path())["eventlog_v2_app"] == "rolling event log directory without events_<N>_* files");
}

TEST_CASE("log layout reads a legacy 1.x directory", "[collector][log_layout]") {
  TempDir dir;
  fs::path legacy = dir / "local-1422981759269";
  writeFile(legacy / "EVENT_LOG_1", kEventLine);
  writeFile(legacy / "EVENT_LOG_2", kEventLine);
  writeFile(legacy / "EVENT_LOG_10", kEventLine);
  writeFile(legacy / "SPARK_VERSION_1.2.0", "");
  SECTION("complete, uncompressed") {
    writeFile(legacy / "APPLICATION_COMPLETE", "");
    EventLogFiles log = onlyLog(legacy);
    CHECK(log.layout == LogLayout::LegacyDirectory);
    CHECK(log.path == legacy);
    CHECK(fileNames(log.parts) == std::vector<std::string>{"EVENT_LOG_1", "EVENT_LOG_2", "EVENT_LOG_10"});
    CHECK(log.sparkVersionHint == "1.2.0");
    CHECK(log.codec == Codec::None);
    CHECK_FALSE(log.inProgress);
    CHECK(log.warnings == std::vector<std::string>{"EVENT_LOG_3 to EVENT_LOG_9 are missing; events may be lost"});
  }
  SECTION("without APPLICATION_COMPLETE it is in progress") {
    CHECK(onlyLog(legacy).inProgress);
  }
  SECTION("codec named by class, as Spark 1.x wrote it") {
    writeFile(legacy / "COMPRESSION_CODEC_org.apache.spark.io.LZFCompressionCodec", "");
    CHECK(onlyLog(legacy).codec == Codec::Lzf);
  }
  SECTION("codec named by short name") {
    writeFile(legacy / "COMPRESSION_CODEC_snappy", "");
    CHECK(onlyLog(legacy).codec == Codec::Snappy);
  }
  SECTION("unknown codec") {
    writeFile(legacy / "COMPRESSION_CODEC_com.example.Brotli", "");
    CHECK_THROWS_WITH(discoverEventLogs(legacy), Catch::Contains("unknown compression codec 'com.example.Brotli'"));
    Discovery walked = discoverEventLogs(dir.path());
    CHECK(walked.logs.empty());
    CHECK_THAT(skippedByName(walked, dir.path())["local-1422981759269"], Catch::Contains("unknown compression codec"));
  }
}

TEST_CASE("log layout accepts a log directory named with a trailing slash", "[collector][log_layout]") {
  TempDir dir;
  writeFile(dir / "eventlog_v2_app" / "events_1_app", kEventLine);
  EventLogFiles log = onlyLog((dir / "eventlog_v2_app").string() + "/");
  CHECK(log.layout == LogLayout::Rolling);
  CHECK(log.path == dir / "eventlog_v2_app");
}

TEST_CASE("log layout walks a folder and says why it skips files", "[collector][log_layout]") {
  TempDir dir;
  const fs::path& root = dir.path();
  writeFile(root / "app-20240101000000-0001", "named like Spark, content not checked here");
  writeFile(root / "local-1700000000000.zstd.inprogress", "");
  writeFile(root / "my_renamed_log", std::string("\xEF\xBB\xBF  ") + kEventLine);
  writeFile(root / "compressed_eventlog.zstd", "compressed content is not sniffed");
  writeFile(root / "notes.txt", "hello\n");
  writeFile(root / "empty", "");
  writeFile(root / "expectation.json", "{\n  \"id\" : \"local-1\"\n}\n");
  writeFile(root / "zstd_without_suffix", "\x28\xb5\x2f\xfd more");
  writeFile(root / "archive", "\x1f\x8b\x08 more");
  writeFile(root / ".hidden_log", kEventLine);
  writeFile(root / ".git" / "config", "");
  writeFile(root / "appstatus_local-1", "");
  writeFile(root / "nested" / "deeper" / "eventlog_v2_local-2" / "events_1_local-2", kEventLine);
  writeFile(root / "nested" / "legacy" / "EVENT_LOG_1", kEventLine);
  writeFile(root / "nested" / "legacy" / "APPLICATION_COMPLETE", "");
  writeFile(root / "nested" / "legacy" / "extra.txt", "");

  Discovery discovery = discoverEventLogs(root);
  std::vector<std::string> logs;
  for (const auto& log : discovery.logs) logs.push_back(log.path.lexically_relative(root).string());
  CHECK(logs == std::vector<std::string>{"app-20240101000000-0001", "compressed_eventlog.zstd",
                                         "local-1700000000000.zstd.inprogress", "my_renamed_log",
                                         "nested/deeper/eventlog_v2_local-2", "nested/legacy"});
  CHECK(discovery.logs[2].inProgress);
  CHECK(discovery.logs[2].codec == Codec::Zstd);
  CHECK(discovery.logs[4].layout == LogLayout::Rolling);
  CHECK(discovery.logs[5].layout == LogLayout::LegacyDirectory);

  auto skipped = skippedByName(discovery, root);
  CHECK(skipped == std::map<std::string, std::string>{
                       {".git", "hidden directory"},
                       {".hidden_log", "hidden file"},
                       {"appstatus_local-1", "marker file of a rolling log"},
                       {"archive", "not an event log (gzip file; Spark does not write gzip event logs)"},
                       {"empty", "not an event log (empty file, and its name is not a Spark log name)"},
                       {"expectation.json", "not an event log (name and content)"},
                       {"nested/legacy/extra.txt", "not part of the legacy log directory"},
                       {"notes.txt", "not an event log (name and content)"},
                       {"zstd_without_suffix",
                        "not an event log by name (zstd data without a .zstd suffix; rename it to end in .zstd)"},
                   });
  CHECK(std::is_sorted(discovery.skipped.begin(), discovery.skipped.end(),
                       [](const auto& a, const auto& b) { return a.path < b.path; }));
}

TEST_CASE("log layout survives a symbolic link loop", "[collector][log_layout]") {
  TempDir dir;
  writeFile(dir / "logs" / "local-1", kEventLine);
  fs::create_directory_symlink(dir / "logs", dir / "logs" / "again");
  fs::create_symlink(dir / "missing", dir / "logs" / "dangling");
  Discovery discovery = discoverEventLogs(dir / "logs");
  REQUIRE(discovery.logs.size() == 1);
  auto skipped = skippedByName(discovery, dir / "logs");
  CHECK(skipped["again"] == "directory already walked (reached again through a symbolic link)");
  CHECK(skipped["dangling"] == "broken symbolic link");
}

TEST_CASE("log layout reports a missing path with a hint", "[collector][log_layout]") {
  TempDir dir;
  fs::path missing = dir / "no-such-log";
  try {
    discoverEventLogs(missing);
    FAIL("expected a UserError");
  } catch (const UserError& error) {
    CHECK(std::string(error.what()) == missing.string() + ": no such file or directory");
    CHECK(error.location().file == missing.string());
    CHECK(error.hint() == "check the path; jobtuner ingest takes files or directories");
  }
  writeFile(dir / "plain-file", "");
  CHECK_THROWS_WITH(discoverEventLogs(dir / "plain-file" / "below"), Catch::Contains("no such file or directory"));
}

TEST_CASE("log layout reports a file that cannot be opened", "[collector][log_layout]") {
  // A socket cannot be opened for reading, even by root, so this holds under any user.
  TempDir dir;
  fs::path socketPath = dir / "local-1";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  REQUIRE(socketPath.string().size() < sizeof(address.sun_path));
  std::strcpy(address.sun_path, socketPath.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  CHECK_THROWS_WITH(discoverEventLogs(socketPath), Catch::Contains(socketPath.string() + ": cannot read the file"));
  Discovery walked = discoverEventLogs(dir.path());
  CHECK(walked.logs.empty());
  CHECK(skippedByName(walked, dir.path())["local-1"] == "not a regular file");
  ::close(fd);
}

TEST_CASE("log layout reports a directory that cannot be read", "[collector][log_layout]") {
  if (::geteuid() == 0) {
    WARN("skipped: running as root, which reads any directory");
    return;
  }
  TempDir dir;
  fs::create_directories(dir / "locked");
  fs::permissions(dir / "locked", fs::perms::none);
  CHECK_THROWS_WITH(discoverEventLogs(dir / "locked"), Catch::Contains("cannot read the directory"));
  Discovery walked = discoverEventLogs(dir.path());
  CHECK_THAT(skippedByName(walked, dir.path())["locked"], Catch::StartsWith("cannot read directory"));
  fs::permissions(dir / "locked", fs::perms::owner_all);
}

TEST_CASE("log layout finds every event log of the corpus", "[collector][log_layout][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  Discovery discovery = discoverEventLogs(*corpus);
  std::map<LogLayout, int> byLayout;
  std::map<Codec, int> byCodec;
  for (const auto& log : discovery.logs) {
    ++byLayout[log.layout];
    ++byCodec[log.codec];
    INFO(log.path.string());
    CHECK_FALSE(log.inProgress);
    CHECK(log.warnings.empty());
  }
  // MANIFEST.md lists 56 event logs: 5 legacy directories and 4 rolling ones among them.
  CHECK(discovery.logs.size() == 56);
  CHECK(byLayout[LogLayout::LegacyDirectory] == 5);
  CHECK(byLayout[LogLayout::Rolling] == 4);
  CHECK(byCodec[Codec::Zstd] == 19);
  for (const auto& log : discovery.logs) {
    if (log.layout == LogLayout::LegacyDirectory) CHECK(log.sparkVersionHint == "1.2.0");
  }
  // Everything skipped is the manifest or a History Server answer, never a file of a log.
  for (const auto& skipped : discovery.skipped) {
    std::string relative = skipped.path.lexically_relative(*corpus).string();
    INFO(relative << ": " << skipped.reason);
    CHECK((relative == "MANIFEST.md" || relative.starts_with("expectations/")));
    CHECK(skipped.reason == "not an event log (name and content)");
  }
  CHECK(discovery.skipped.size() == 58);
}

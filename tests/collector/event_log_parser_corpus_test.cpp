// Every event log of the Spark corpus (../shared/spark-events, see its MANIFEST.md) through the
// parser: the TaskEnd and failed-task counts, Spark versions and completeness must match the
// MANIFEST, and no line of any Spark version may make the parser throw.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "collector/event_log_parser.h"
#include "support/test_support.h"

using jobtuner::collector::EventLogParser;
using jobtuner::collector::TaskSink;
namespace fs = std::filesystem;

namespace {

struct CorpusLog {
  const char* path;       // under spark-events/; a trailing '/' marks a directory log
  int64_t taskEndEvents;  // MANIFEST "TaskEnd events"
  int64_t failedTasks;    // MANIFEST "failed tasks" (every non-Success end reason)
  const char* sparkVersion;  // from LogStart or Databricks metadata; "" when the log has none
  bool completed;         // has ApplicationEnd
};

// Copied from the MANIFEST's tables.
const CorpusLog kCorpus[] = {
    {"apache-spark/app-20161116163331-0000", 24, 8, "2.1.0-SNAPSHOT", true},
    {"apache-spark/app-20200706201101-0003", 48, 0, "3.1.0-SNAPSHOT", true},
    {"apache-spark/application_1516285256255_0012", 24, 4, "2.3.0-SNAPSHOT", true},
    {"apache-spark/application_1553914137147_0018", 6, 0, "3.0.0-SNAPSHOT", true},
    {"apache-spark/application_1555004656427_0144", 0, 0, "3.0.0-SNAPSHOT", true},
    {"apache-spark/application_1578436911597_0052", 6, 0, "3.0.0-SNAPSHOT", true},
    {"apache-spark/local-1422981759269", 33, 0, "", true},
    {"apache-spark/local-1422981780767", 32, 1, "", true},
    {"apache-spark/local-1425081759269", 33, 0, "", true},
    {"apache-spark/local-1426533911241", 8, 0, "", true},
    {"apache-spark/local-1426633911242", 8, 0, "", true},
    {"apache-spark/local-1430917381534", 110, 0, "1.4.0-SNAPSHOT", true},
    {"apache-spark/local-1430917381535_1", 0, 0, "1.4.0-SNAPSHOT", true},
    {"apache-spark/local-1430917381535_2", 0, 0, "1.4.0-SNAPSHOT", true},
    {"apache-spark/local-1642039451826", 35, 0, "3.3.0-SNAPSHOT", true},
    {"apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_1", 0, 0, "3.4.0-SNAPSHOT", true},
    {"apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_2", 0, 0, "3.4.0-SNAPSHOT", false},
    {"apache-spark/spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_1", 0, 0, "3.4.0-SNAPSHOT", false},
    {"apache-spark/spark-events-broken/previous-attempt-incomplete/application_1656321732247_0006_2", 0, 0, "3.4.0-SNAPSHOT", true},
    {"apache-spark/sql-core-spark-events/local-1596020211915", 24, 0, "3.1.0-SNAPSHOT", true},
    {"apache-spark-historic/application_1506645932520_24630151", 9, 0, "2.4.0-SNAPSHOT", true},
    {"apache-spark-historic/local-1422981759269/", 33, 0, "", true},
    {"apache-spark-historic/local-1422981780767/", 32, 1, "", true},
    {"apache-spark-historic/local-1425081759269/", 33, 0, "", true},
    {"apache-spark-historic/local-1426533911241/", 8, 0, "", true},
    {"apache-spark-historic/local-1426633911242/", 8, 0, "", true},
    {"spark-rapids-tools/spark-events-profiling/gpu_oom_eventlog.zstd", 12416, 113, "3.3.1", true},
    {"spark-rapids-tools/spark-events-profiling/malformed_json_eventlog.zstd", 217, 0, "3.1.1", true},
    {"spark-rapids-tools/spark-events-profiling/nds_q66_gpu.zstd", 12987, 0, "3.1.3", true},
    {"spark-rapids-tools/spark-events-profiling/rp_sql_eventlog.zstd", 217, 0, "3.1.1", true},
    {"spark-rapids-tools/spark-events-profiling/spark2-eventlog.zstd", 6, 0, "2.2.3", true},
    {"spark-rapids-tools/spark-events-profiling/tasks_executors_fail_compressed_eventlog.zstd", 8630, 53, "3.1.1", true},
    {"spark-rapids-tools/spark-events-qualification/aqeshuffle_eventlog.zstd", 26, 0, "3.2.1", true},
    {"spark-rapids-tools/spark-events-qualification/cluster_information/eventlog_4nodes_8cores_dynamic_alloc.zstd", 235, 0, "3.2.1", true},
    {"spark-rapids-tools/spark-events-qualification/dsAndDf_eventlog.zstd", 651, 0, "3.1.1", true},
    {"spark-rapids-tools/spark-events-qualification/eventlog_v2_local-1623876083964/", 2801, 0, "3.1.1", true},
    {"spark-rapids-tools/spark-events-qualification/jdbc_eventlog.zstd", 203, 0, "3.1.1", true},
    {"spark-rapids-tools/spark-events-qualification/multiple_attempts/attempt_1_eventlog.zstd", 107, 0, "3.3.0-amzn-0", true},
    {"spark-rapids-tools/spark-events-qualification/multiple_attempts/attempt_2_eventlog.zstd", 107, 0, "3.3.0-amzn-0", true},
    {"spark-rapids-tools/spark-events-qualification/multiple_attempts/attempt_3_eventlog.zstd", 107, 0, "3.3.0-amzn-0", true},
    {"spark-rapids-tools/spark-events-qualification/multiple_attempts/attempt_4_eventlog.zstd", 107, 0, "3.3.0-amzn-0", true},
    {"spark-rapids-tools/spark-events-qualification/nds_q72_dataproc_2_2.zstd", 13504, 0, "3.5.3", true},
    {"spark-rapids-tools/spark-events-qualification/nds_q88_photon_db_13_3.zstd", 4896, 0, "3.4.1", false},
    {"spark-rapids-tools/spark-events-qualification/python_udf_eventlog", 2, 0, "3.5.5", true},
    {"spark-rapids-tools/spark-events-qualification/truncated_eventlog", 21, 0, "3.1.1", false},
    {"spark-rapids-tools/spark-events-qualification/udf_func_eventlog", 54, 0, "3.1.1", true},
    {"sparklint/application_1472176676028_407508_1", 612, 0, "1.6.1", true},
    {"sparklint/directory_source/event_log_1", 98, 1, "1.5.2", true},
    {"sparklint/spark_event_log_example", 204, 0, "1.5.2", true},
    {"dr-elephant/event_log_1", 10, 0, "1.5.1", true},
    {"sparklens/local-1532512550423", 8, 0, "2.3.0", true},
    {"mcp-apache-spark-history-server/cli-e2e-spark-events/local-1776286786993.zstd", 52, 12, "4.1.0", true},
    {"mcp-apache-spark-history-server/cli-e2e-spark-events/local-1776286804625.zstd", 50, 12, "4.1.0", true},
    {"mcp-apache-spark-history-server/eventlog_v2_spark-110be3a8424d4a2789cb88134418217b/", 39, 0, "3.5.3", true},
    {"mcp-apache-spark-history-server/eventlog_v2_spark-bcec39f6201b42b9925124595baad260/", 2, 0, "3.5.3", true},
    {"mcp-apache-spark-history-server/eventlog_v2_spark-cc4d115f011443d787f03a71a476a745/", 73, 0, "3.5.3", true},
};

struct CountingSink : TaskSink {
  int64_t ended = 0;
  int64_t failed = 0;
  void addTask(const jobtuner::core::TaskAttempt& task) override {
    if (task.status == jobtuner::core::TaskStatus::Running) return;
    ++ended;
    if (task.status != jobtuner::core::TaskStatus::Success) ++failed;
  }
};

// Feeds a stream line by line; each line gets the padding simdjson needs, as the line reader
// gives it. Line numbers continue across the parts of a rolling log.
class Feeder {
 public:
  explicit Feeder(EventLogParser& parser) : parser_(parser) {}

  bool feedFile(const fs::path& path) {
    bool compressed = path.extension() == ".zstd";
    std::string command = "zstd -dc '" + path.string() + "'";
    FILE* stream = compressed ? ::popen(command.c_str(), "r") : std::fopen(path.c_str(), "rb");
    if (stream == nullptr) return false;
    char* buffer = nullptr;
    size_t bufferSize = 0;
    ssize_t length = 0;
    while ((length = ::getline(&buffer, &bufferSize, stream)) >= 0) {
      std::string_view text(buffer, static_cast<size_t>(length));
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
      line_.reserve(text.size() + 64);
      line_.assign(text);
      parser_.parseLine(line_, line_.capacity(), ++lineNumber_);
    }
    std::free(buffer);
    int status = compressed ? ::pclose(stream) : std::fclose(stream);
    return status == 0;
  }

 private:
  EventLogParser& parser_;
  std::string line_;
  int64_t lineNumber_ = 0;
};

// The files of a log in reading order: rolling logs as events_<N>_* in N order, legacy 1.x
// directories as EVENT_LOG_1.
std::vector<fs::path> partsOf(const fs::path& log, bool directory) {
  if (!directory) return {log};
  if (fs::exists(log / "EVENT_LOG_1")) return {log / "EVENT_LOG_1"};
  std::vector<std::pair<long, fs::path>> parts;
  for (const auto& entry : fs::directory_iterator(log)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("events_", 0) == 0) parts.emplace_back(std::stol(name.substr(7)), entry.path());
  }
  std::sort(parts.begin(), parts.end());
  std::vector<fs::path> paths;
  for (auto& part : parts) paths.push_back(part.second);
  return paths;
}

}  // namespace

TEST_CASE("every corpus log parses with the MANIFEST's TaskEnd counts", "[collector][parser][corpus]") {
  auto corpus = jobtuner::testing::requireCorpus();
  if (!corpus) return;
  if (!jobtuner::testing::requireTool("zstd")) return;

  for (const CorpusLog& log : kCorpus) {
    std::string relative = log.path;
    bool directory = relative.back() == '/';
    fs::path path = *corpus / relative;
    INFO(relative);
    REQUIRE(fs::exists(path));

    CountingSink sink;
    EventLogParser parser(sink);
    Feeder feeder(parser);
    try {
      for (const fs::path& part : partsOf(path, directory)) REQUIRE(feeder.feedFile(part));
    } catch (const std::exception& error) {
      FAIL("parseLine threw: " << error.what());
    }
    jobtuner::core::AppAttempt app = parser.finish(false);

    CHECK(parser.stats().taskEndEvents == log.taskEndEvents);
    CHECK(sink.ended == log.taskEndEvents);
    CHECK(sink.failed == log.failedTasks);
    CHECK(app.engineVersion == log.sparkVersion);
    CHECK(app.completed == log.completed);
    CHECK(parser.sawEvents());
    CHECK_FALSE(app.appId.empty());
    CHECK(parser.stats().unknownEvents <= 1);
    if (relative.find("malformed_json_eventlog") == std::string::npos) {
      CHECK(parser.stats().badLines == 0);
      CHECK(parser.warnings().empty());
    }
  }
}

TEST_CASE("the corpus log with one malformed line warns once, with its line number", "[collector][parser][corpus]") {
  auto corpus = jobtuner::testing::requireCorpus();
  if (!corpus) return;
  if (!jobtuner::testing::requireTool("zstd")) return;

  CountingSink sink;
  EventLogParser parser(sink);
  Feeder feeder(parser);
  REQUIRE(feeder.feedFile(*corpus / "spark-rapids-tools/spark-events-profiling/malformed_json_eventlog.zstd"));
  jobtuner::core::AppAttempt app = parser.finish(false);
  CHECK(parser.stats().badLines == 1);
  REQUIRE(parser.warnings().size() == 1);
  // Line 4 is the EnvironmentUpdate with a stray character before a key.
  CHECK(parser.warnings()[0].line == 4);
  CHECK_THAT(parser.warnings()[0].message, Catch::StartsWith("malformed JSON"));
  // Everything else is read as from the intact copy of the same app.
  CHECK(parser.stats().taskEndEvents == 217);
  CHECK(app.appId == "application_1603128018386_7759");
  CHECK(app.completed);
}

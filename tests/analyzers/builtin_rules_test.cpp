// Each built-in rule fires on a small event log written in Spark's format, and stays silent on a
// healthy one that differs only in what the rule looks at.

#include <catch2/catch.hpp>

#include "analyze_log.h"
#include "support/event_log_builder.h"

namespace jobtuner::analyzers {
namespace {

using testing::EventLogBuilder;
using testing::TaskSpec;
using testing::uniformTasks;

constexpr int64_t kStart = 1700000000000;
constexpr int64_t kGb = 1LL << 30;
constexpr int64_t kMb = 1LL << 20;

EventLogBuilder app() {
  EventLogBuilder builder("app-rules", "rules-test");
  builder.executor("1", "host-1", 4, kStart);
  return builder;
}

std::vector<TaskSpec> tasks(int count, int64_t durationMs, int64_t firstId = 0) {
  // Run side by side, so an app's length is its stages' length.
  std::vector<TaskSpec> specs = uniformTasks(count, firstId, kStart + 1000, durationMs);
  for (TaskSpec& task : specs) task.launchTimeMs = kStart + 1000;
  return specs;
}

Severity severityOf(const std::vector<Finding>& findings, const std::string& rule) {
  std::vector<Finding> matching = findingsOf(findings, rule);
  REQUIRE(matching.size() == 1);
  return matching.front().severity;
}

TEST_CASE("task-duration-skew fires on a slow task and names the ratio; silent on even tasks", "[analyzers][rules]") {
  std::vector<TaskSpec> skewed = tasks(10, 200);
  skewed[3].durationMs = 6000;
  skewed[3].runTimeMs = 5990;
  auto findings = analyzeLogText(app().stage(0, 0, "skewed", skewed).text());
  std::vector<Finding> skew = findingsOf(findings, "task-duration-skew");
  REQUIRE(skew.size() == 1);
  const Finding& finding = skew.front();
  CHECK(finding.severity == Severity::kModerate);
  CHECK(finding.message == "Stage 0.0 (skewed): the slowest of 10 tasks took 6.0 s, 30x the median of 200 ms.");
  CHECK(finding.scope.stageId == 0);
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "even", tasks(10, 6000)).text()), "task-duration-skew").empty());
}

TEST_CASE("shuffle-read-skew fires on one partition with most of the shuffle; silent when even", "[analyzers][rules]") {
  std::vector<TaskSpec> skewed = tasks(10, 1000);
  for (TaskSpec& task : skewed) task.shuffleReadBytes = 10 * kMb;
  skewed[0].shuffleReadBytes = 600 * kMb;
  CHECK(severityOf(analyzeLogText(app().stage(0, 0, "reduce", skewed).text()), "shuffle-read-skew") >= Severity::kModerate);
  std::vector<TaskSpec> even = tasks(10, 1000);
  for (TaskSpec& task : even) task.shuffleReadBytes = 600 * kMb;
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "reduce", even).text()), "shuffle-read-skew").empty());
}

TEST_CASE("input-skew fires on one split far larger than the rest; silent when even", "[analyzers][rules]") {
  std::vector<TaskSpec> skewed = tasks(10, 1000);
  for (TaskSpec& task : skewed) task.inputBytes = 10 * kMb;
  skewed[0].inputBytes = 300 * kMb;
  CHECK(severityOf(analyzeLogText(app().stage(0, 0, "scan", skewed).text()), "input-skew") == Severity::kModerate);
  std::vector<TaskSpec> even = tasks(10, 1000);
  for (TaskSpec& task : even) task.inputBytes = 300 * kMb;
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "scan", even).text()), "input-skew").empty());
}

TEST_CASE("stage-spill grades spill against the stage's data; silent without spill", "[analyzers][rules]") {
  std::vector<TaskSpec> spilling = tasks(4, 1000);
  for (TaskSpec& task : spilling) {
    task.shuffleReadBytes = 100 * kMb;
    task.memorySpilled = kGb;
    task.diskSpilled = 60 * kMb;
  }
  auto findings = analyzeLogText(app().stage(0, 0, "sort", spilling).text());
  CHECK(severityOf(findings, "stage-spill") == Severity::kSevere);  // 240 MB on disk of 400 MB read
  CHECK(findingsOf(findings, "stage-spill").front().message ==
        "Stage 0.0 (sort): 4 of 4 tasks spilled 4.0 GB from memory (240.0 MB on disk) while reading 400.0 MB.");
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "sort", tasks(4, 1000)).text()), "stage-spill").empty());
}

TEST_CASE("gc-pressure rules fire per stage and per executor at Dr. Elephant's shares; silent on little GC", "[analyzers][rules]") {
  std::vector<TaskSpec> collecting = tasks(10, 10'000);
  for (TaskSpec& task : collecting) {
    task.runTimeMs = 10'000;
    task.gcTimeMs = 2'500;
  }
  auto findings = analyzeLogText(app().stage(0, 0, "gc", collecting).text());
  CHECK(severityOf(findings, "gc-pressure-stage") == Severity::kCritical);
  CHECK(severityOf(findings, "gc-pressure-executor") == Severity::kCritical);
  CHECK(findingsOf(findings, "gc-pressure-executor").front().scope.executorId == "1");
  auto quiet = analyzeLogText(app().stage(0, 0, "gc", tasks(10, 10'000)).text());
  CHECK(findingsOf(quiet, "gc-pressure-stage").empty());
  CHECK(findingsOf(quiet, "gc-pressure-executor").empty());
}

TEST_CASE("executor memory rules compare the heap's peak with spark.executor.memory", "[analyzers][rules]") {
  auto withHeap = [](const std::string& memory, int64_t heap) {
    std::vector<TaskSpec> specs = tasks(4, 1000);
    for (TaskSpec& task : specs) task.jvmHeapBytes = heap;
    return analyzeLogText(app().property("spark.executor.memory", memory).stage(0, 0, "s", specs).text());
  };
  CHECK(severityOf(withHeap("8g", kGb), "executor-memory-oversized") == Severity::kModerate);
  CHECK(findingsOf(withHeap("8g", 6 * kGb), "executor-memory-oversized").empty());
  CHECK(severityOf(withHeap("1g", 1000 * kMb), "executor-memory-near-limit") == Severity::kModerate);
  CHECK(findingsOf(withHeap("1g", 500 * kMb), "executor-memory-near-limit").empty());
}

TEST_CASE("lost-executor: a memory kill is critical; a normal removal is silent", "[analyzers][rules]") {
  auto removed = [](const std::string& reason) {
    return analyzeLogText(app().stage(0, 0, "s", tasks(4, 1000)).removeExecutor("1", kStart + 5000, reason).text());
  };
  auto killed = removed("Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used.");
  REQUIRE(severityOf(killed, "lost-executor") == Severity::kCritical);
  CHECK(findingsOf(killed, "lost-executor").front().message.find("(memory_limit)") != std::string::npos);
  CHECK(severityOf(removed("Executor Process Lost"), "lost-executor") == Severity::kSevere);
  CHECK(findingsOf(removed("Executor killed by driver."), "lost-executor").empty());
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "s", tasks(4, 1000)).text()), "lost-executor").empty());
}

TEST_CASE("failure rules: failed tasks, a failed stage, fetch failures; silent when all succeed", "[analyzers][rules]") {
  std::vector<TaskSpec> failing = tasks(4, 1000);
  failing[1].reason = "ExceptionFailure";
  failing[2].reason = "FetchFailed";
  auto findings = analyzeLogText(app().stage(0, 0, "s", failing, "Job aborted due to stage failure").text());
  CHECK(severityOf(findings, "task-failures") == Severity::kSevere);
  CHECK(findingsOf(findings, "task-failures").front().message.find("2 of 4 task attempts failed") != std::string::npos);
  CHECK(severityOf(findings, "stage-failures") == Severity::kModerate);  // fetch failures are retried
  CHECK(severityOf(findings, "fetch-failures") == Severity::kModerate);
  auto healthy = analyzeLogText(app().stage(0, 0, "s", tasks(4, 1000)).text());
  for (const char* rule : {"task-failures", "stage-failures", "fetch-failures"}) CHECK(findingsOf(healthy, rule).empty());
}

TEST_CASE("too-few-partitions fires when a long stage has fewer tasks than cores", "[analyzers][rules]") {
  auto withTasks = [](int count) {
    EventLogBuilder builder("app-rules", "rules-test");
    builder.executor("1", "host-1", 16, kStart);
    return analyzeLogText(builder.stage(0, 0, "s", tasks(count, 60'000)).text());
  };
  CHECK(severityOf(withTasks(2), "too-few-partitions") == Severity::kModerate);
  CHECK(findingsOf(withTasks(16), "too-few-partitions").empty());
}

TEST_CASE("oversized-partitions fires on gigabyte partitions; silent on 100 MB ones", "[analyzers][rules]") {
  auto withRead = [](int64_t bytes) {
    std::vector<TaskSpec> specs = tasks(8, 1000);
    for (TaskSpec& task : specs) task.shuffleReadBytes = bytes;
    return analyzeLogText(app().stage(0, 0, "s", specs).text());
  };
  CHECK(severityOf(withRead(2 * kGb), "oversized-partitions") == Severity::kModerate);
  CHECK(findingsOf(withRead(100 * kMb), "oversized-partitions").empty());
}

TEST_CASE("too-many-small-tasks fires on 5000 tasks of 50 ms; silent on 100", "[analyzers][rules]") {
  CHECK(severityOf(analyzeLogText(app().stage(0, 0, "s", tasks(5000, 50)).text()), "too-many-small-tasks") == Severity::kModerate);
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "s", tasks(100, 50)).text()), "too-many-small-tasks").empty());
}

TEST_CASE("tiny-shuffle-partitions fires on 1000 partitions of a few kilobytes; silent on large ones", "[analyzers][rules]") {
  auto withRead = [](int count, int64_t bytes) {
    std::vector<TaskSpec> specs = tasks(count, 20);
    for (TaskSpec& task : specs) task.shuffleReadBytes = bytes;
    return analyzeLogText(app().stage(0, 0, "s", specs).text());
  };
  CHECK(severityOf(withRead(1000, 4 * 1024), "tiny-shuffle-partitions") == Severity::kModerate);
  CHECK(severityOf(withRead(200, 4 * 1024), "tiny-shuffle-partitions") == Severity::kLow);
  CHECK(findingsOf(withRead(1000, 64LL << 20), "tiny-shuffle-partitions").empty());
  CHECK(findingsOf(withRead(50, 4 * 1024), "tiny-shuffle-partitions").empty());
}

TEST_CASE("serialization-overhead fires when deserializing takes half the task time", "[analyzers][rules]") {
  std::vector<TaskSpec> slow = tasks(10, 10'000);
  for (TaskSpec& task : slow) task.deserializeTimeMs = 5'000;
  CHECK(severityOf(analyzeLogText(app().stage(0, 0, "s", slow).text()), "serialization-overhead") == Severity::kModerate);
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "s", tasks(10, 10'000)).text()), "serialization-overhead").empty());
}

TEST_CASE("stragglers fires on a slow task without more data unless speculation is on", "[analyzers][rules]") {
  std::vector<TaskSpec> straggling = tasks(20, 2'000);
  straggling[5].durationMs = 60'000;
  CHECK(severityOf(analyzeLogText(app().stage(0, 0, "s", straggling).text()), "stragglers") == Severity::kLow);
  CHECK(findingsOf(analyzeLogText(app().property("spark.speculation", "true").stage(0, 0, "s", straggling).text()), "stragglers").empty());
}

TEST_CASE("Spark configuration rules: serializer, dynamic allocation, AQE", "[analyzers][rules]") {
  std::vector<TaskSpec> shuffling = tasks(4, 1000);
  for (TaskSpec& task : shuffling) {
    task.shuffleWriteBytes = kGb;
    task.shuffleReadBytes = kGb;
  }
  auto configured = [&](std::vector<std::pair<std::string, std::string>> properties) {
    EventLogBuilder builder = app();
    for (const auto& [key, value] : properties) builder.property(key, value);
    return analyzeLogText(builder.stage(0, 0, "s", shuffling).text());
  };
  auto defaults = configured({});
  CHECK(severityOf(defaults, "spark-java-serializer") == Severity::kLow);
  CHECK(findingsOf(defaults, "aqe-disabled").empty());  // on by default in Spark 3.2+
  CHECK(findingsOf(defaults, "dynamic-allocation-without-shuffle-service").empty());
  auto tuned = configured({{"spark.serializer", "org.apache.spark.serializer.KryoSerializer"},
                           {"spark.dynamicAllocation.enabled", "true"},
                           {"spark.dynamicAllocation.shuffleTracking.enabled", "true"}});
  CHECK(findingsOf(tuned, "spark-java-serializer").empty());
  CHECK(findingsOf(tuned, "dynamic-allocation-without-shuffle-service").empty());
  auto risky = configured({{"spark.dynamicAllocation.enabled", "true"}, {"spark.sql.adaptive.enabled", "false"}});
  CHECK(severityOf(risky, "dynamic-allocation-without-shuffle-service") == Severity::kModerate);
  CHECK(severityOf(risky, "aqe-disabled") == Severity::kLow);
}

TEST_CASE("idle-executors fires when most cores idle for hours; silent on a busy executor", "[analyzers][rules]") {
  EventLogBuilder idle("app-rules", "rules-test");
  for (int i = 1; i <= 10; ++i) idle.executor(std::to_string(i), "host", 8, kStart);
  auto findings = analyzeLogText(idle.stage(0, 0, "s", tasks(1, 3'600'000)).text());
  CHECK(severityOf(findings, "idle-executors") == Severity::kSevere);
  EventLogBuilder busy("app-rules", "rules-test");
  busy.executor("1", "host", 1, kStart);
  CHECK(findingsOf(analyzeLogText(busy.stage(0, 0, "s", tasks(1, 3'600'000)).text()), "idle-executors").empty());
}

TEST_CASE("driver-side-time fires when no task runs for most of the app", "[analyzers][rules]") {
  std::vector<TaskSpec> later = uniformTasks(2, 10, kStart + 600'000, 1000);
  auto findings = analyzeLogText(app().stage(0, 0, "early", tasks(2, 1000)).stage(1, 1, "late", later).text());
  CHECK(severityOf(findings, "driver-side-time") == Severity::kSevere);
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "s", tasks(2, 600'000)).text()), "driver-side-time").empty());
}

TEST_CASE("event-loss fires on a log without its end; silent on a whole one", "[analyzers][rules]") {
  CHECK(severityOf(analyzeLogText(app().stage(0, 0, "s", tasks(2, 1000)).withoutEnd().text()), "event-loss") == Severity::kLow);
  CHECK(findingsOf(analyzeLogText(app().stage(0, 0, "s", tasks(2, 1000)).text()), "event-loss").empty());
}

}  // namespace
}  // namespace jobtuner::analyzers

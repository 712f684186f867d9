// The runtime under injected faults, end to end through the real binary: executors SIGKILLed at
// random moments (chaos), killed more often than task_max_failures allows, hung (no heartbeats),
// task attempts that fail, and an executor killed by the memory watchdog. Every surviving run's
// output equals the fault-free run's; the event log shows each loss and retry as Spark writes it;
// no executor process of a run outlives it.

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "support/output_rows.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using nlohmann::json;

namespace {

struct FaultWorkspace {
  TempDir dir;
  fs::path home = dir / "home";
  fs::path job = dir / "job.yaml";

  FaultWorkspace() {
    fs::create_directories(home);
    std::mt19937 random(11);
    std::string text = "order_id,customer,amount\n";
    for (int i = 0; i < 20000; ++i) {
      int customer = random() % 4 == 0 ? 7 : static_cast<int>(random() % 300);
      text += fmt::format("{},{},{}.{:02d}\n", i, customer, random() % 1000, random() % 100);
    }
    writeFile(dir / "sales.csv", text);
    std::string customers = "customer,tier\n";
    for (int c = 0; c < 300; c += 2) customers += fmt::format("{},{}\n", c, c % 3 == 0 ? "gold" : "silver");
    writeFile(dir / "customers.csv", customers);
    // Three shuffles (aggregate, join, sort) over many small tasks, so kills land mid-stage.
    writeFile(job, fmt::format(R"yaml(name: faulty
sources:
  sales: {{path: {0}/sales.csv, schema: {{order_id: int64, customer: int64, amount: "decimal(10,2)"}}}}
  customers: {{path: {0}/customers.csv}}
from: sales
steps:
  - aggregate: {{name: by-customer, by: [customer], compute: {{orders: "count()", revenue: "sum(amount)"}}}}
  - join: {{name: with-tier, with: customers, on: [customer], type: left}}
  - sort: [revenue desc, customer]
)yaml",
                               dir.path().string()));
  }

  /// Runs the job with the profile text; `--json` summary in `out`.
  CommandResult run(const std::string& name, const std::string& profile) {
    fs::path profilePath = dir / (name + ".profile.yaml");
    writeFile(profilePath,
              "executors: 2\nexecutor_cores: 2\nshuffle_partitions: 6\nmax_partition_bytes: 16k\n"
              "broadcast_threshold: -1\n" +
                  profile);
    return runJobtuner({"--db", (home / "jobtuner.db").string(), "run", job.string(), "--profile",
                        profilePath.string(), "--output", (dir / name).string(), "--quiet", "--json"},
                       home);
  }
};

/// The events of the run's event log, one JSON object each.
std::vector<json> eventsOf(const CommandResult& result) {
  json summary = json::parse(result.out);
  std::ifstream in(summary.at("event_log").get<std::string>());
  std::vector<json> events;
  for (std::string line; std::getline(in, line);) events.push_back(json::parse(line));
  return events;
}

struct TaskEnd {
  int stage = 0;
  int index = 0;
  int attempt = 0;
  std::string reason;
};

std::vector<TaskEnd> taskEnds(const std::vector<json>& events) {
  std::vector<TaskEnd> ends;
  for (const json& event : events) {
    if (event.at("Event") != "SparkListenerTaskEnd") continue;
    const json& info = event.at("Task Info");
    ends.push_back({event.at("Stage ID").get<int>(), info.at("Index").get<int>(), info.at("Attempt").get<int>(),
                    event.at("Task End Reason").at("Reason").get<std::string>()});
  }
  return ends;
}

std::vector<std::string> removalReasons(const std::vector<json>& events) {
  std::vector<std::string> reasons;
  for (const json& event : events) {
    if (event.at("Event") == "SparkListenerExecutorRemoved") reasons.push_back(event.at("Removed Reason"));
  }
  return reasons;
}

/// Every failed attempt of kind `reason` was retried: a later attempt of the same task succeeded.
bool everyFailureRetried(const std::vector<TaskEnd>& ends, const std::string& reason) {
  for (const TaskEnd& failed : ends) {
    if (failed.reason != reason) continue;
    bool retried = std::any_of(ends.begin(), ends.end(), [&](const TaskEnd& end) {
      return end.stage == failed.stage && end.index == failed.index && end.attempt > failed.attempt &&
             end.reason == "Success";
    });
    if (!retried) return false;
  }
  return true;
}

size_t countReason(const std::vector<TaskEnd>& ends, const std::string& reason) {
  return static_cast<size_t>(
      std::count_if(ends.begin(), ends.end(), [&](const TaskEnd& end) { return end.reason == reason; }));
}

}  // namespace

TEST_CASE("chaos: executors SIGKILLed at random moments never change the output", "[run][faults]") {
  FaultWorkspace work;
  CommandResult clean = work.run("clean", "");
  REQUIRE(clean.exitCode == 0);
  std::vector<Row> expected = readOutputRows(work.dir / "clean");
  REQUIRE(expected.size() == 300);
  for (int seed = 1; seed <= 20; ++seed) {
    // At most task_max_failures - 1 kills, so no task can fail four times.
    int kills = 1 + seed % 3;
    std::string name = fmt::format("chaos-{}", seed);
    CAPTURE(seed, kills);
    CommandResult result = work.run(name, fmt::format("faults: {{seed: {}, kill_executors: {}}}\n", seed, kills));
    INFO(result.out << result.err);
    requireSameOutput(result, work.dir / name, expected);
    CHECK(json::parse(result.out).at("fault_seed") == seed);
    std::vector<json> events = eventsOf(result);
    std::vector<TaskEnd> ends = taskEnds(events);
    CHECK(countReason(ends, "ExecutorLostFailure") >= 1);
    CHECK(everyFailureRetried(ends, "ExecutorLostFailure"));
    size_t killed = 0;
    for (const std::string& reason : removalReasons(events)) {
      killed += reason == "the executor process exited: killed by signal 9 (SIGKILL)" ? 1 : 0;
    }
    // A kill drawn late may find no executor running tasks again before the job ends.
    CHECK(killed >= 1);
    CHECK(killed <= static_cast<size_t>(kills));
    CHECK(processesMentioning(work.home.string()).empty());
  }
}

TEST_CASE("kills beyond task_max_failures fail the job clearly and commit nothing", "[run][faults]") {
  FaultWorkspace work;
  // Every attempt of one task loses its executor; the fourth failure ends the job.
  CommandResult result = work.run("doomed",
                                  "faults:\n  kill_executor:\n"
                                  "    - {stage: 0, partition: 0, attempt: 0}\n"
                                  "    - {stage: 0, partition: 0, attempt: 1}\n"
                                  "    - {stage: 0, partition: 0, attempt: 2}\n"
                                  "    - {stage: 0, partition: 0, attempt: 3}\n");
  INFO(result.out << result.err);
  CHECK(result.exitCode != 0);
  json summary = json::parse(result.out);
  CHECK_THAT(summary.at("failure").get<std::string>(),
             Catch::StartsWith("Task 0 in stage 0 failed 4 times, most recently: ExecutorLostFailure (executor"));
  CHECK_THAT(summary.at("failure").get<std::string>(), Catch::EndsWith("killed by signal 9 (SIGKILL)"));
  CHECK_FALSE(fs::exists(work.dir / "doomed" / "_SUCCESS"));
  CHECK_FALSE(fs::exists(work.dir / "doomed"));
  std::vector<TaskEnd> ends = taskEnds(eventsOf(result));
  CHECK(std::count_if(ends.begin(), ends.end(), [](const TaskEnd& end) {
          return end.stage == 0 && end.index == 0 && end.reason == "ExecutorLostFailure";
        }) == 4);
  CHECK(processesMentioning(work.home.string()).empty());
}

TEST_CASE("a hung executor is lost when its heartbeats stop, and its tasks rerun", "[run][faults]") {
  FaultWorkspace work;
  CommandResult clean = work.run("clean", "");
  REQUIRE(clean.exitCode == 0);
  CommandResult result = work.run("hung",
                                  "heartbeat_interval: 100ms\nnetwork_timeout: 1s\n"
                                  "faults:\n  hang_executor: [{stage: 1, partition: 2}]\n");
  INFO(result.out << result.err);
  requireSameOutput(result, work.dir / "hung", readOutputRows(work.dir / "clean"));
  std::vector<json> events = eventsOf(result);
  std::vector<std::string> reasons = removalReasons(events);
  CHECK(std::any_of(reasons.begin(), reasons.end(), [](const std::string& reason) {
    return reason.rfind("Executor heartbeat timed out after ", 0) == 0;
  }));
  std::vector<TaskEnd> ends = taskEnds(events);
  CHECK(countReason(ends, "ExecutorLostFailure") >= 1);
  CHECK(everyFailureRetried(ends, "ExecutorLostFailure"));
  CHECK(processesMentioning(work.home.string()).empty());
}

TEST_CASE("a failing task attempt is retried; one failing every attempt fails the job with its error",
          "[run][faults]") {
  FaultWorkspace work;
  CommandResult clean = work.run("clean", "");
  REQUIRE(clean.exitCode == 0);
  CommandResult once = work.run("once", "faults:\n  fail_task: [{stage: 3, partition: 1}]\n");
  INFO(once.out << once.err);
  requireSameOutput(once, work.dir / "once", readOutputRows(work.dir / "clean"));
  std::vector<TaskEnd> ends = taskEnds(eventsOf(once));
  CHECK(countReason(ends, "ExceptionFailure") == 1);
  CHECK(everyFailureRetried(ends, "ExceptionFailure"));

  CommandResult always = work.run("always",
                                  "task_max_failures: 2\nfaults:\n"
                                  "  fail_task: [{stage: 3, partition: 1}, {stage: 3, partition: 1, attempt: 1}]\n");
  CHECK(always.exitCode != 0);
  CHECK_THAT(json::parse(always.out).at("failure").get<std::string>(),
             Catch::Contains("Task 1 in stage 3 failed 2 times, most recently: injected failure (faults.fail_task"));
  CHECK_FALSE(fs::exists(work.dir / "always"));
}

TEST_CASE("a hanging task attempt does not keep its executor from exiting when the job fails", "[run][faults]") {
  FaultWorkspace work;
  CommandResult result = work.run("hang", "task_max_failures: 1\nfaults:\n"
                                          "  hang_task: [{stage: 0, partition: 0}]\n"
                                          "  fail_task: [{stage: 0, partition: 1}]\n");
  CHECK(result.exitCode != 0);
  CHECK(processesMentioning(work.home.string()).empty());
}

TEST_CASE("a fault aimed at a task the job does not have is an error before anything runs", "[run][faults]") {
  FaultWorkspace work;
  CommandResult result = work.run("nowhere", "faults:\n  fail_task: [{stage: 2, partition: 1}]\n");
  CHECK(result.exitCode == 2);
  CHECK_THAT(result.err, Catch::Contains("faults.fail_task names partition 1 of stage 2 (scan-customers), which has 1 task"));
  CHECK_FALSE(fs::exists(work.home / "runs"));
}

TEST_CASE("rss: a hot key too big for the join's build side loses executors to the memory limit, until given memory",
          "[run][faults][rss]") {
  TempDir dir;
  fs::path home = dir / "home";
  fs::create_directories(home);
  // The join's build side: one key holds 980,000 rows of 100 bytes (about 100 MB of text, more in
  // memory), which one task must hold whole — a build side does not spill.
  {
    std::ofstream events(dir / "events.csv");
    events << "key,payload\n";
    std::string payload(100, 'x');
    for (int i = 0; i < 1'000'000; ++i) events << (i % 50 == 0 ? fmt::format("k{}", i) : std::string("hot")) << ',' << payload << '\n';
  }
  writeFile(dir / "keys.csv", "key,label\nhot,the hot one\nk0,first\n");
  writeFile(dir / "job.yaml", fmt::format(R"yaml(name: hot-build
sources:
  keys: {{path: {0}/keys.csv}}
  events: {{path: {0}/events.csv}}
from: keys
steps:
  - join: {{name: with-events, with: events, on: [key]}}
  - aggregate: {{by: [key], compute: {{rows: "count()"}}}}
)yaml",
                                          dir.path().string()));
  auto run = [&](const std::string& name, const std::string& memory) {
    return runJobtuner({"--db", (home / "jobtuner.db").string(), "run", (dir / "job.yaml").string(), "--output",
                        (dir / name).string(), "--quiet", "--json", "--set", "broadcast_threshold=-1", "--set",
                        "shuffle_partitions=4", "--set", "max_partition_bytes=4m", "--set", "executor_memory=" + memory,
                        "--set", "memory_overhead=32m"},
                       home);
  };
  CommandResult starved = run("starved", "16m");
  INFO(starved.out << starved.err);
  CHECK(starved.exitCode != 0);
  std::string failure = json::parse(starved.out).at("failure");
  CHECK_THAT(failure, Catch::Contains("failed 4 times, most recently: ExecutorLostFailure"));
  CHECK_THAT(failure, Catch::Contains("Reason: Container killed by jobtuner: exceeded memory limit 48.0 MB (used "));
  CHECK_FALSE(fs::exists(dir / "starved"));
  size_t memoryKills = 0;
  for (const std::string& reason : removalReasons(eventsOf(starved))) {
    memoryKills += reason.rfind("Container killed by jobtuner: exceeded memory limit 48.0 MB (used ", 0) == 0 ? 1 : 0;
  }
  CHECK(memoryKills == 4);
  CHECK(processesMentioning(home.string()).empty());

  CommandResult ample = run("ample", "1g");
  INFO(ample.out << ample.err);
  REQUIRE(ample.exitCode == 0);
  std::vector<Row> rows = readOutputRows(dir / "ample");
  std::sort(rows.begin(), rows.end());
  CHECK(rows == std::vector<Row>{{"hot", "980000"}, {"k0", "1"}});
}

TEST_CASE("speculation: a copy of a slowed attempt wins, the original is killed, the output is unchanged",
          "[run][faults][speculation]") {
  FaultWorkspace work;
  CommandResult clean = work.run("clean", "");
  REQUIRE(clean.exitCode == 0);
  std::vector<Row> expected = readOutputRows(work.dir / "clean");
  const std::string slow = "faults:\n  slow_task: [{stage: 0, partition: 3, delay: 20s}, {stage: 5, partition: 2, delay: 20s}]\n";
  CommandResult speculated = work.run("speculated", "speculation: true\n" + slow);
  INFO(speculated.out << speculated.err);
  requireSameOutput(speculated, work.dir / "speculated", expected);
  // Both slowed attempts (a map task and a sink task) lost to a speculative copy.
  std::vector<json> events = eventsOf(speculated);
  for (auto [stage, index] : {std::pair{0, 3}, std::pair{5, 2}}) {
    CAPTURE(stage, index);
    bool copyWon = false;
    bool originalKilled = false;
    for (const json& event : events) {
      if (event.at("Event") != "SparkListenerTaskEnd" || event.at("Stage ID") != stage) continue;
      const json& info = event.at("Task Info");
      if (info.at("Index") != index) continue;
      const json& reason = event.at("Task End Reason");
      if (info.at("Speculative") == true && reason.at("Reason") == "Success") copyWon = true;
      if (info.at("Attempt") == 0 && reason.at("Reason") == "TaskKilled") {
        originalKilled = reason.at("Kill Reason") == "another attempt succeeded";
      }
    }
    CHECK(copyWon);
    CHECK(originalKilled);
  }
  // Only the winner's part file was committed.
  size_t partFiles = 0;
  for (const auto& entry : fs::directory_iterator(work.dir / "speculated")) {
    partFiles += entry.path().filename().string().rfind("part-", 0) == 0 ? 1 : 0;
    CHECK(entry.path().filename().string().find("attempt") == std::string::npos);
  }
  CHECK(partFiles == 6);
  CHECK(processesMentioning(work.home.string()).empty());
}
TEST_CASE("a lost or corrupt map output is recomputed: the reading stage fails its attempt and is resubmitted",
          "[run][faults][fetch]") {
  FaultWorkspace work;
  CommandResult clean = work.run("clean", "");
  REQUIRE(clean.exitCode == 0);
  std::vector<Row> expected = readOutputRows(work.dir / "clean");
  auto fault = GENERATE(std::string("lose_map_output"), std::string("corrupt_map_output"));
  CAPTURE(fault);
  CommandResult result = work.run(fault, fmt::format("faults:\n  {}: [{{stage: 0, partition: 2}}]\n", fault));
  INFO(result.out << result.err);
  requireSameOutput(result, work.dir / fault, expected);
  bool fetchFailed = false;
  bool readerAttemptFailed = false;
  bool mapRecomputed = false;
  bool readerResubmitted = false;
  for (const json& event : eventsOf(result)) {
    std::string name = event.at("Event");
    if (name == "SparkListenerTaskEnd" && event.at("Task End Reason").at("Reason") == "FetchFailed") {
      const json& reason = event.at("Task End Reason");
      fetchFailed = event.at("Stage ID") == 1 && reason.at("Shuffle ID") == 0 && reason.at("Map ID") == 2;
    }
    if (name == "SparkListenerStageCompleted") {
      const json& info = event.at("Stage Info");
      if (info.at("Stage ID") == 1 && info.at("Stage Attempt ID") == 0) {
        readerAttemptFailed = info.value("Failure Reason", "").find("FetchFailed (shuffle 0, map 2") == 0;
      }
      if (info.at("Stage ID") == 1 && info.at("Stage Attempt ID") == 1) readerResubmitted = !info.contains("Failure Reason");
    }
    if (name == "SparkListenerTaskEnd" && event.at("Stage ID") == 0 && event.at("Stage Attempt ID") == 1) {
      mapRecomputed = event.at("Task Info").at("Index") == 2 && event.at("Task End Reason").at("Reason") == "Success";
    }
  }
  CHECK(fetchFailed);
  CHECK(readerAttemptFailed);
  CHECK(mapRecomputed);
  CHECK(readerResubmitted);
}

// The runtime's processes, end to end: the driver refuses a connection without the run's secret,
// a driver killed with SIGKILL leaves no executor or sidecar behind and no committed output (and
// the store keeps what the sidecar received), and the collector sidecar stores a run live with
// Spark's numbers, exactly as ingesting its event log afterwards would.

#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "collector/ingest.h"
#include "collector/store.h"
#include "core/errors.h"
#include "core/local_channel.h"
#include "runtime/child_process.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using jobtuner::runtime::ChildProcess;

namespace {

/// A job that runs for a while: a few million rows, grouped and sorted.
struct SlowRun {
  TempDir dir;
  fs::path home = dir / "home";
  fs::path output = dir / "out";
  fs::path job = dir / "slow.yaml";

  SlowRun() {
    fs::create_directories(home);
    std::ofstream data(dir / "events.csv");
    data << "user,amount\n";
    std::string chunk;
    for (int i = 0; i < 3'000'000; ++i) {
      chunk += std::to_string(i % 100'003) + "," + std::to_string(i % 977) + ".25\n";
      if (chunk.size() > (1 << 20)) {
        data << chunk;
        chunk.clear();
      }
    }
    data << chunk;
    data.close();
    writeFile(job, fmt::format("name: slow\nsources:\n  events: {{path: {}/events.csv}}\nsteps:\n"
                               "  - aggregate: {{by: [user], compute: {{total: \"sum(amount)\"}}}}\n"
                               "  - sort: [total desc]\n",
                               dir.path().string()));
  }

  ChildProcess start() {
    jobtuner::runtime::SpawnOptions options;
    options.logFile = dir / "run.log";
    options.extraEnvironment = {"JOBTUNER_HOME=" + home.string()};
    return ChildProcess::spawn({JOBTUNER_BINARY, "--db", (dir / "jobtuner.db").string(), "run", job.string(), "--output",
                                output.string(), "--quiet", "--set", "shuffle_partitions=8", "--set",
                                "max_partition_bytes=2m"},
                               options);
  }

  /// Waits for the run directory's driver socket; empty after 30 s.
  fs::path driverSocket() const {
    for (int i = 0; i < 300; ++i) {
      if (fs::exists(home / "runs")) {
        for (const auto& run : fs::directory_iterator(home / "runs")) {
          fs::path socket = run.path() / "sockets" / "driver.sock";
          if (fs::exists(socket)) return socket;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {};
  }
};
}  // namespace

TEST_CASE("the driver refuses a connection that does not prove the run's secret", "[run][processes]") {
  SlowRun run;
  ChildProcess driver = run.start();
  fs::path socket = run.driverSocket();
  REQUIRE_FALSE(socket.empty());
  REQUIRE_THROWS_WITH(jobtuner::core::connectLocal(socket, std::string(64, '0'), R"({"executor":99})", 10'000),
                      Catch::Contains("refused"));
  // The run itself is not disturbed.
  REQUIRE(driver.wait() == 0);
  REQUIRE(fs::exists(run.output / "_SUCCESS"));
}

TEST_CASE("killing the driver with SIGKILL leaves no executor or sidecar behind and no committed output",
          "[run][processes]") {
  SlowRun run;
  ChildProcess driver = run.start();
  fs::path socket = run.driverSocket();
  REQUIRE_FALSE(socket.empty());
  // Executors name the driver's socket, the sidecar its own: both name the run's socket folder.
  std::string sockets = socket.parent_path().string();
  for (int i = 0; i < 300 && processesMentioning(sockets).size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(processesMentioning(sockets).size() == 3);  // two executors and the sidecar
  // While the job runs, the store already shows it, incomplete, with the tasks that have ended.
  int64_t tasksBeforeKill = 0;
  for (int i = 0; i < 600 && tasksBeforeKill == 0; ++i) {
    for (const auto& app : jobtuner::collector::Store::open(run.dir / "jobtuner.db")->listApps()) {
      if (!app.completed) tasksBeforeKill = app.tasks;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(tasksBeforeKill > 0);
  driver.kill(SIGKILL);
  driver.wait();
  std::vector<int> left;
  for (int i = 0; i < 100; ++i) {
    left = processesMentioning(sockets);
    if (left.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(left.empty());
  REQUIRE_FALSE(fs::exists(run.output / "_SUCCESS"));
  REQUIRE_FALSE(fs::exists(run.output));
  // Nothing the sidecar had received is lost: the run stays in the store, incomplete.
  auto apps = jobtuner::collector::Store::open(run.dir / "jobtuner.db")->listApps();
  REQUIRE(apps.size() == 1);
  CHECK_FALSE(apps[0].completed);
  CHECK(apps[0].tasks >= tasksBeforeKill);
  CHECK(apps[0].path.ends_with(".inprogress"));
}

TEST_CASE("a run's event log is stored with its stages, tasks and metrics", "[run]") {
  TempDir dir;
  writeFile(dir / "sales.csv", "customer,amount\n1,2.50\n2,3.00\n1,4.25\n3,1.00\n1,1.00\n");
  writeFile(dir / "job.yaml", fmt::format("name: stored\nsources:\n  sales: {{path: {}/sales.csv}}\nsteps:\n"
                                          "  - aggregate: {{name: by-customer, by: [customer], compute: {{total: \"sum(amount)\"}}}}\n",
                                          dir.path().string()));
  fs::path db = dir / "jobtuner.db";
  CommandResult result = runJobtuner({"--db", db.string(), "run", (dir / "job.yaml").string(), "--output",
                                      (dir / "out").string(), "--json", "--set", "shuffle_partitions=2"},
                                     dir / "home");
  INFO(result.out << result.err);
  REQUIRE(result.exitCode == 0);
  nlohmann::json summary = nlohmann::json::parse(result.out);
  std::string appId = summary["app_id"];
  REQUIRE(summary["stored"] == true);
  REQUIRE(summary["output_records"] == 3);
  REQUIRE(fs::exists(summary["event_log"].get<std::string>()));

  CommandResult stages = runJobtuner({"--db", db.string(), "api", "/applications/" + appId + "/stages"});
  INFO(stages.err);
  REQUIRE(stages.exitCode == 0);
  nlohmann::json list = nlohmann::json::parse(stages.out);
  REQUIRE(list.size() == 2);
  int64_t shuffleWritten = 0, shuffleRead = 0, input = 0, output = 0;
  for (const auto& stage : list) {
    REQUIRE(stage["status"] == "COMPLETE");
    // Both stages aggregate (map-side and final): their hash tables' peaks are measured.
    CHECK(stage["peakExecutionMemory"].get<int64_t>() > 0);
    shuffleWritten += stage["shuffleWriteBytes"].get<int64_t>();
    shuffleRead += stage["shuffleReadBytes"].get<int64_t>();
    input += stage["inputRecords"].get<int64_t>();
    output += stage["outputRecords"].get<int64_t>();
  }
  REQUIRE(input == 5);
  REQUIRE(output == 3);
  REQUIRE(shuffleWritten > 0);
  REQUIRE(shuffleRead == shuffleWritten);
  CommandResult apps = runJobtuner({"--db", db.string(), "api", "/applications/" + appId});
  REQUIRE(apps.out.find("\"stored\"") != std::string::npos);

  // The sidecar stored the run live; ingesting its event log afterwards stores exactly the same.
  REQUIRE(result.err.find("ingesting the event log instead") == std::string::npos);
  auto ingested = jobtuner::collector::Store::open(dir / "ingested.db");
  jobtuner::collector::ingestPath(*ingested, summary["event_log"].get<std::string>(), {});
  CHECK(jobtuner::collector::Store::open(db)->dumpForComparison() == ingested->dumpForComparison());
}

TEST_CASE("the store names the heaviest keys of a skewed join's shuffle", "[run]") {
  TempDir dir;
  std::string events = "user,amount\n";
  for (int i = 0; i < 1000; ++i) events += fmt::format("{},{}\n", i % 10 < 7 ? 7 : i, i % 13);
  writeFile(dir / "events.csv", events);
  std::string users = "user,country\n";
  for (int i = 0; i < 1000; ++i) users += fmt::format("{},c{}\n", i, i % 5);
  writeFile(dir / "users.csv", users);
  writeFile(dir / "job.yaml", fmt::format("name: skewed-join\nsources:\n  events: {{path: {0}/events.csv}}\n"
                                          "  users: {{path: {0}/users.csv}}\nfrom: events\nsteps:\n"
                                          "  - join: {{with: users, on: [user]}}\n",
                                          dir.path().string()));
  fs::path db = dir / "jobtuner.db";
  CommandResult run = runJobtuner({"--db", db.string(), "run", (dir / "job.yaml").string(), "--output",
                                   (dir / "out").string(), "--json", "--set", "broadcast_threshold=-1", "--set",
                                   "shuffle_partitions=4"},
                                  dir / "home");
  INFO(run.out << run.err);
  REQUIRE(run.exitCode == 0);
  std::string appId = nlohmann::json::parse(run.out)["app_id"];
  CommandResult show = runJobtuner({"--db", db.string(), "show", appId, "--json"});
  REQUIRE(show.exitCode == 0);
  nlohmann::json keys = nlohmann::json::parse(show.out)["shuffle_keys"];
  REQUIRE_FALSE(keys.empty());
  // The events side's shuffle lists user 7 first, with nearly all of its 700 rows: a Misra–Gries
  // sketch undercounts by at most records / capacity.
  REQUIRE(keys[0]["key"] == "7");
  CHECK(keys[0]["records"].get<int64_t>() >= 650);
  CHECK(keys[0]["records"].get<int64_t>() <= 700);
  CHECK(keys[1]["records"].get<int64_t>() <= 2);
  CommandResult text = runJobtuner({"--db", db.string(), "show", appId});
  CHECK(text.out.find("heaviest keys of shuffle") != std::string::npos);
}

TEST_CASE("the collector sidecar refuses to start without the run's secret or a driver", "[run][collect]") {
  TempDir dir;
  // Without a secret on standard input (runJobtuner gives it /dev/null).
  CommandResult noSecret = runJobtuner({"--db", (dir / "jobtuner.db").string(), "collect", "--listen",
                                        (dir / "c.sock").string(), "--event-log", (dir / "app-1").string()});
  CHECK(noSecret.exitCode == 2);
  CHECK(noSecret.err.find("no run secret on standard input") != std::string::npos);
  CHECK(noSecret.err.find("\"level\":\"error\"") != std::string::npos);  // a JSON log line

  // With a secret but no driver connecting in time.
  jobtuner::runtime::SpawnOptions options;
  options.logFile = dir / "collector.log";
  options.stdinData = std::string(64, 'a') + "\n";
  ChildProcess sidecar = ChildProcess::spawn({JOBTUNER_BINARY, "--db", (dir / "jobtuner.db").string(), "collect",
                                              "--listen", (dir / "c.sock").string(), "--event-log",
                                              (dir / "app-1").string(), "--accept-timeout-ms", "200"},
                                             options);
  CHECK(sidecar.wait() == 3);
  CHECK(readFile(dir / "collector.log").find("no driver connected") != std::string::npos);
}

TEST_CASE("a run whose sidecar cannot open the store says so and still finishes", "[run][collect]") {
  TempDir dir;
  writeFile(dir / "sales.csv", "customer,amount\n1,2.50\n2,3.00\n");
  writeFile(dir / "job.yaml", fmt::format("name: no-store\nsources:\n  sales: {{path: {}/sales.csv}}\n", dir.path().string()));
  writeFile(dir / "not-a-store.db", "this is not an SQLite file, and the sidecar must not write into it\n");
  CommandResult result = runJobtuner({"--db", (dir / "not-a-store.db").string(), "run", (dir / "job.yaml").string(),
                                      "--output", (dir / "out").string(), "--quiet"},
                                     dir / "home");
  INFO(result.out << result.err);
  CHECK(result.exitCode == 0);
  CHECK(fs::exists(dir / "out" / "_SUCCESS"));
  CHECK(result.err.find("the collector sidecar exited at start (exit code 2); ingesting the event log instead") !=
        std::string::npos);
  CHECK(result.err.find("the run's event log was not stored") != std::string::npos);
  CHECK(readFile(dir / "not-a-store.db").starts_with("this is not an SQLite file"));
}

// Jobs whose input is many times their executors' execution memory, end to end through the real
// binary: a skewed aggregation and a global sort complete by spilling, report what they spilled
// and the time blocked in the memory manager (gc_time_ms), write what the same jobs write with
// ample memory, leave no spill file, and (on builds without sanitizers, tests named "rss: ...")
// keep every executor's peak resident memory within executor_memory + memory_overhead.

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "support/output_rows.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

constexpr int64_t kMiB = 1LL << 20;

/// About 13 MB: 550k orders, a third of them from customer 7, the rest over 150k customers.
void writeOrders(const fs::path& path) {
  std::mt19937 random(5);
  std::ofstream out(path);
  out << "order_id,customer,amount,note\n";
  std::string chunk;
  for (int i = 0; i < 550'000; ++i) {
    int customer = random() % 3 == 0 ? 7 : static_cast<int>(random() % 150'000);
    chunk += fmt::format("{},{},{}.{:02d},n{}\n", i, customer, random() % 10'000, random() % 100, random() % 1000);
    if (chunk.size() > kMiB) {
      out << chunk;
      chunk.clear();
    }
  }
  out << chunk;
}

/// Executors of 16m with memory_fraction 0.1 have 1.2 MB of execution and storage memory, shared
/// by two task threads: the input is eleven times that, and every task's groups or rows are more.
const std::vector<std::string> kStarved = {"--set", "executor_memory=16m", "--set", "memory_fraction=0.1"};
/// The resident-memory limit (executor_memory + memory_overhead) the rss test holds executors to.
/// Elsewhere the overhead is ample: under sanitizers an executor's RSS is mostly shadow memory,
/// and the driver would kill it for that.
const std::string kTightOverhead = "memory_overhead=48m";
const std::string kLooseOverhead = "memory_overhead=2g";
const std::vector<std::string> kAmple = {"--set", "executor_memory=1g", "--set", kLooseOverhead};

std::vector<std::string> starvedWith(const std::string& overhead) {
  std::vector<std::string> settings = kStarved;
  settings.insert(settings.end(), {"--set", overhead});
  return settings;
}

struct SpillMetrics {
  int64_t memoryBytesSpilled = 0;
  int64_t diskBytesSpilled = 0;
  int64_t gcTimeMs = 0;
  int tasks = 0;
};

struct JobRun {
  CommandResult result;
  fs::path runDir;
  SpillMetrics metrics;
  std::vector<int64_t> executorPeakRss;
};

class SpillWorkspace {
 public:
  SpillWorkspace() {
    fs::create_directories(home_);
    writeOrders(dir_ / "orders.csv");
  }

  fs::path job(const std::string& name, const std::string& steps) {
    fs::path path = dir_ / (name + ".yaml");
    writeFile(path, fmt::format("name: {}\nsources:\n  orders:\n    path: {}/orders.csv\n"
                                "    schema: {{order_id: int64, customer: int64, amount: \"decimal(10,2)\", note: string}}\n"
                                "from: orders\nsteps:\n{}",
                                name, dir_.path().string(), steps));
    return path;
  }

  JobRun run(const fs::path& job, const std::string& output, const std::vector<std::string>& memory) {
    std::vector<std::string> args = {"--db", (home_ / "jobtuner.db").string(), "run", job.string(), "--output",
                                     (dir_ / output).string(), "--overwrite", "--json", "--set", "executors=2",
                                     "--set", "executor_cores=2", "--set", "shuffle_partitions=4", "--set",
                                     "max_partition_bytes=4m"};
    args.insert(args.end(), memory.begin(), memory.end());
    JobRun run;
    run.result = runJobtuner(args, home_);
    INFO(run.result.out << run.result.err);
    REQUIRE(run.result.exitCode == 0);
    fs::path eventLog = nlohmann::json::parse(run.result.out)["event_log"].get<std::string>();
    run.runDir = eventLog.parent_path();
    std::ifstream events(eventLog);
    std::string line;
    while (std::getline(events, line)) {
      nlohmann::json event = nlohmann::json::parse(line);
      if (event["Event"] != "SparkListenerTaskEnd") continue;
      const nlohmann::json& metrics = event["Task Metrics"];
      run.metrics.memoryBytesSpilled += metrics["Memory Bytes Spilled"].get<int64_t>();
      run.metrics.diskBytesSpilled += metrics["Disk Bytes Spilled"].get<int64_t>();
      run.metrics.gcTimeMs += metrics["JVM GC Time"].get<int64_t>();
      ++run.metrics.tasks;
    }
    for (const auto& entry : fs::directory_iterator(run.runDir)) {
      if (entry.path().filename().string().rfind("executor-", 0) != 0) continue;
      std::ifstream log(entry.path());
      while (std::getline(log, line)) {
        nlohmann::json logged = nlohmann::json::parse(line, nullptr, false);
        if (!logged.is_discarded() && logged.contains("peak_rss_bytes")) {
          run.executorPeakRss.push_back(logged["peak_rss_bytes"].get<int64_t>());
        }
      }
    }
    return run;
  }

  fs::path operator/(const std::string& name) const { return dir_ / name; }

 private:
  TempDir dir_;
  fs::path home_ = dir_ / "home";
};

bool anySpillFile(const fs::path& runDir) {
  for (const auto& entry : fs::recursive_directory_iterator(runDir)) {
    if (entry.path().extension() == ".spill") return true;
  }
  return false;
}

const std::string kSkewedAggregate = R"yaml(  - aggregate:
      name: by-customer
      by: [customer]
      compute: {orders: "count()", revenue: "sum(amount)", biggest: "max(amount)", mean: "avg(amount)", first: "min(note)"}
)yaml";

const std::string kSort = R"yaml(  - sort: [amount desc, order_id]
  - select: [order_id, amount, customer]
)yaml";

}  // namespace

TEST_CASE("a skewed aggregation and a sort ten times larger than execution memory spill and match", "[run][spill]") {
  SpillWorkspace work;
  fs::path aggregate = work.job("skewed", kSkewedAggregate);
  fs::path sort = work.job("sorted", kSort);

  JobRun starvedAggregate = work.run(aggregate, "agg-starved", starvedWith(kLooseOverhead));
  JobRun ampleAggregate = work.run(aggregate, "agg-ample", kAmple);
  CHECK(compareRows(readOutputRows(work / "agg-starved"), readOutputRows(work / "agg-ample")).empty());

  JobRun starvedSort = work.run(sort, "sort-starved", starvedWith(kLooseOverhead));
  JobRun ampleSort = work.run(sort, "sort-ample", kAmple);
  // Part files in partition order are the global order: compared row by row.
  std::vector<Row> spilledOrder = readOutputRows(work / "sort-starved");
  std::vector<Row> inMemoryOrder = readOutputRows(work / "sort-ample");
  REQUIRE(spilledOrder.size() == inMemoryOrder.size());
  auto firstDifference = std::mismatch(spilledOrder.begin(), spilledOrder.end(), inMemoryOrder.begin()).first;
  CHECK(firstDifference - spilledOrder.begin() == static_cast<std::ptrdiff_t>(spilledOrder.size()));

  for (const JobRun* run : {&starvedAggregate, &ampleAggregate, &starvedSort, &ampleSort}) {
    CHECK_FALSE(anySpillFile(run->runDir));
    CHECK(run->executorPeakRss.size() == 2);  // each executor logged its peak at exit
  }
  for (auto [starved, ample] : {std::pair{&starvedAggregate, &ampleAggregate}, std::pair{&starvedSort, &ampleSort}}) {
    INFO("spilled " << starved->metrics.memoryBytesSpilled << " bytes in memory, " << starved->metrics.diskBytesSpilled
                    << " on disk; gc_time_ms " << starved->metrics.gcTimeMs << " starved, " << ample->metrics.gcTimeMs
                    << " with ample memory");
    CHECK(starved->metrics.memoryBytesSpilled > 0);
    CHECK(starved->metrics.diskBytesSpilled > 0);
    CHECK(ample->metrics.memoryBytesSpilled == 0);
    CHECK(ample->metrics.diskBytesSpilled == 0);
    // Blocked time is measured, not modelled: present when tasks spill, next to none when not.
    CHECK(starved->metrics.gcTimeMs > 0);
    CHECK(ample->metrics.gcTimeMs * 10 <= starved->metrics.gcTimeMs);
  }
}

TEST_CASE("rss: spilling executors stay within executor_memory + memory_overhead", "[run][spill][rss]") {
  SpillWorkspace work;
  int64_t limit = 16 * kMiB + 48 * kMiB;
  for (const std::string& steps : {kSkewedAggregate, kSort}) {
    JobRun starved = work.run(work.job("job", steps), "out", starvedWith(kTightOverhead));
    REQUIRE(starved.metrics.diskBytesSpilled > 0);
    REQUIRE(starved.executorPeakRss.size() == 2);
    for (int64_t peak : starved.executorPeakRss) {
      INFO("executor peak RSS " << peak / kMiB << " MB, limit " << limit / kMiB << " MB");
      CHECK(peak > 0);
      CHECK(peak <= limit);
    }
  }
}

// jobtuner report and compare through the binary; every page is also opened in headless Chromium
// (tests/browser/check_page.mjs), which fails on a console error, a dialog or any request.

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "core/key_redaction.h"
#include "support/browser_check.h"
#include "support/event_log_builder.h"
#include "support/test_support.h"

using namespace jobtuner::testing;
using json = nlohmann::json;

namespace {

/// Where screenshots go: the build tree, kept after the test for a person to look at.
fs::path screenshotPath(const std::string& name) {
  fs::path dir = fs::current_path() / "report-screenshots";
  fs::create_directories(dir);
  return dir / (name + ".png");
}

/// Opens the page on a laptop-sized screen and on a phone: no console error, dialog or request, one
/// script of its own, and on the phone nothing wider than the screen.
void requireCleanInBrowser(const fs::path& page, const std::string& name) {
  if (!requireBrowser()) return;
  for (bool mobile : {false, true}) {
    std::string shot = name + (mobile ? "-phone" : "");
    BrowserCheck check = checkPageInBrowser(page, screenshotPath(shot), mobile);
    INFO(shot << ": " << check.result.dump(2) << check.err);
    CHECK(check.exitCode == 0);
    CHECK(check.ok);
    CHECK(check.result["dom"]["scripts"] == 1);
    CHECK(check.result["dom"]["images"] == 0);
    CHECK(check.result["dom"]["eventHandlerAttributes"] == 0);
    CHECK(check.result["dom"]["horizontalOverflow"] == false);
    CHECK(fs::file_size(screenshotPath(shot)) > 0);
  }
}

/// The rule parameters that let a small test run show skew, as a user would set them.
void writeSmallDataRules(const fs::path& dir) {
  fs::create_directories(dir);
  writeFile(dir / "small.yaml", "- override: shuffle-read-skew\n  params: {min_bytes: 1kb, min_records: 100}\n");
}

/// An app whose stage 1 reads a skewed shuffle that stage 0 wrote, with `hotKey` its heaviest key.
std::string skewedShuffleLog(const std::string& appId, const std::string& appName, const std::string& hotKey,
                             const std::string& failure = {}) {
  std::vector<TaskSpec> map = uniformTasks(4, 0, 1700000000100, 200);
  for (TaskSpec& task : map) task.shuffleWriteBytes = 4 << 20;
  std::vector<TaskSpec> reduce = uniformTasks(8, 10, 1700000001000, 100);
  for (TaskSpec& task : reduce) task.shuffleReadBytes = 1 << 20;
  reduce[3].shuffleReadBytes = 40 << 20;
  reduce[3].durationMs = 3000;
  std::string keySketch = json{{"Event", "org.jobtuner.KeySketch"},
                               {"Shuffle ID", 0},
                               {"Stage ID", 0},
                               {"Keys", json::array({json{{"Key", hotKey}, {"Records", 900}, {"Bytes", 30 << 20}}})}}
                              .dump();
  return EventLogBuilder(appId, appName)
      .property("spark.ssl.keyStorePassword", "hunter2-secret")
      .executor("1", "host-1", 2, 1700000000000)
      .stage(0, 0, "map " + appName, map)
      .rawLine(keySketch)
      .stage(1, 1, "reduce " + appName, reduce, failure, {0})
      .text();
}

}  // namespace

TEST_CASE("report of a runtime run: findings with charts, advice, stages, and a clean page", "[e2e][report][run]") {
  TempDir dir;
  fs::path data = dir / "shop";
  REQUIRE(runProgram(JOBTUNER_DATAGEN_BINARY, {"shop", "--out", data.string(), "--rows", "20000"}).exitCode == 0);
  std::string db = (dir / "store.db").string();
  fs::path job = fs::path(JOBTUNER_SOURCE_DIR) / "jobs/order-enrichment/job.yaml";
  writeFile(dir / "profile.yaml", "executors: 2\nshuffle_partitions: 32\nsteps:\n  enrich-with-products: {broadcast: false}\n");
  fs::path first = runOnRuntime(dir, db, job, dir / "profile.yaml", data);
  writeSmallDataRules(dir / "rules");

  fs::path page = dir / "first.html";
  CommandResult reported = runJobtuner({"--db", db, "report", first.string(), "-o", page.string(), "--rules", (dir / "rules").string()},
                                       dir / "home");
  INFO(reported.out << reported.err);
  REQUIRE(reported.exitCode == 0);
  std::string html = readFile(page);
  CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#39;none&#39;") != std::string::npos);
  CHECK(html.find("order-enrichment") != std::string::npos);
  CHECK(html.find("shuffle-read-skew") != std::string::npos);
  CHECK(html.find("href=\"#chart-partitions-") != std::string::npos);  // the skew finding links to its chart
  CHECK(html.find("id=\"chart-timeline\"") != std::string::npos);
  CHECK(html.find("Advice for the next run") != std::string::npos);
  CHECK(html.find("enrich-with-products") != std::string::npos);
  CHECK(html.find("Compared with the earlier run") == std::string::npos);  // the job's first run
  requireCleanInBrowser(page, "runtime-run");

  // The second run, with the advised profile, is compared with the first.
  CommandResult advised = runJobtuner({"--db", db, "advise", first.string(), "--format", "profile", "--write",
                                       (dir / "advised.yaml").string(), "--rules", (dir / "rules").string()},
                                      dir / "home");
  REQUIRE(advised.exitCode == 0);
  fs::path second = runOnRuntime(dir, db, job, dir / "advised.yaml", data);
  fs::path secondPage = dir / "second.html";
  reported = runJobtuner({"--db", db, "report", second.string(), "-o", secondPage.string(), "--rules", (dir / "rules").string()},
                         dir / "home");
  REQUIRE(reported.exitCode == 0);
  html = readFile(secondPage);
  CHECK(html.find("Compared with the earlier run") != std::string::npos);
  CHECK(html.find("Settings changed") != std::string::npos);
  requireCleanInBrowser(secondPage, "runtime-comparison");

  CommandResult compared = runJobtuner({"--db", db, "compare", first.string(), second.string(), "--json", "--rules",
                                        (dir / "rules").string()},
                                       dir / "home");
  INFO(compared.out << compared.err);
  REQUIRE(compared.exitCode == 0);
  json comparison = json::parse(compared.out);
  CHECK(comparison["before"]["succeeded"] == true);
  CHECK(comparison["after"]["succeeded"] == true);
  CHECK(comparison["speedup"].get<double>() > 0);
  CHECK_FALSE(comparison["settings"].empty());
  CHECK_FALSE(comparison["stages"].empty());
  bool skewGone = false;
  for (const json& finding : comparison["findings"]) {
    if (finding["rule"] == "shuffle-read-skew" && finding["change"] == "gone") skewGone = true;
  }
  CHECK(skewGone);
  CommandResult text = runJobtuner({"--db", db, "compare", first.string(), second.string()}, dir / "home");
  CHECK(text.exitCode == 0);
  CHECK(text.out.find("wall time") != std::string::npos);
}

TEST_CASE("reports of real Spark logs render cleanly in a browser", "[e2e][report][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  const std::vector<std::string> logs = {
      "spark-rapids-tools/spark-events-profiling/tasks_executors_fail_compressed_eventlog.zstd",
      "sparklint/application_1472176676028_407508_1",
      "apache-spark/application_1516285256255_0012",
      "apache-spark/spark-events-broken/last-attempt-incomplete/application_1656321732247_0006_2",
  };
  TempDir dir;
  std::string db = (dir / "store.db").string();
  for (const std::string& log : logs) {
    DYNAMIC_SECTION(log) {
      fs::path page = dir / (fs::path(log).filename().string() + ".html");
      CommandResult reported = runJobtuner({"--db", db, "report", (*corpus / log).string(), "-o", page.string()}, dir / "home");
      INFO(reported.out << reported.err);
      REQUIRE(reported.exitCode == 0);
      std::string html = readFile(page);
      CHECK(html.find("id=\"findings\"") != std::string::npos);
      CHECK(html.find("id=\"chart-timeline\"") != std::string::npos);
      requireCleanInBrowser(page, "corpus-" + fs::path(log).filename().string());
    }
  }
}

TEST_CASE("a report escapes hostile names and keeps secrets redacted", "[e2e][report][safety]") {
  const std::string script = "<script>alert(1)</script>";
  const std::string image = "\"><img src=x onerror=alert(2)>";
  const std::string title = "</title><script>alert(3)</script>";
  // Stage 1 reads a skewed shuffle whose heaviest key is hostile, and fails with a hostile reason.
  std::string log = skewedShuffleLog("app-hostile", script + image + title, script + image + title,
                                     "Job aborted: " + script + image + title);
  TempDir dir;
  fs::path logPath = dir / "app-hostile";
  writeFile(logPath, log);
  writeSmallDataRules(dir / "rules");
  fs::path page = dir / "hostile.html";
  CommandResult reported = runJobtuner({"--db", (dir / "store.db").string(), "report", logPath.string(), "-o", page.string(), "--rules",
                                        (dir / "rules").string()},
                                       dir / "home");
  INFO(reported.out << reported.err);
  REQUIRE(reported.exitCode == 0);
  std::string html = readFile(page);
  for (const std::string& hostile : {script, image, title, std::string("<img"), std::string("onerror=")}) {
    INFO(hostile);
    CHECK(html.find(hostile) == std::string::npos);
  }
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);  // shown, as text
  CHECK(html.find("hunter2-secret") == std::string::npos);
  CHECK(html.find("spark.ssl.keyStorePassword") != std::string::npos);
  CHECK(html.find("*********(redacted)") != std::string::npos);
  requireCleanInBrowser(page, "hostile");
}

TEST_CASE("report --redact-keys shows hot keys as stable hashes and stores the real ones", "[e2e][report][safety]") {
  TempDir dir;
  const std::string key = "customer-4711@example.com";
  writeFile(dir / "app-keys", skewedShuffleLog("app-keys", "keys", key));
  writeSmallDataRules(dir / "rules");
  std::string db = (dir / "store.db").string();
  fs::path page = dir / "redacted.html";
  CommandResult reported = runJobtuner({"--db", db, "report", (dir / "app-keys").string(), "-o", page.string(), "--redact-keys",
                                        "--rules", (dir / "rules").string()},
                                       dir / "home");
  INFO(reported.out << reported.err);
  REQUIRE(reported.exitCode == 0);
  std::string html = readFile(page);
  CHECK(html.find("customer-4711") == std::string::npos);
  CHECK(html.find(jobtuner::core::hashedKey(key)) != std::string::npos);
  CHECK(jobtuner::core::hashedKey(key) == jobtuner::core::hashedKey(key));
  CHECK(jobtuner::core::hashedKey(key) != jobtuner::core::hashedKey("customer-4712@example.com"));
  // The findings the report's analysis stored still name the key.
  CommandResult findings = runJobtuner({"--db", db, "findings", "--json"}, dir / "home");
  REQUIRE(findings.exitCode == 0);
  CHECK(findings.out.find(key) != std::string::npos);
  // Without the flag the key is shown.
  reported = runJobtuner({"--db", db, "report", "app-keys", "-o", page.string(), "--rules", (dir / "rules").string()}, dir / "home");
  REQUIRE(reported.exitCode == 0);
  CHECK(readFile(page).find("customer-4711@example.com") != std::string::npos);
}

TEST_CASE("report: bad targets and outputs get a clear error and write nothing", "[e2e][report][errors]") {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  CommandResult unknown = runJobtuner({"--db", db, "report", "no-such-app", "-o", (dir / "x.html").string()}, dir / "home");
  CHECK(unknown.exitCode == 2);
  CHECK(unknown.err.find("no-such-app") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "x.html"));

  CommandResult noOutput = runJobtuner({"--db", db, "report", "no-such-app"}, dir / "home");
  CHECK(noOutput.exitCode == 2);
  CHECK(noOutput.err.find("--output") != std::string::npos);

  writeFile(dir / "app-ok", EventLogBuilder("app-ok", "ok").executor("1", "h", 1, 1700000000000).stage(0, 0, "s", uniformTasks(2, 0, 1700000000100, 50)).text());
  CommandResult badDir = runJobtuner({"--db", db, "report", (dir / "app-ok").string(), "-o", (dir / "missing/x.html").string()}, dir / "home");
  CHECK(badDir.exitCode != 0);
  CHECK(badDir.err.find("missing") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "missing"));

  CommandResult compareUnknown = runJobtuner({"--db", db, "compare", "app-nope", (dir / "app-ok").string()}, dir / "home");
  CHECK(compareUnknown.exitCode == 2);
  CHECK(compareUnknown.err.find("app-nope") != std::string::npos);
}

TEST_CASE("the digest lists the window's apps, the worst findings, each job's trend and its regression", "[e2e][report][digest]") {
  TempDir dir;
  std::string db = (dir / "store.db").string();
  const int64_t day = 24LL * 3600 * 1000;
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  // Three nightly runs of one job; the last takes five times as long. An old run of another job
  // lies outside the window.
  for (int night = 0; night < 3; ++night) {
    int64_t start = now - (3 - night) * day / 4;
    int64_t taskMs = night == 2 ? 2500 : 500;
    std::string log = EventLogBuilder(fmt::format("app-nightly-{}", night), "nightly-etl")
                          .startTime(start)
                          .executor("1", "host-1", 2, start + 10)
                          .stage(0, 0, "load", uniformTasks(4, 0, start + 100, taskMs))
                          .text();
    writeFile(dir / fmt::format("app-nightly-{}", night), log);
  }
  writeFile(dir / "app-old", EventLogBuilder("app-old", "monthly-report")
                                 .startTime(now - 40 * day)
                                 .executor("1", "host-1", 1, now - 40 * day + 10)
                                 .stage(0, 0, "s", uniformTasks(2, 0, now - 40 * day + 100, 100))
                                 .text());
  for (const char* name : {"app-nightly-0", "app-nightly-1", "app-nightly-2", "app-old"}) {
    REQUIRE(runJobtuner({"--db", db, "ingest", (dir / name).string()}, dir / "home").exitCode == 0);
  }
  fs::path page = dir / "digest.html";
  CommandResult digest = runJobtuner({"--db", db, "report", "--digest", "--since", "7d", "-o", page.string()}, dir / "home");
  INFO(digest.out << digest.err);
  REQUIRE(digest.exitCode == 0);
  std::string html = readFile(page);
  CHECK(html.find("app-nightly-2") != std::string::npos);
  CHECK(html.find("app-old") == std::string::npos);
  CHECK(html.find("3 apps ran since") != std::string::npos);
  CHECK(html.find("nightly-etl") != std::string::npos);
  CHECK(html.find(">regressed</span>") != std::string::npos);
  CHECK(html.find("class=\"sparkline\"") != std::string::npos);
  requireCleanInBrowser(page, "digest");

  CommandResult withTarget = runJobtuner({"--db", db, "report", "--digest", "app-old", "-o", page.string()}, dir / "home");
  CHECK(withTarget.exitCode == 2);
  CHECK(withTarget.err.find("--digest covers every app in the window, and 'app-old' names one") != std::string::npos);
  CommandResult noTarget = runJobtuner({"--db", db, "report", "-o", page.string()}, dir / "home");
  CHECK(noTarget.exitCode == 2);
  CHECK(noTarget.err.find("report needs the run or app to report on") != std::string::npos);
  CommandResult badSince = runJobtuner({"--db", db, "report", "--digest", "--since", "yesterday", "-o", page.string()}, dir / "home");
  CHECK(badSince.exitCode == 2);
  CHECK(badSince.err.find("yesterday") != std::string::npos);
}

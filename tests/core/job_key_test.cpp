#include "core/job_key.h"

#include <catch2/catch.hpp>

using jobtuner::core::normalizeAppName;
using jobtuner::core::sparkJobKey;

TEST_CASE("dates in app names become <date>", "[core][job_key]") {
  CHECK(normalizeAppName("daily-etl-2024-03-01") == "daily-etl-<date>");
  CHECK(normalizeAppName("daily-etl-2024-03-02") == "daily-etl-<date>");
  CHECK(normalizeAppName("sales_report_20240301") == "sales_report_<date>");
  CHECK(normalizeAppName("backfill 2024/03/01 orders") == "backfill <date> orders");
  CHECK(normalizeAppName("events_2024_03_01") == "events_<date>");
}

TEST_CASE("timestamps and times of day become <time>", "[core][job_key]") {
  CHECK(normalizeAppName("ingest-2024-03-01T12:30:00Z") == "ingest-<time>");
  CHECK(normalizeAppName("ingest 2024-03-01T12:30:00.123+02:00 retry") == "ingest <time> retry");
  CHECK(normalizeAppName("load 2024-03-01 12:30:00") == "load <time>");
  CHECK(normalizeAppName("export 20240301T123000Z") == "export <time>");
  CHECK(normalizeAppName("hourly rollup 12:30:00") == "hourly rollup <time>");
  CHECK(normalizeAppName("hourly rollup 07:05") == "hourly rollup <time>");
  // Standalone-mode app ids carry yyyyMMddHHmmss.
  CHECK(normalizeAppName("app-20161116163331-0000") == "app-<time>-0000");
}

TEST_CASE("UUIDs and long hex ids become <uuid>", "[core][job_key]") {
  CHECK(normalizeAppName("job 3f2504e0-4f89-11d3-9a0c-0305e82c3301") == "job <uuid>");
  CHECK(normalizeAppName("spark-110be3a8424d4a2789cb88134418217b") == "spark-<uuid>");
  CHECK(normalizeAppName("nightly-3F2504E04F8911D3 run") == "nightly-<uuid> run");
  // Short hex-looking words stay.
  CHECK(normalizeAppName("deadbeef cafe") == "deadbeef cafe");
}

TEST_CASE("long digit runs become <n>, short numbers stay", "[core][job_key]") {
  CHECK(normalizeAppName("batch 1234567") == "batch <n>");
  CHECK(normalizeAppName("job123456") == "job<n>");
  CHECK(normalizeAppName("application_1516285256255_0012") == "application_<n>_0012");
  CHECK(normalizeAppName("tpcds q72") == "tpcds q72");
  CHECK(normalizeAppName("etl_v2") == "etl_v2");
  CHECK(normalizeAppName("run 12345") == "run 12345");
  CHECK(normalizeAppName("NDS - Power Run") == "NDS - Power Run");
}

TEST_CASE("normalizeAppName trims surrounding whitespace", "[core][job_key]") {
  CHECK(normalizeAppName("  PythonPi \t\n") == "PythonPi");
  CHECK(normalizeAppName("   ") == "");
  CHECK(normalizeAppName("") == "");
}

TEST_CASE("normalizeAppName leaves invalid calendar values alone", "[core][job_key]") {
  // Month 13 is no date; the 8-digit run is still a long number.
  CHECK(normalizeAppName("build 20241301") == "build <n>");
  CHECK(normalizeAppName("v1:2") == "v1:2");
  CHECK(normalizeAppName("ratio 25:99") == "ratio 25:99");
}

TEST_CASE("sparkJobKey prefers spark.jobtuner.job over the app name", "[core][job_key]") {
  CHECK(sparkJobKey("daily-etl-2024-03-01", {{"spark.jobtuner.job", " orders-etl "}}) == "orders-etl");
  CHECK(sparkJobKey("daily-etl-2024-03-01", {{"spark.jobtuner.job", ""}}) == "daily-etl-<date>");
  CHECK(sparkJobKey("daily-etl-2024-03-01", {{"spark.app.name", "x"}}) == "daily-etl-<date>");
  CHECK(sparkJobKey("Spark shell", {}) == "Spark shell");
}

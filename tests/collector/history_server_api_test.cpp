#include "collector/history_server_api.h"

#include <catch2/catch.hpp>

#include "collector/hs_applications.h"
#include "collector/store_samples.h"
#include "core/errors.h"

namespace jobtuner::collector {
namespace {

using jobtuner::testing::TempDir;
using Segments = std::vector<std::string>;

TEST_CASE("parseApiPath splits the path below /api/v1 into segments", "[collector][api]") {
  CHECK(parseApiPath("/applications/app-1/jobs").segments == Segments{"applications", "app-1", "jobs"});
  CHECK(parseApiPath("applications/app-1/jobs").segments == Segments{"applications", "app-1", "jobs"});
  CHECK(parseApiPath("/api/v1/applications/app-1").segments == Segments{"applications", "app-1"});
  CHECK(parseApiPath("http://localhost:18080/api/v1/applications?limit=1").segments == Segments{"applications"});
  CHECK(parseApiPath("/applications/app-1/").segments == Segments{"applications", "app-1"});
  CHECK(parseApiPath("//applications//app-1").segments == Segments{"applications", "app-1"});
  CHECK(parseApiPath("/").segments.empty());
  CHECK(parseApiPath("").segments.empty());
  // "api/v1" is only a prefix: an app of that name elsewhere stays.
  CHECK(parseApiPath("/applications/api/v1").segments == Segments{"applications", "api", "v1"});
  CHECK(parseApiPath("/applications/app-1/jobs#top").segments == Segments{"applications", "app-1", "jobs"});
}

TEST_CASE("parseApiPath keeps every value of a repeated query parameter, in order", "[collector][api]") {
  ApiRequest request = parseApiPath("/applications/a/jobs?status=succeeded&status=failed&limit=3&limit=4&flag");
  CHECK(request.values("status") == std::vector<std::string>{"succeeded", "failed"});
  CHECK(request.value("limit") == "4");
  CHECK(request.value("flag", "unset").empty());
  CHECK(request.value("missing", "fallback") == "fallback");
  CHECK(request.values("missing").empty());
  CHECK(request.original == "/applications/a/jobs?status=succeeded&status=failed&limit=3&limit=4&flag");
}

TEST_CASE("parseApiPath percent-decodes segments and parameters", "[collector][api]") {
  ApiRequest request = parseApiPath("/applications/app%2D1%20x/jobs?maxDate=2015-02-03T16%3A42%3A40.000GMT&q=a+b%2Bc");
  CHECK(request.segments == Segments{"applications", "app-1 x", "jobs"});
  CHECK(request.value("maxDate") == "2015-02-03T16:42:40.000GMT");
  CHECK(request.value("q") == "a b+c");  // '+' is a space in a query, itself in a path
  CHECK(parseApiPath("/applications/a+b").segments == Segments{"applications", "a+b"});
  CHECK(parseApiPath("/applications/caf%C3%A9").segments == Segments{"applications", "caf\xC3\xA9"});
}

TEST_CASE("parseApiPath rejects malformed paths with a user error", "[collector][api]") {
  CHECK_THROWS_AS(parseApiPath("/applications/%zz"), core::UserError);
  CHECK_THROWS_AS(parseApiPath("/applications/abc%2"), core::UserError);
  CHECK_THROWS_AS(parseApiPath("/applications/abc%"), core::UserError);
  CHECK_THROWS_AS(parseApiPath("/applications/%FF%FE"), core::UserError);     // not UTF-8
  CHECK_THROWS_AS(parseApiPath("/applications/a%0Ab"), core::UserError);      // a control character
  CHECK_THROWS_AS(parseApiPath("/applications?=value"), core::UserError);     // a parameter without a name
  CHECK_THROWS_AS(parseApiPath("/applications/" + std::string(9000, 'a')), core::UserError);
  try {
    parseApiPath("/applications/%zz");
    FAIL("no error");
  } catch (const core::UserError& error) {
    CHECK_THAT(error.render(), Catch::Contains("/applications/%zz"));
  }
}

TEST_CASE("formatSparkDate writes dates as Spark's REST API does", "[collector][api]") {
  CHECK(formatSparkDate(1422981779720) == "2015-02-03T16:42:59.720GMT");
  CHECK(formatSparkDate(0) == "1970-01-01T00:00:00.000GMT");
  CHECK(formatSparkDate(-1) == "1969-12-31T23:59:59.999GMT");  // an attempt that has not ended
  CHECK(formatSparkDate(951782400000) == "2000-02-29T00:00:00.000GMT");
}

TEST_CASE("date parameters parse as Spark's SimpleDateParam does", "[collector][api]") {
  CHECK(parseSparkDateParameter("2015-02-10") == 1423526400000);
  CHECK(parseSparkDateParameter("2015-02-03T16:42:40.000GMT") == 1422981760000);
  CHECK(parseSparkDateParameter("2015-02-03T17:42:40.000GMT+01:00") == 1422981760000);
  CHECK(parseSparkDateParameter("2015-02-03T17:42:40.000+0100") == 1422981760000);
  // Not the full form: the day alone, in GMT, what follows ignored.
  CHECK(parseSparkDateParameter("2015-02-03T16:42") == 1422921600000);
  CHECK(parseSparkDateParameter("2015-13-01") == parseSparkDateParameter("2016-01-01"));  // lenient
  CHECK_FALSE(parseSparkDateParameter("yesterday"));
  CHECK_FALSE(parseSparkDateParameter(""));
  CHECK_FALSE(parseSparkDateParameter("2015/02/10"));
}

// A store with one app without attempts and one with two attempts.
struct ApiStore {
  ApiStore() : store(Store::open(dir / "jobtuner.db")) {
    add(samples::sampleApp("app-plain", ""));
    add(samples::sampleApp("app-multi", "1"));
    add(samples::sampleApp("app-multi", "2"));
  }

  void add(const core::AppAttempt& app) {
    IngestedFile file;
    file.path = "/logs/" + app.appId + "_" + app.attemptId;
    file.rank = CopyRank{true, 10, 1'700'000'200'000, file.path};
    auto writer = store->beginApp();
    for (int64_t id = 0; id < 6; ++id) writer->addTask(samples::sampleTask(id, static_cast<int32_t>(id % 3), 0));
    writer->commit(app, file);
  }

  ApiResponse ask(const std::string& path) const { return answerApiRequest(*store, parseApiPath(path)); }

  TempDir dir;
  std::unique_ptr<Store> store;
};

TEST_CASE("the router answers 404 with Spark's message for a missing app, attempt or job", "[collector][api]") {
  ApiStore api;
  ApiResponse unknownApp = api.ask("/applications/foobar");
  CHECK(unknownApp.status == 404);
  CHECK(unknownApp.error == "unknown app: foobar");
  CHECK_FALSE(unknownApp.unknownPath);

  CHECK(api.ask("/applications/foobar/jobs").error == "no such app: foobar");
  CHECK(api.ask("/applications/app-plain/1").error == "unknown app app-plain, attempt 1");
  CHECK(api.ask("/applications/app-plain/1/jobs").error == "no such app: app-plain/1");
  // An app whose attempts have ids is answered only for a named attempt, as Spark does.
  CHECK(api.ask("/applications/app-multi/jobs").error == "no such app: app-multi");
  CHECK(api.ask("/applications/app-multi/3/executors").error == "no such app: app-multi/3");

  ApiResponse unknownJob = api.ask("/applications/app-plain/jobs/99");
  CHECK(unknownJob.status == 404);
  CHECK(unknownJob.error == "unknown job: 99");
  CHECK_FALSE(unknownJob.unknownPath);
}

TEST_CASE("the router marks paths no endpoint answers", "[collector][api]") {
  ApiStore api;
  for (const char* path : {"/", "/foobar", "/version2", "/applications/app-plain/jobs/abc",
                           "/applications/app-plain/jobs/1/stages", "/applications/app-plain/environment/x",
                           "/applications/app-multi/1/2/jobs", "/applications/app-plain/executors/1/threads"}) {
    INFO(path);
    ApiResponse response = api.ask(path);
    CHECK(response.status == 404);
    CHECK(response.unknownPath);
    CHECK_THAT(response.error, Catch::Contains("no such endpoint"));
  }
  CHECK_FALSE(supportedApiPaths().empty());
}

TEST_CASE("the router answers 400 for bad parameter values", "[collector][api]") {
  ApiStore api;
  ApiResponse badStatus = api.ask("/applications?status=finished");
  CHECK(badStatus.status == 400);
  CHECK_THAT(badStatus.error, Catch::Contains("\"status\"") && Catch::Contains("finished"));
  CHECK(api.ask("/applications?minDate=yesterday").status == 400);
  CHECK(api.ask("/applications?minDate=yesterday").error == "Couldn't parse date: yesterday");
  CHECK(api.ask("/applications?limit=three").status == 400);
  CHECK(api.ask("/applications?limit=99999999999").status == 400);
  CHECK(api.ask("/applications/app-plain/jobs?status=done").status == 400);
}

TEST_CASE("the router answers the app list, one app and one attempt", "[collector][api]") {
  ApiStore api;
  ApiResponse list = api.ask("/applications");
  REQUIRE(list.status == 200);
  REQUIRE(list.body.size() == 2);
  CHECK(api.ask("/applications?limit=1").body.size() == 1);
  CHECK(api.ask("/applications?limit=0").body.empty());
  CHECK(api.ask("/applications?status=running").body.empty());
  CHECK(api.ask("/applications?status=COMPLETED").body.size() == 2);

  ApiResponse multi = api.ask("/applications/app-multi");
  REQUIRE(multi.status == 200);
  REQUIRE(multi.body["attempts"].size() == 2);
  CHECK(multi.body["attempts"][0]["attemptId"] == "2");
  CHECK(multi.body["attempts"][0]["lastUpdatedEpoch"] == 1'700'000'200'000);

  ApiResponse attempt = api.ask("/api/v1/applications/app-multi/1");
  REQUIRE(attempt.status == 200);
  CHECK(attempt.body["attemptId"] == "1");
  ApiResponse plain = api.ask("/applications/app-plain");
  REQUIRE(plain.status == 200);
  CHECK_FALSE(plain.body["attempts"][0].contains("attemptId"));  // Spark omits an absent id
}

TEST_CASE("the router answers jobs, executors and the environment of an attempt", "[collector][api]") {
  ApiStore api;
  ApiResponse jobs = api.ask("/applications/app-multi/2/jobs");
  REQUIRE(jobs.status == 200);
  REQUIRE(jobs.body.size() == 2);
  CHECK(jobs.body[0]["jobId"] == 1);  // newest first
  CHECK(api.ask("/applications/app-multi/2/jobs?status=failed").body.size() == 1);
  CHECK(api.ask("/applications/app-multi/2/jobs?status=FAILED&status=succeeded").body.size() == 2);
  ApiResponse job = api.ask("/applications/app-multi/2/jobs/1");
  REQUIRE(job.status == 200);
  CHECK(job.body["status"] == "FAILED");
  CHECK(job.body["description"] == "load");
  CHECK(job.body["numTasks"] == 9);

  ApiResponse active = api.ask("/applications/app-plain/executors");
  REQUIRE(active.status == 200);
  CHECK(active.body.size() == 1);  // the worker was removed
  ApiResponse all = api.ask("/applications/app-plain/allexecutors");
  REQUIRE(all.body.size() == 2);
  CHECK(all.body[0]["id"] == "10");  // by id as text
  CHECK(all.body[0]["removeReason"] == samples::sampleApp("x", "").executors[1].removeReason);

  ApiResponse environment = api.ask("/applications/app-plain/environment");
  REQUIRE(environment.status == 200);
  CHECK(environment.body["sparkProperties"][0][0] == "spark.app.name");  // sorted by key
  CHECK(environment.body["resourceProfiles"][0]["id"] == 0);
  CHECK(environment.body["resourceProfiles"][1]["taskResources"]["cpus"]["amount"] == 2.0);
}

TEST_CASE("the router answers storage and the miscellaneous processes", "[collector][api]") {
  ApiStore api;
  ApiResponse list = api.ask("/applications/app-plain/storage/rdd");
  REQUIRE(list.status == 200);
  CHECK(list.body.empty());  // no RDD has cached partitions without block updates
  ApiResponse rdd = api.ask("/applications/app-plain/storage/rdd/7");
  REQUIRE(rdd.status == 200);
  CHECK(rdd.body["name"] == "cached orders");
  CHECK(rdd.body["storageLevel"] == "Disk Memory (off heap) Deserialized 2x Replicated");
  CHECK(rdd.body["numCachedPartitions"] == 0);
  CHECK(rdd.body["partitions"].empty());
  CHECK_FALSE(rdd.body.contains("dataDistribution"));
  CHECK(api.ask("/applications/app-plain/storage/rdd/99").error == "no rdd found w/ id 99");
  CHECK(api.ask("/applications/app-plain/storage/rdd/x").unknownPath);
  CHECK(api.ask("/applications/app-plain/storage").unknownPath);

  ApiResponse processes = api.ask("/applications/app-plain/allmiscellaneousprocess");
  REQUIRE(processes.status == 200);
  REQUIRE(processes.body.size() == 1);
  CHECK(processes.body[0]["id"] == "yarn-am");
  CHECK(processes.body[0]["processLogs"]["stdout"] == "http://am/stdout");
}

}  // namespace
}  // namespace jobtuner::collector

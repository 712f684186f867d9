#include <catch2/catch.hpp>

#include "collector/event_log_parser.h"
#include "collector/event_log_parser_fixture.h"

using jobtuner::collector::EventLogParser;
using namespace jobtuner::core;
using namespace jobtuner::testing;

TEST_CASE("ExecutorAdded and ExecutorRemoved fill the executor", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerExecutorAdded","Timestamp":1562101348551,"Executor ID":"1","Executor Info":{"Host":"tomg-test","Total Cores":4,"Log Urls":{"stdout":"http://n/stdout"},"Attributes":{"USER":"tg"},"Resources":{"gpu":{"name":"gpu","addresses":["0","1"]}},"Resource Profile Id":2}})",
                   R"({"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"1","Host":"tomg-test","Port":40000},"Maximum Memory":908381388,"Timestamp":1562101348600,"Maximum Onheap Memory":384093388,"Maximum Offheap Memory":524288000})",
                   R"({"Event":"SparkListenerExecutorRemoved","Timestamp":1562101400000,"Executor ID":"1","Removed Reason":"Container killed by YARN for exceeding memory limits."})",
                   R"({"Event":"SparkListenerExecutorRemoved","Timestamp":1,"Executor ID":"never-added","Removed Reason":"x"})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.executors.size() == 1);
  const Executor& executor = app.executors[0];
  CHECK(executor.executorId == "1");
  CHECK(executor.host == "tomg-test");
  CHECK(executor.hostPort == "tomg-test:40000");
  CHECK(executor.totalCores == 4);
  CHECK(executor.addTimeMs == 1562101348551);
  CHECK(executor.removeTimeMs == 1562101400000);
  CHECK(executor.removeReason == "Container killed by YARN for exceeding memory limits.");
  CHECK(executor.logUrlsJson == R"({"stdout":"http://n/stdout"})");
  CHECK(executor.attributesJson == R"({"USER":"tg"})");
  CHECK(executor.resourcesJson == R"({"gpu":{"name":"gpu","addresses":["0","1"]}})");
  CHECK(executor.resourceProfileId == 2);
  CHECK(executor.maxMemoryBytes == 908381388);
  CHECK(executor.maxOnHeapMemoryBytes == 384093388);
  CHECK(executor.maxOffHeapMemoryBytes == 524288000);
}

TEST_CASE("the driver exists only through BlockManagerAdded in old logs", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"driver","Host":"localhost","Port":57971},"Maximum Memory":278302556,"Timestamp":1422981780906})"});
  AppAttempt app = parser.finish(false);
  const Executor* driver = findExecutor(app, "driver");
  REQUIRE(driver != nullptr);
  CHECK(driver->addTimeMs == 1422981780906);
  CHECK(driver->host == "localhost");
  CHECK(driver->hostPort == "localhost:57971");
  CHECK(driver->maxMemoryBytes == 278302556);
  CHECK_FALSE(driver->maxOnHeapMemoryBytes.has_value());
  CHECK(driver->removeTimeMs == 0);
}

TEST_CASE("an executor that registers again after removal starts a new life", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerExecutorAdded","Timestamp":10,"Executor ID":"3","Executor Info":{"Host":"a","Total Cores":2}})",
                   R"({"Event":"SparkListenerExecutorRemoved","Timestamp":20,"Executor ID":"3","Removed Reason":"lost"})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":30,"Executor ID":"3","Executor Info":{"Host":"b","Total Cores":2}})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.executors.size() == 1);
  CHECK(app.executors[0].addTimeMs == 30);
  CHECK(app.executors[0].removeTimeMs == 0);
  CHECK(app.executors[0].removeReason.empty());
  CHECK(app.executors[0].host == "b");
}

TEST_CASE("exclusion events of both eras mark executors excluded", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"driver","Host":"h2","Port":1},"Maximum Memory":1,"Timestamp":1})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"0","Executor Info":{"Host":"h1","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"1","Executor Info":{"Host":"h1","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"2","Executor Info":{"Host":"h2","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"3","Executor Info":{"Host":"h3","Total Cores":1}})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorBlacklisted","time":5,"executorId":"0","taskFailures":4})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerNodeExcluded","time":5,"hostId":"h2","executorFailures":2})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorExcludedForStage","time":5,"executorId":"1","taskFailures":1,"stageId":4,"stageAttemptId":0})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerNodeBlacklistedForStage","time":5,"hostId":"h3","executorFailures":1,"stageId":6,"stageAttemptId":0})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorUnblacklisted","time":9,"executorId":"0"})"});
  AppAttempt app = parser.finish(false);
  CHECK(findExecutor(app, "0")->excluded);
  CHECK_FALSE(findExecutor(app, "1")->excluded);
  CHECK(findExecutor(app, "1")->excludedInStages == std::vector<int32_t>{4});
  CHECK(findExecutor(app, "2")->excluded);
  // Spark matches node exclusions on ExecutorAdded's host only; the driver of old logs has none.
  CHECK_FALSE(findExecutor(app, "driver")->excluded);
  CHECK(findExecutor(app, "3")->excludedInStages == std::vector<int32_t>{6});
  CHECK(parser.stats().unknownEvents == 0);
}

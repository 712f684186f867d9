#include <algorithm>
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

TEST_CASE("exclusion events of both eras leave the state Spark ends with", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"driver","Host":"h2","Port":1},"Maximum Memory":1,"Timestamp":1})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"0","Executor Info":{"Host":"h1","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"1","Executor Info":{"Host":"h1","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"2","Executor Info":{"Host":"h2","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"3","Executor Info":{"Host":"h3","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"4","Executor Info":{"Host":"h4","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorRemoved","Timestamp":2,"Executor ID":"4","Removed Reason":"lost"})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorBlacklisted","time":5,"executorId":"0","taskFailures":4})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorExcluded","time":5,"executorId":"1","taskFailures":4})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerNodeExcluded","time":5,"hostId":"h2","executorFailures":2})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorExcludedForStage","time":5,"executorId":"1","taskFailures":1,"stageId":4,"stageAttemptId":0})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerNodeBlacklistedForStage","time":5,"hostId":"h3","executorFailures":1,"stageId":6,"stageAttemptId":0})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorBlacklisted","time":5,"executorId":"4","taskFailures":4})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorUnblacklisted","time":9,"executorId":"0"})"});
  AppAttempt app = parser.finish(false);
  CHECK_FALSE(findExecutor(app, "0")->excluded);  // lifted again
  CHECK(findExecutor(app, "1")->excluded);
  CHECK(findExecutor(app, "1")->excludedInStages == std::vector<int32_t>{4});
  CHECK(findExecutor(app, "2")->excluded);
  // Excluding a node never excludes the driver, and a removed executor keeps its last state.
  CHECK_FALSE(findExecutor(app, "driver")->excluded);
  CHECK_FALSE(findExecutor(app, "4")->excluded);
  CHECK(findExecutor(app, "3")->excludedInStages == std::vector<int32_t>{6});
  CHECK(parser.stats().unknownEvents == 0);
}

TEST_CASE("a stage attempt's completion lifts the exclusions made while it ran", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"1","Executor Info":{"Host":"h1","Total Cores":1}})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"a","Number of Tasks":1,"Submission Time":2}})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"b","Number of Tasks":1,"Submission Time":2}})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorExcludedForStage","time":3,"executorId":"1","taskFailures":1,"stageId":0,"stageAttemptId":0})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerExecutorExcludedForStage","time":3,"executorId":"1","taskFailures":1,"stageId":1,"stageAttemptId":0})",
                   R"({"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"a","Number of Tasks":1,"Submission Time":2,"Completion Time":4}})"});
  AppAttempt app = parser.finish(false);
  CHECK(findExecutor(app, "1")->excludedInStages == std::vector<int32_t>{1});
}

TEST_CASE("executor peaks come from task ends, stage executor metrics and heartbeats", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"1","Executor Info":{"Host":"h1","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"2","Executor Info":{"Host":"h2","Total Cores":1}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1,"Executor ID":"3","Executor Info":{"Host":"h3","Total Cores":1}})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"a","Number of Tasks":2,"Submission Time":2}})",
                   R"({"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{"Task ID":0,"Index":0,"Attempt":0,"Launch Time":3,"Executor ID":"1","Host":"h1"}})",
                   R"({"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":0,"Index":0,"Attempt":0,"Launch Time":3,"Executor ID":"1","Host":"h1","Finish Time":5},"Task Executor Metrics":{"JVMHeapMemory":100,"MinorGCCount":2}})",
                   R"({"Event":"SparkListenerStageExecutorMetrics","Executor ID":"1","Stage ID":0,"Stage Attempt ID":0,"Executor Metrics":{"JVMHeapMemory":50,"TotalGCTime":7}})",
                   R"({"Event":"SparkListenerExecutorMetricsUpdate","Executor ID":"2","Metrics Updated":[],"Executor Metrics Updated":[{"Stage ID":0,"Stage Attempt ID":0,"Executor Metrics":{"DirectPoolMemory":9}}]})"});
  AppAttempt app = parser.finish(false);
  const auto& names = executorMetricNames();
  auto value = [&](const Executor* executor, const char* name) {
    return executor->peakMetrics->values[std::find_if(names.begin(), names.end(), [&](const char* n) { return std::string(n) == name; }) - names.begin()];
  };
  const Executor* first = findExecutor(app, "1");
  REQUIRE(first->peakMetrics);
  CHECK(value(first, "JVMHeapMemory") == 100);
  CHECK(value(first, "MinorGCCount") == 2);
  CHECK(value(first, "TotalGCTime") == 7);
  REQUIRE(findExecutor(app, "2")->peakMetrics);
  CHECK(value(findExecutor(app, "2"), "DirectPoolMemory") == 9);
  CHECK_FALSE(findExecutor(app, "3")->peakMetrics);  // saw none: Spark leaves them unset
}

TEST_CASE("ResourceProfileAdded keeps the profile's executor and task requests", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerResourceProfileAdded","Resource Profile Id":1,"Executor Resource Requests":{"cores":{"Resource Name":"cores","Amount":4,"Discovery Script":"","Vendor":""},"gpu":{"Resource Name":"gpu","Amount":1,"Discovery Script":"./getGpus","Vendor":"nv"}},"Task Resource Requests":{"cpus":{"Resource Name":"cpus","Amount":1.0},"gpu":{"Resource Name":"gpu","Amount":0.5}}})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.resourceProfiles.size() == 1);
  const ResourceProfile& profile = app.resourceProfiles[0];
  CHECK(profile.id == 1);
  REQUIRE(profile.executorResources.size() == 2);
  CHECK(profile.executorResources[1].resourceName == "gpu");
  CHECK(profile.executorResources[1].amount == 1);
  CHECK(profile.executorResources[1].discoveryScript == "./getGpus");
  CHECK(profile.executorResources[1].vendor == "nv");
  REQUIRE(profile.taskResources.size() == 2);
  CHECK(profile.taskResources[1].amount == 0.5);
  CHECK(parser.stats().unknownEvents == 0);
}

TEST_CASE("MiscellaneousProcessAdded lists a process beside the executors", "[collector][parser][executors]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"org.apache.spark.scheduler.SparkListenerMiscellaneousProcessAdded","time":1618846550218,"processId":"yarn-am","info":{"hostPort":"192.168.1.19:8042","cores":1,"logUrlInfo":{"stdout":"http://am/stdout"}}})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerMiscellaneousProcessAdded","time":1618846560000,"processId":"yarn-am","info":{"hostPort":"192.168.1.19:8043","cores":2,"logUrlInfo":{}}})",
                   R"({"Event":"org.apache.spark.scheduler.SparkListenerMiscellaneousProcessAdded","time":1,"info":{"cores":1}})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.miscellaneousProcesses.size() == 1);
  const MiscellaneousProcess& process = app.miscellaneousProcesses[0];
  CHECK(process.processId == "yarn-am");
  CHECK(process.addTimeMs == 1618846550218);  // the first registration's time stays
  CHECK(process.hostPort == "192.168.1.19:8043");
  CHECK(process.totalCores == 2);
  CHECK(process.logUrlsJson == "{}");
  CHECK(parser.warnings().size() == 1);  // the one without a processId
}

#include "collector/event_log_parser.h"

#include <catch2/catch.hpp>

#include "collector/event_log_parser_fixture.h"
#include "core/redaction.h"

using jobtuner::collector::EventLogParser;
using jobtuner::collector::ParseLimits;
using namespace jobtuner::core;
using namespace jobtuner::testing;

namespace {

const std::string kAppStart =
    R"({"Event":"SparkListenerApplicationStart","App Name":"daily-etl-2024-03-01","App ID":"application_1_0001","Timestamp":1000,"User":"ana","App Attempt ID":"2","Driver Logs":{"stdout":"http://d/stdout"}})";
const std::string kAppEnd = R"({"Event":"SparkListenerApplicationEnd","Timestamp":9000})";

}  // namespace

TEST_CASE("application events fill the app attempt", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerLogStart","Spark Version":"3.5.1"})", kAppStart,
                   R"({"Event":"SparkListenerBlockManagerAdded","Block Manager ID":{"Executor ID":"driver","Host":"10.0.0.1","Port":4040},"Maximum Memory":1000,"Timestamp":1100})",
                   kAppEnd});
  CHECK(parser.sawEvents());
  AppAttempt app = parser.finish(false);
  CHECK(app.source == AppSource::Spark);
  CHECK(app.engineVersion == "3.5.1");
  CHECK(app.name == "daily-etl-2024-03-01");
  CHECK(app.appId == "application_1_0001");
  CHECK(app.attemptId == "2");
  CHECK(app.user == "ana");
  CHECK(app.startTimeMs == 1000);
  CHECK(app.endTimeMs == 9000);
  CHECK(app.completed);
  CHECK(app.jobKey == "daily-etl-<date>");
  REQUIRE(findExecutor(app, "driver") != nullptr);
  CHECK(findExecutor(app, "driver")->logUrlsJson == R"({"stdout":"http://d/stdout"})");
  CHECK(parser.stats().events == 4);
  CHECK(parser.stats().lines == 4);
  CHECK(parser.warnings().empty());
}

TEST_CASE("an app is incomplete without ApplicationEnd or when the log is in progress", "[collector][parser]") {
  CollectingSink sink;
  SECTION("no ApplicationEnd") {
    EventLogParser parser(sink);
    feedAll(parser, {kAppStart});
    AppAttempt app = parser.finish(false);
    CHECK_FALSE(app.completed);
    CHECK(app.endTimeMs == 0);
  }
  SECTION("ApplicationEnd in a log marked in progress") {
    EventLogParser parser(sink);
    feedAll(parser, {kAppStart, kAppEnd});
    CHECK_FALSE(parser.finish(true).completed);
  }
}

TEST_CASE("Databricks metadata gives the Spark version when LogStart is missing", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"DBCEventLoggingListenerMetadata","Spark Version":"3.4.1","Timestamp":1})"});
  CHECK(parser.finish(false).engineVersion == "3.4.1");
  CHECK(parser.stats().unknownEvents == 0);
}

TEST_CASE("environment properties are redacted before they are stored", "[collector][parser][redaction]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {kAppStart,
                   R"({"Event":"SparkListenerEnvironmentUpdate","JVM Information":{"Java Version":"17"},)"
                   R"("Spark Properties":{"spark.ssl.keyStorePassword":"hunter2","spark.driver.extraJavaOptions":"-Ddb.password=x",)"
                   R"("spark.executor.memory":"4g","spark.jobtuner.job":"orders"},)"
                   R"("Hadoop Properties":{"fs.s3a.secret.key":"abc","fs.defaultFS":"hdfs://nn"},)"
                   R"("System Properties":{"user.name":"ana"},"Metrics Properties":{"*.sink.x":"y"},)"
                   R"("Classpath Entries":{"/opt/spark/jars/a.jar":"System Classpath"}})"});
  AppAttempt app = parser.finish(false);
  const Environment& environment = app.environment;
  CHECK(propertyOf(environment.sparkProperties, "spark.ssl.keyStorePassword") == kRedactedValue);
  CHECK(propertyOf(environment.sparkProperties, "spark.driver.extraJavaOptions") == kRedactedValue);
  CHECK(propertyOf(environment.sparkProperties, "spark.executor.memory") == "4g");
  CHECK(propertyOf(environment.hadoopProperties, "fs.s3a.secret.key") == kRedactedValue);
  CHECK(propertyOf(environment.hadoopProperties, "fs.defaultFS") == "hdfs://nn");
  CHECK(propertyOf(environment.jvmInformation, "Java Version") == "17");
  CHECK(propertyOf(environment.systemProperties, "user.name") == "ana");
  CHECK(propertyOf(environment.metricsProperties, "*.sink.x") == "y");
  CHECK(propertyOf(environment.classpathEntries, "/opt/spark/jars/a.jar") == "System Classpath");
  CHECK(app.jobKey == "orders");
}

TEST_CASE("the app's own spark.redaction.regex applies to its properties", "[collector][parser][redaction]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser,
          {R"({"Event":"SparkListenerEnvironmentUpdate","Spark Properties":{"spark.redaction.regex":"(?i)internal","spark.internal.url":"x","spark.ssl.keyStorePassword":"hunter2"}})",
           R"({"Event":"SparkListenerJobStart","Job ID":0,"Stage Infos":[],"Stage IDs":[],"Properties":{"spark.internal.token":"t","spark.job.description":"nightly"}})"});
  AppAttempt app = parser.finish(false);
  CHECK(propertyOf(app.environment.sparkProperties, "spark.internal.url") == kRedactedValue);
  CHECK(propertyOf(app.environment.sparkProperties, "spark.ssl.keyStorePassword") == "hunter2");
  REQUIRE(app.jobs.size() == 1);
  CHECK(app.jobs[0].properties.at("spark.internal.token") == kRedactedValue);
  CHECK(app.jobs[0].description == "nightly");
}

TEST_CASE("JobStart creates the job and its pending stages", "[collector][parser][jobs]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerJobStart","Job ID":3,"Submission Time":5000,"Stage Infos":[)"
                   R"({"Stage ID":4,"Stage Attempt ID":0,"Stage Name":"map at A.scala:1","Number of Tasks":8,"RDD Info":[{"RDD ID":1}],"Parent IDs":[],"Details":"d4","Accumulables":[]},)"
                   R"({"Stage ID":5,"Stage Attempt ID":0,"Stage Name":"count at B.scala:2","Number of Tasks":2,"RDD Info":[],"Parent IDs":[4],"Details":"d5","Accumulables":[],"Resource Profile Id":1}],)"
                   R"("Stage IDs":[4,5],"Properties":{"spark.job.description":"load orders","spark.jobGroup.id":"g1","spark.sql.execution.id":"12"}})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.jobs.size() == 1);
  const Job& job = app.jobs[0];
  CHECK(job.jobId == 3);
  CHECK(job.submissionTimeMs == 5000);
  CHECK(job.name == "count at B.scala:2");
  CHECK(job.description == "load orders");
  CHECK(job.jobGroup == "g1");
  CHECK(job.sqlExecutionId == 12);
  CHECK(job.stageIds == std::vector<int32_t>{4, 5});
  CHECK(job.status == JobStatus::Running);
  const StageAttempt* stage = findStage(app, 5);
  REQUIRE(stage != nullptr);
  CHECK(stage->status == StageStatus::Pending);
  CHECK(stage->name == "count at B.scala:2");
  CHECK(stage->numTasks == 2);
  CHECK(stage->parentIds == std::vector<int32_t>{4});
  CHECK(stage->jobIds == std::vector<int32_t>{3});
  CHECK(stage->details == "d5");
  CHECK(stage->resourceProfileId == 1);
  CHECK(findStage(app, 4)->rddInfoJson == R"([{"RDD ID":1}])");
}

TEST_CASE("submitted stages' RDDs marked for caching are kept until unpersisted", "[collector][parser][storage]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  auto rdd = [](int id, const char* name, bool memory, bool disk, int replication) {
    return std::string(R"({"RDD ID":)") + std::to_string(id) + R"(,"Name":")" + name +
           R"(","Number of Partitions":8,"Storage Level":{"Use Disk":)" + (disk ? "true" : "false") +
           R"(,"Use Memory":)" + (memory ? "true" : "false") + R"(,"Deserialized":true,"Replication":)" +
           std::to_string(replication) + "}}";
  };
  feedAll(parser, {R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"a","Number of Tasks":8,"RDD Info":[)" +
                       rdd(0, "cached", true, false, 1) + "," + rdd(1, "plain", false, false, 1) + "," +
                       rdd(2, "on disk", false, true, 1) + "," + rdd(3, "no replicas", true, false, 0) + "]}}",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"b","Number of Tasks":8,"RDD Info":[)" +
                       rdd(0, "renamed", true, true, 2) + "]}}",
                   R"({"Event":"SparkListenerUnpersistRDD","RDD ID":2})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.persistedRdds.size() == 1);
  const PersistedRdd& cached = app.persistedRdds[0];
  CHECK(cached.rddId == 0);
  CHECK(cached.name == "cached");  // the first description wins, as in Spark's listener
  CHECK(cached.numPartitions == 8);
  CHECK(cached.useMemory);
  CHECK_FALSE(cached.useDisk);
  CHECK(cached.deserialized);
  CHECK(cached.replication == 1);
  CHECK(parser.stats().unknownEvents == 0);
}

TEST_CASE("JobStart's task estimate leaves out the stages already computed", "[collector][parser][jobs]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerJobStart","Job ID":1,"Submission Time":5000,"Stage Infos":[)"
                   R"({"Stage ID":4,"Stage Attempt ID":0,"Stage Name":"map","Number of Tasks":8,"Completion Time":4000},)"
                   R"({"Stage ID":5,"Stage Attempt ID":0,"Stage Name":"count","Number of Tasks":2}],"Stage IDs":[4,5]})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.jobs.size() == 1);
  CHECK(app.jobs[0].numTasks == 2);  // AppStatusListener.onJobStart counts the missing stages only
}

TEST_CASE("JobEnd sets the result and marks never-submitted stages skipped", "[collector][parser][jobs]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerJobStart","Job ID":0,"Stage Infos":[{"Stage ID":0,"Stage Name":"a","Number of Tasks":1},{"Stage ID":1,"Stage Name":"b","Number of Tasks":1}],"Stage IDs":[0,1]})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"b","Number of Tasks":1,"Submission Time":10}})",
                   R"({"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"b","Number of Tasks":1,"Submission Time":10,"Completion Time":20}})",
                   R"({"Event":"SparkListenerJobEnd","Job ID":0,"Completion Time":30,"Job Result":{"Result":"JobSucceeded"}})",
                   R"({"Event":"SparkListenerJobStart","Job ID":1,"Stage Infos":[{"Stage ID":2,"Stage Name":"c","Number of Tasks":1}],"Stage IDs":[2]})",
                   R"({"Event":"SparkListenerJobEnd","Job ID":1,"Completion Time":40,"Job Result":{"Result":"JobFailed","Exception":{"Message":"Job aborted due to stage failure","Stack Trace":[]}}})",
                   R"({"Event":"SparkListenerJobStart","Job ID":2,"Stage Infos":[{"Stage ID":3,"Stage Name":"d","Number of Tasks":1}],"Stage IDs":[3]})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.jobs.size() == 3);
  CHECK(app.jobs[0].status == JobStatus::Succeeded);
  CHECK(app.jobs[0].completionTimeMs == 30);
  CHECK(app.jobs[1].status == JobStatus::Failed);
  CHECK(app.jobs[1].failureReason == "Job aborted due to stage failure");
  CHECK(app.jobs[2].status == JobStatus::Running);
  CHECK(findStage(app, 0)->status == StageStatus::Skipped);
  CHECK(findStage(app, 1)->status == StageStatus::Complete);
  CHECK(findStage(app, 2)->status == StageStatus::Skipped);
  // Its job never ended: the stage stays pending.
  CHECK(findStage(app, 3)->status == StageStatus::Pending);
}

TEST_CASE("JobStart without Stage Infos (Spark before 1.2) creates unknown stages", "[collector][parser][jobs]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerJobStart","Job ID":0,"Stage IDs":[0,1]})"});
  AppAttempt app = parser.finish(false);
  REQUIRE(app.stages.size() == 2);
  CHECK(app.stages[0].name == "unknown");
  CHECK(app.jobs[0].stageIds == std::vector<int32_t>{0, 1});
}

TEST_CASE("stage events set status, times, failure and properties", "[collector][parser][stages]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerJobStart","Job ID":7,"Stage Infos":[{"Stage ID":0,"Stage Name":"x","Number of Tasks":4}],"Stage IDs":[0,1]})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"x","Number of Tasks":4,"RDD Info":[],"Parent IDs":[],"Details":"at x","Submission Time":100,"Accumulables":[],"Resource Profile Id":0},"Properties":{"spark.scheduler.pool":"etl","spark.ssl.keyStorePassword":"p"}})",
                   R"({"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"x","Number of Tasks":4,"Submission Time":100,"Completion Time":200,"Failure Reason":"Job aborted: boom","Accumulables":[{"ID":1,"Name":"n","Value":"3"}]}})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":1,"Stage Name":"x","Number of Tasks":2,"Submission Time":300}})",
                   R"({"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":0,"Stage Attempt ID":1,"Stage Name":"x","Number of Tasks":2,"Submission Time":300,"Completion Time":400}})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":1,"Stage Attempt ID":0,"Stage Name":"y","Number of Tasks":1,"Submission Time":500}})"});
  AppAttempt app = parser.finish(false);
  const StageAttempt* failed = findStage(app, 0, 0);
  REQUIRE(failed != nullptr);
  CHECK(failed->status == StageStatus::Failed);
  CHECK(failed->failureReason == "Job aborted: boom");
  CHECK(failed->submissionTimeMs == 100);
  CHECK(failed->completionTimeMs == 200);
  CHECK(failed->details == "at x");
  CHECK(failed->accumulablesJson == R"([{"ID":1,"Name":"n","Value":"3"}])");
  CHECK(failed->properties.at("spark.scheduler.pool") == "etl");
  CHECK(failed->properties.at("spark.ssl.keyStorePassword") == kRedactedValue);
  CHECK(failed->jobIds == std::vector<int32_t>{7});
  CHECK(findStage(app, 0, 1)->status == StageStatus::Complete);
  CHECK(findStage(app, 0, 1)->numTasks == 2);
  // Submitted, never completed: still active at the end of the log.
  CHECK(findStage(app, 1)->status == StageStatus::Active);
  CHECK(findStage(app, 1)->jobIds == std::vector<int32_t>{7});
}

TEST_CASE("a stage completed without a submission time was skipped", "[collector][parser][stages]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerStageCompleted","Stage Info":{"Stage ID":9,"Stage Attempt ID":0,"Stage Name":"s","Number of Tasks":3}})"});
  CHECK(findStage(parser.finish(false), 9)->status == StageStatus::Skipped);
}

TEST_CASE("unknown events are counted by name and never fatal", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"com.example.MyListenerEvent","x":1})", R"({"Event":"com.example.MyListenerEvent"})",
                   R"({"Event":"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart","executionId":0,"sparkPlanInfo":{"children":[]}})",
                   R"({"Event":"SparkListenerResourceProfileAdded","Resource Profile Id":0})", kAppEnd});
  const auto& stats = parser.stats();
  CHECK(stats.events == 5);
  CHECK(stats.unknownEvents == 2);
  CHECK(stats.unknownEventTypes.at("com.example.MyListenerEvent") == 2);
  CHECK(stats.unknownEventTypes.size() == 1);
  CHECK(stats.badLines == 0);
  CHECK(parser.finish(false).completed);
}

TEST_CASE("Structured Streaming events mark the app as streaming", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  EventLogParser batch(sink);
  feedAll(batch, {kAppStart, kAppEnd});
  CHECK_FALSE(batch.finish(false).streaming);

  feedAll(parser, {kAppStart, R"({"Event":"org.apache.spark.sql.streaming.StreamingQueryListener$QueryStartedEvent","id":"8d268dc2","runId":"e225d92f","name":null,"timestamp":"2020-07-29T10:56:55.947Z"})"});
  CHECK(parser.finish(false).streaming);
  CHECK(parser.stats().unknownEvents == 0);
}

TEST_CASE("a line that is not JSON becomes a warning with its line number", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {kAppStart, R"({"Event":"SparkListenerEnvironmentUpdate",_"JVM Information":{}})", kAppEnd});
  REQUIRE(parser.warnings().size() == 1);
  CHECK(parser.warnings()[0].line == 2);
  CHECK_THAT(parser.warnings()[0].message, Catch::StartsWith("malformed JSON") && Catch::EndsWith("(skipped)"));
  CHECK(parser.stats().badLines == 1);
  CHECK(parser.stats().events == 2);
  AppAttempt app = parser.finish(false);
  CHECK(app.completed);
  CHECK(app.name == "daily-etl-2024-03-01");
}

TEST_CASE("a line cut mid-event is a bad line and changes nothing", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":1,"Index":0,"Launch Time":10,"Finish Time":20},"Task Metrics":{"Executor Run Time":5,"Shuffle Read Metrics":{"Remote)",
                   R"({"Event":"SparkListenerJobStart","Job ID":0,"Stage Infos":[{"Stage ID":0,"Stage Name":"a")"});
  CHECK(parser.stats().badLines == 2);
  CHECK(parser.stats().taskEndEvents == 0);
  CHECK(parser.warnings().size() == 2);
  AppAttempt app = parser.finish(false);
  CHECK(sink.tasks.empty());
  CHECK(app.jobs.empty());
  CHECK(app.stages.empty());
}

TEST_CASE("non-objects and objects without an Event string are bad lines", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {"[1,2,3]", "42", R"("text")", R"({"event":"lowercase"})", R"({"Event":17})", "not json at all"});
  CHECK(parser.stats().badLines == 6);
  CHECK(parser.stats().events == 0);
  CHECK_FALSE(parser.sawEvents());
  REQUIRE(parser.warnings().size() == 6);
  CHECK_THAT(parser.warnings()[0].message, Catch::Contains("not a JSON object"));
  CHECK_THAT(parser.warnings()[3].message, Catch::Contains("\"Event\""));
  CHECK_THAT(parser.warnings()[4].message, Catch::Contains("not a string"));
  CHECK(parser.warnings()[5].line == 6);
}

TEST_CASE("JSON nested deeper than the limit is skipped with a warning", "[collector][parser][bad-input]") {
  CollectingSink sink;
  ParseLimits limits;
  limits.maxJsonDepth = 16;
  EventLogParser parser(sink, limits);
  std::string deep = R"({"Event":"com.example.Deep","x":)" + std::string(20, '[') + std::string(20, ']') + "}";
  // Brackets inside strings do not count.
  std::string shallow = R"({"Event":"com.example.Shallow","x":")" + std::string(40, '[') + R"("})";
  feedAll(parser, {deep, shallow, kAppEnd});
  CHECK(parser.stats().badLines == 1);
  REQUIRE(parser.warnings().size() == 1);
  CHECK(parser.warnings()[0].line == 1);
  CHECK_THAT(parser.warnings()[0].message, Catch::Contains("deeper than 16"));
  CHECK(parser.stats().events == 2);
}

TEST_CASE("blank lines are ignored and a byte-order mark is tolerated", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {"", "   ", "\xEF\xBB\xBF" + kAppEnd});
  CHECK(parser.stats().lines == 1);
  CHECK(parser.stats().events == 1);
  CHECK(parser.stats().badLines == 0);
}

TEST_CASE("a line without padding after it is copied, not read out of bounds", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  std::string line = kAppStart;
  line.shrink_to_fit();
  parser.parseLine(line, line.size(), 1);
  CHECK(parser.stats().events == 1);
  CHECK(parser.finish(false).appId == "application_1_0001");
}

TEST_CASE("text after the event object makes the line bad", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {kAppEnd + " trailing", kAppEnd + " 1"});
  CHECK(parser.stats().events == 0);
  CHECK(parser.stats().badLines == 2);
  REQUIRE(parser.warnings().size() == 2);
  CHECK_THAT(parser.warnings()[0].message, Catch::Contains("does not end with the closing"));
  CHECK_FALSE(parser.finish(false).completed);
}

TEST_CASE("a second object after the event is ignored with a warning", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  // Spark's reader (Jackson) takes the first value of such a line and ignores the rest.
  feedAll(parser, {kAppEnd + " {}"});
  CHECK(parser.stats().events == 1);
  CHECK(parser.stats().badLines == 0);
  REQUIRE(parser.warnings().size() == 1);
  CHECK_THAT(parser.warnings()[0].message, Catch::Contains("after the event object"));
  CHECK(parser.finish(false).completed);
}

TEST_CASE("warnings are capped while bad lines stay counted", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  for (int64_t line = 1; line <= 1500; ++line) feed(parser, "{broken", line);
  CHECK(parser.stats().badLines == 1500);
  parser.finish(false);
  REQUIRE(parser.warnings().size() == 1001);
  CHECK(parser.warnings().back().line == 0);
  CHECK_THAT(parser.warnings().back().message, Catch::Contains("500 more"));
}

TEST_CASE("events missing their identifying field are skipped with a warning", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerJobStart","Stage Infos":[]})",
                   R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage Name":"x"}})",
                   R"({"Event":"SparkListenerTaskEnd","Stage ID":0,"Task Info":{"Index":0}})",
                   R"({"Event":"SparkListenerExecutorAdded","Timestamp":1})"});
  CHECK(parser.stats().badLines == 0);
  CHECK(parser.stats().events == 4);
  REQUIRE(parser.warnings().size() == 4);
  CHECK_THAT(parser.warnings()[2].message, Catch::Contains("Task ID") && Catch::EndsWith("(skipped)"));
  AppAttempt app = parser.finish(false);
  CHECK(app.jobs.empty());
  CHECK(app.stages.empty());
  CHECK(app.executors.empty());
  CHECK(sink.tasks.empty());
}

TEST_CASE("addWarning records problems found outside the JSON", "[collector][parser]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  parser.addWarning(12, "the log ends inside this line");
  REQUIRE(parser.warnings().size() == 1);
  CHECK(parser.warnings()[0].line == 12);
  CHECK(parser.stats().badLines == 0);
}

TEST_CASE("unknown event names are bounded in number and length", "[collector][parser][bad-input]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  int64_t number = 0;
  for (int i = 0; i < 250; ++i) feed(parser, R"({"Event":"com.example.Event)" + std::to_string(i) + R"("})", ++number);
  feed(parser, R"({"Event":")" + std::string(1000, 'x') + R"("})", ++number);
  const auto& types = parser.stats().unknownEventTypes;
  CHECK(parser.stats().unknownEvents == 251);
  CHECK(types.size() == 201);
  CHECK(types.at("(other)") == 51);
  for (const auto& [name, count] : types) CHECK(name.size() <= 203);
}

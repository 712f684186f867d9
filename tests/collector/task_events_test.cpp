#include <catch2/catch.hpp>

#include <limits>

#include "collector/event_log_parser.h"
#include "collector/event_log_parser_fixture.h"

using jobtuner::collector::EventLogParser;
using namespace jobtuner::core;
using namespace jobtuner::testing;

namespace {

// A TaskEnd as Spark 1.2-1.6 wrote it: no CPU times or peak memory, "Shuffle Read Metrics"
// without "Total Records Read" (1.2 also without "Local Bytes Read"), "Data Read Method".
const std::string kSpark1TaskEnd =
    R"({"Event":"SparkListenerTaskEnd","Stage ID":2,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask",)"
    R"("Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":22,"Index":164,"Attempt":0,"Launch Time":1000,)"
    R"("Executor ID":"17","Host":"worker181","Locality":"NODE_LOCAL","Speculative":false,"Getting Result Time":0,)"
    R"("Finish Time":39759,"Failed":false,"Accumulables":[]},"Task Metrics":{"Host Name":"worker181",)"
    R"("Executor Deserialize Time":3074,"Executor Run Time":34482,"Result Size":2452,"JVM GC Time":1241,)"
    R"("Result Serialization Time":2,"Memory Bytes Spilled":10,"Disk Bytes Spilled":20,)"
    R"("Shuffle Read Metrics":{"Remote Blocks Fetched":3,"Local Blocks Fetched":8,"Fetch Wait Time":7,"Remote Bytes Read":900},)"
    R"("Shuffle Write Metrics":{"Shuffle Bytes Written":14860772,"Shuffle Write Time":89657075,"Shuffle Records Written":21694},)"
    R"("Input Metrics":{"Data Read Method":"Hadoop","Bytes Read":22036917,"Records Read":174786},)"
    R"("Updated Blocks":[{"Block ID":"rdd_0_6","Status":{"Memory Size":3500016}}]}})";

// A TaskEnd as Spark 3.4-4.x writes it, every metric non-zero and distinct.
const std::string kSpark4TaskEnd =
    R"({"Event":"SparkListenerTaskEnd","Stage ID":5,"Stage Attempt ID":1,"Task Type":"ResultTask",)"
    R"("Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":40,"Index":3,"Attempt":1,"Partition ID":3,)"
    R"("Launch Time":2000,"Executor ID":"4","Host":"node-4","Locality":"PROCESS_LOCAL","Speculative":true,)"
    R"("Getting Result Time":2900,"Finish Time":3000,"Failed":false,"Killed":false,)"
    R"("Accumulables":[{"ID":46,"Name":"internal.metrics.executorRunTime","Update":508,"Value":508,"Internal":true}]},)"
    R"("Task Executor Metrics":{"JVMHeapMemory":0},"Task Metrics":{"Executor Deserialize Time":1,)"
    R"("Executor Deserialize CPU Time":2,"Executor Run Time":3,"Executor CPU Time":4,"Peak Execution Memory":5,)"
    R"("Peak On Heap Execution Memory":5,"Peak Off Heap Execution Memory":0,"Result Size":6,"JVM GC Time":7,)"
    R"("Result Serialization Time":8,"Memory Bytes Spilled":9,"Disk Bytes Spilled":10,)"
    R"("Shuffle Read Metrics":{"Remote Blocks Fetched":11,"Local Blocks Fetched":12,"Fetch Wait Time":13,)"
    R"("Remote Bytes Read":14,"Remote Bytes Read To Disk":15,"Local Bytes Read":16,"Total Records Read":17,)"
    R"("Remote Requests Duration":18,"Push Based Shuffle":{"Corrupt Merged Block Chunks":0}},)"
    R"("Shuffle Write Metrics":{"Shuffle Bytes Written":19,"Shuffle Write Time":20000000,"Shuffle Records Written":21},)"
    R"("Input Metrics":{"Bytes Read":22,"Records Read":23},"Output Metrics":{"Bytes Written":24,"Records Written":25},)"
    R"("Updated Blocks":[]}})";

std::string taskEndWithReason(const std::string& reason, const std::string& infoFlags = R"("Failed":true,"Killed":false)") {
  return R"({"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task Type":"ShuffleMapTask","Task End Reason":)" +
         reason + R"(,"Task Info":{"Task ID":9,"Index":0,"Attempt":0,"Launch Time":10,"Executor ID":"2","Host":"h",)" +
         R"("Locality":"ANY","Speculative":false,"Getting Result Time":0,"Finish Time":20,)" + infoFlags +
         R"(,"Accumulables":[]}})";
}

TaskAttempt parseOneTask(const std::string& line) {
  CollectingSink sink;
  EventLogParser parser(sink);
  feed(parser, line, 1);
  parser.finish(false);
  REQUIRE(parser.stats().badLines == 0);
  REQUIRE(sink.tasks.size() == 1);
  return sink.tasks[0];
}

}  // namespace

TEST_CASE("a Spark 1.x TaskEnd decodes with absent metrics as zero", "[collector][parser][tasks]") {
  TaskAttempt task = parseOneTask(kSpark1TaskEnd);
  CHECK(task.taskId == 22);
  CHECK(task.stageId == 2);
  CHECK(task.stageAttemptId == 0);
  CHECK(task.index == 164);
  CHECK(task.partitionId == -1);
  CHECK(task.executorId == "17");
  CHECK(task.host == "worker181");
  CHECK(task.locality == "NODE_LOCAL");
  CHECK(task.taskType == "ShuffleMapTask");
  CHECK(task.launchTimeMs == 1000);
  CHECK(task.finishTimeMs == 39759);
  CHECK(task.durationMs() == 38759);
  CHECK(task.status == TaskStatus::Success);
  CHECK(task.endReason == "Success");
  CHECK(task.failureMessage.empty());
  CHECK(task.endReasonJson == R"({"Reason":"Success"})");
  CHECK(task.accumulablesJson == "[]");
  const TaskMetrics& metrics = task.metrics;
  CHECK(metrics.hasMetrics);
  CHECK(metrics.executorDeserializeTimeMs == 3074);
  CHECK(metrics.executorRunTimeMs == 34482);
  CHECK(metrics.resultSizeBytes == 2452);
  CHECK(metrics.jvmGcTimeMs == 1241);
  CHECK(metrics.resultSerializationTimeMs == 2);
  CHECK(metrics.memoryBytesSpilled == 10);
  CHECK(metrics.diskBytesSpilled == 20);
  CHECK(metrics.executorCpuTimeNs == 0);
  CHECK(metrics.peakExecutionMemoryBytes == 0);
  CHECK(metrics.shuffleRemoteBlocksFetched == 3);
  CHECK(metrics.shuffleLocalBlocksFetched == 8);
  CHECK(metrics.shuffleFetchWaitTimeMs == 7);
  CHECK(metrics.shuffleRemoteBytesRead == 900);
  CHECK(metrics.shuffleLocalBytesRead == 0);
  CHECK(metrics.shuffleRecordsRead == 0);
  CHECK(metrics.shuffleReadBytes() == 900);
  CHECK(metrics.shuffleBytesWritten == 14860772);
  CHECK(metrics.shuffleWriteTimeNs == 89657075);
  CHECK(metrics.shuffleWriteTimeMs() == 89);
  CHECK(metrics.shuffleRecordsWritten == 21694);
  CHECK(metrics.inputBytes == 22036917);
  CHECK(metrics.inputRecords == 174786);
  CHECK(metrics.outputBytes == 0);
}

TEST_CASE("a Spark 3.x/4.x TaskEnd decodes every metric", "[collector][parser][tasks]") {
  TaskAttempt task = parseOneTask(kSpark4TaskEnd);
  CHECK(task.taskId == 40);
  CHECK(task.stageId == 5);
  CHECK(task.stageAttemptId == 1);
  CHECK(task.index == 3);
  CHECK(task.attempt == 1);
  CHECK(task.partitionId == 3);
  CHECK(task.speculative);
  CHECK(task.gettingResultTimeMs == 2900);
  CHECK(task.taskType == "ResultTask");
  // The only accumulable repeats a task metric, which the model holds already.
  CHECK(task.accumulablesJson == "[]");
  const TaskMetrics& m = task.metrics;
  CHECK(m.hasMetrics);
  CHECK(m.executorDeserializeTimeMs == 1);
  CHECK(m.executorDeserializeCpuTimeNs == 2);
  CHECK(m.executorRunTimeMs == 3);
  CHECK(m.executorCpuTimeNs == 4);
  CHECK(m.peakExecutionMemoryBytes == 5);
  CHECK(m.resultSizeBytes == 6);
  CHECK(m.jvmGcTimeMs == 7);
  CHECK(m.resultSerializationTimeMs == 8);
  CHECK(m.memoryBytesSpilled == 9);
  CHECK(m.diskBytesSpilled == 10);
  CHECK(m.shuffleRemoteBlocksFetched == 11);
  CHECK(m.shuffleLocalBlocksFetched == 12);
  CHECK(m.shuffleFetchWaitTimeMs == 13);
  CHECK(m.shuffleRemoteBytesRead == 14);
  CHECK(m.shuffleRemoteBytesReadToDisk == 15);
  CHECK(m.shuffleLocalBytesRead == 16);
  CHECK(m.shuffleRecordsRead == 17);
  CHECK(m.shuffleRemoteReqsDurationMs == 18);
  CHECK(m.shuffleBytesWritten == 19);
  CHECK(m.shuffleWriteTimeNs == 20000000);
  CHECK(m.shuffleRecordsWritten == 21);
  CHECK(m.inputBytes == 22);
  CHECK(m.inputRecords == 23);
  CHECK(m.outputBytes == 24);
  CHECK(m.outputRecords == 25);
}

TEST_CASE("Task Metrics missing or null means no metrics", "[collector][parser][tasks]") {
  TaskAttempt missing = parseOneTask(taskEndWithReason(R"({"Reason":"Resubmitted"})", R"("Failed":false)"));
  CHECK_FALSE(missing.metrics.hasMetrics);
  CHECK(missing.metrics.executorRunTimeMs == 0);
  std::string withNull = taskEndWithReason(R"({"Reason":"Success"})", R"("Failed":false)");
  withNull.insert(withNull.size() - 1, R"(,"Task Metrics":null)");
  CHECK_FALSE(parseOneTask(withNull).metrics.hasMetrics);
}

TEST_CASE("task end reasons map to status and a one-line message", "[collector][parser][tasks]") {
  SECTION("ExceptionFailure") {
    TaskAttempt task = parseOneTask(taskEndWithReason(
        R"({"Reason":"ExceptionFailure","Class Name":"java.lang.RuntimeException","Description":"got a 3, failing\nmore","Stack Trace":[{"Declaring Class":"A","Method Name":"m","File Name":"A.scala","Line Number":1}],"Full Stack Trace":"java.lang.RuntimeException: got a 3\n\tat A.m","Accumulator Updates":[]})"));
    CHECK(task.status == TaskStatus::Failed);
    CHECK(task.endReason == "ExceptionFailure");
    CHECK(task.failureMessage == "java.lang.RuntimeException: got a 3, failing");
    CHECK_THAT(task.endReasonJson, Catch::StartsWith(R"({"Reason":"ExceptionFailure","Class Name")") &&
                                       Catch::Contains("Full Stack Trace"));
  }
  SECTION("ExecutorLostFailure") {
    TaskAttempt task = parseOneTask(taskEndWithReason(
        R"({"Reason":"ExecutorLostFailure","Executor ID":"2","Exit Caused By App":true,"Loss Reason":"Container killed by YARN for exceeding memory limits"})"));
    CHECK(task.status == TaskStatus::Failed);
    CHECK(task.failureMessage ==
          "ExecutorLostFailure (executor 2 exited caused by one of the running tasks) Reason: Container killed by YARN "
          "for exceeding memory limits");
  }
  SECTION("FetchFailed") {
    TaskAttempt task = parseOneTask(taskEndWithReason(
        R"({"Reason":"FetchFailed","Block Manager Address":{"Executor ID":"1","Host":"node-8","Port":46008},"Shuffle ID":54,"Map ID":8347,"Map Index":9,"Reduce ID":72,"Message":"org.apache.spark.shuffle.FetchFailedException: gone\n\tat x"})"));
    CHECK(task.status == TaskStatus::Failed);
    CHECK(task.failureMessage ==
          "FetchFailed (shuffle 54, map 8347, reduce 72) from executor 1 on node-8: "
          "org.apache.spark.shuffle.FetchFailedException: gone");
  }
  SECTION("TaskKilled") {
    TaskAttempt task = parseOneTask(
        taskEndWithReason(R"({"Reason":"TaskKilled","Kill Reason":"Stage cancelled","Accumulator Updates":[]})",
                          R"("Failed":false,"Killed":true)"));
    CHECK(task.status == TaskStatus::Killed);
    CHECK(task.failureMessage == "TaskKilled (Stage cancelled)");
  }
  SECTION("TaskCommitDenied counts as killed, as in Spark's UI") {
    TaskAttempt task = parseOneTask(taskEndWithReason(
        R"({"Reason":"TaskCommitDenied","Job ID":1,"Partition ID":2,"Attempt Number":3})", R"("Failed":false,"Killed":true)"));
    CHECK(task.status == TaskStatus::Killed);
    CHECK_THAT(task.failureMessage, Catch::StartsWith("TaskCommitDenied") && Catch::Contains("partition: 2"));
  }
  SECTION("Resubmitted counts as failed, as in Spark's UI") {
    TaskAttempt task = parseOneTask(taskEndWithReason(R"({"Reason":"Resubmitted"})", R"("Failed":false,"Killed":false)"));
    CHECK(task.status == TaskStatus::Failed);
    CHECK(task.failureMessage == "Resubmitted (resubmitted due to lost executor)");
  }
  SECTION("TaskResultLost and UnknownReason") {
    CHECK(parseOneTask(taskEndWithReason(R"({"Reason":"TaskResultLost"})")).status == TaskStatus::Failed);
    TaskAttempt unknown = parseOneTask(taskEndWithReason(R"({"Reason":"UnknownReason"})"));
    CHECK(unknown.status == TaskStatus::Failed);
    CHECK(unknown.failureMessage == "UnknownReason");
  }
  SECTION("a reason from a newer Spark follows Task Info's Killed flag") {
    TaskAttempt task = parseOneTask(taskEndWithReason(R"({"Reason":"FutureReason"})", R"("Failed":false,"Killed":true)"));
    CHECK(task.status == TaskStatus::Killed);
    CHECK(task.endReason == "FutureReason");
  }
  SECTION("no Task End Reason at all follows Task Info's flags") {
    std::string line = taskEndWithReason("null", R"("Failed":true)");
    TaskAttempt task = parseOneTask(line);
    CHECK(task.status == TaskStatus::Failed);
  }
}

TEST_CASE("a very long failure description is cut to one bounded line", "[collector][parser][tasks]") {
  std::string description(5000, 'x');
  TaskAttempt task = parseOneTask(taskEndWithReason(
      R"({"Reason":"ExceptionFailure","Class Name":"E","Description":")" + description + R"("})"));
  CHECK(task.failureMessage.size() < 1100);
  CHECK_THAT(task.failureMessage, Catch::EndsWith("..."));
  CHECK(task.endReasonJson.size() > 5000);
}

TEST_CASE("tasks started and never ended are emitted as running at finish", "[collector][parser][tasks]") {
  CollectingSink sink;
  EventLogParser parser(sink);
  feedAll(parser, {R"({"Event":"SparkListenerTaskStart","Stage ID":1,"Stage Attempt ID":0,"Task Info":{"Task ID":8,"Index":1,"Attempt":0,"Launch Time":100,"Executor ID":"1","Host":"h","Locality":"ANY","Speculative":false,"Getting Result Time":0,"Finish Time":0,"Failed":false,"Killed":false,"Accumulables":[]}})",
                   R"({"Event":"SparkListenerTaskStart","Stage ID":1,"Stage Attempt ID":0,"Task Info":{"Task ID":7,"Index":0,"Launch Time":90,"Executor ID":"1","Host":"h"}})",
                   R"({"Event":"SparkListenerTaskGettingResult","Task Info":{"Task ID":8,"Index":1,"Launch Time":100,"Getting Result Time":150}})",
                   R"({"Event":"SparkListenerTaskStart","Stage ID":1,"Stage Attempt ID":0,"Task Info":{"Task ID":9,"Index":2,"Launch Time":100}})",
                   R"({"Event":"SparkListenerTaskEnd","Stage ID":1,"Stage Attempt ID":0,"Task Type":"ResultTask","Task End Reason":{"Reason":"Success"},"Task Info":{"Task ID":9,"Index":2,"Launch Time":100,"Finish Time":180},"Task Metrics":{"Executor Run Time":70}})"});
  REQUIRE(sink.tasks.size() == 1);
  CHECK(sink.tasks[0].taskId == 9);
  parser.finish(false);
  REQUIRE(sink.tasks.size() == 3);
  CHECK(sink.tasks[1].taskId == 7);
  CHECK(sink.tasks[2].taskId == 8);
  CHECK(sink.tasks[2].status == TaskStatus::Running);
  CHECK(sink.tasks[2].gettingResultTimeMs == 150);
  CHECK(sink.tasks[2].stageId == 1);
  CHECK(sink.tasks[2].finishTimeMs == 0);
  CHECK(parser.stats().taskEndEvents == 1);
}

TEST_CASE("numbers written as strings and missing fields are read leniently", "[collector][parser][tasks][bad-input]") {
  TaskAttempt task = parseOneTask(
      R"({"Event":"SparkListenerTaskEnd","Stage ID":"3","Task End Reason":{"Reason":"Success"},)"
      R"("Task Info":{"Task ID":"17","Index":" 2 ","Launch Time":"1.5e3","Finish Time":2000.0,"Speculative":"true","Executor ID":5},)"
      R"("Task Metrics":{"Executor Run Time":"42","JVM GC Time":null,"Result Size":[1],"Input Metrics":"n/a",)"
      R"("Memory Bytes Spilled":99999999999999999999}})");
  CHECK(task.taskId == 17);
  CHECK(task.stageId == 3);
  CHECK(task.stageAttemptId == 0);
  CHECK(task.index == 2);
  CHECK(task.launchTimeMs == 1500);
  CHECK(task.finishTimeMs == 2000);
  CHECK(task.speculative);
  CHECK(task.executorId == "5");
  CHECK(task.metrics.executorRunTimeMs == 42);
  CHECK(task.metrics.jvmGcTimeMs == 0);
  CHECK(task.metrics.resultSizeBytes == 0);
  CHECK(task.metrics.inputBytes == 0);
  CHECK(task.metrics.memoryBytesSpilled == std::numeric_limits<int64_t>::max());
  CHECK(task.status == TaskStatus::Success);
}

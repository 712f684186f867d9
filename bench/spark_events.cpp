#include "spark_events.h"

#include <string_view>
#include <utility>

namespace jobtuner::bench {

namespace {

constexpr std::string_view kSparkVersion = "3.3.2";

struct InternalAccumulator {
  int offset;
  const char* name;
  int64_t TaskMetricValues::*value;
};

// Offsets within a stage's block follow the registration order of TaskMetrics' accumulators
// (offset 10 is updatedBlockStatuses, which JsonProtocol leaves out).
constexpr InternalAccumulator kBaseMetrics[] = {
    {0, "internal.metrics.executorDeserializeTime", &TaskMetricValues::executorDeserializeTime},
    {1, "internal.metrics.executorDeserializeCpuTime", &TaskMetricValues::executorDeserializeCpuTime},
    {2, "internal.metrics.executorRunTime", &TaskMetricValues::executorRunTime},
    {3, "internal.metrics.executorCpuTime", &TaskMetricValues::executorCpuTime},
    {4, "internal.metrics.resultSize", &TaskMetricValues::resultSize},
    {5, "internal.metrics.jvmGCTime", &TaskMetricValues::jvmGcTime},
    {6, "internal.metrics.resultSerializationTime", &TaskMetricValues::resultSerializationTime},
    {7, "internal.metrics.memoryBytesSpilled", &TaskMetricValues::memoryBytesSpilled},
    {8, "internal.metrics.diskBytesSpilled", &TaskMetricValues::diskBytesSpilled},
    {9, "internal.metrics.peakExecutionMemory", &TaskMetricValues::peakExecutionMemory},
};
constexpr InternalAccumulator kShuffleReadMetrics[] = {
    {11, "internal.metrics.shuffle.read.remoteBlocksFetched", &TaskMetricValues::remoteBlocksFetched},
    {12, "internal.metrics.shuffle.read.localBlocksFetched", &TaskMetricValues::localBlocksFetched},
    {13, "internal.metrics.shuffle.read.remoteBytesRead", &TaskMetricValues::remoteBytesRead},
    {14, "internal.metrics.shuffle.read.remoteBytesReadToDisk", &TaskMetricValues::remoteBytesReadToDisk},
    {15, "internal.metrics.shuffle.read.localBytesRead", &TaskMetricValues::localBytesRead},
    {16, "internal.metrics.shuffle.read.fetchWaitTime", &TaskMetricValues::fetchWaitTime},
    {17, "internal.metrics.shuffle.read.recordsRead", &TaskMetricValues::recordsRead},
};
constexpr InternalAccumulator kShuffleWriteMetrics[] = {
    {18, "internal.metrics.shuffle.write.bytesWritten", &TaskMetricValues::shuffleBytesWritten},
    {19, "internal.metrics.shuffle.write.recordsWritten", &TaskMetricValues::shuffleRecordsWritten},
    {20, "internal.metrics.shuffle.write.writeTime", &TaskMetricValues::shuffleWriteTime},
};
constexpr InternalAccumulator kInputMetrics[] = {
    {21, "internal.metrics.input.bytesRead", &TaskMetricValues::inputBytesRead},
    {22, "internal.metrics.input.recordsRead", &TaskMetricValues::inputRecordsRead},
};
constexpr InternalAccumulator kOutputMetrics[] = {
    {23, "internal.metrics.output.bytesWritten", &TaskMetricValues::outputBytesWritten},
    {24, "internal.metrics.output.recordsWritten", &TaskMetricValues::outputRecordsWritten},
};

// The call site Spark records as a stage's details, already escaped for JSON.
constexpr std::string_view kStageDetails =
    "org.apache.spark.sql.Dataset.collectToPython(Dataset.scala:4160)\\n"
    "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\\n"
    "java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:77)\\n"
    "java.base/jdk.internal.reflect.DelegatingMethodAccessorImpl.invoke(DelegatingMethodAccessorImpl.java:43)\\n"
    "java.base/java.lang.reflect.Method.invoke(Method.java:569)\\n"
    "py4j.reflection.MethodInvoker.invoke(MethodInvoker.java:244)\\n"
    "py4j.Gateway.invoke(Gateway.java:282)\\n"
    "py4j.commands.CallCommand.execute(CallCommand.java:79)\\n"
    "java.base/java.lang.Thread.run(Thread.java:840)";

constexpr std::string_view kExceptionStackTrace =
    "[{\"Declaring Class\":\"org.apache.spark.sql.catalyst.expressions.GeneratedClass$GeneratedIteratorForCodegenStage3\","
    "\"Method Name\":\"processNext\",\"File Name\":null,\"Line Number\":-1},"
    "{\"Declaring Class\":\"org.apache.spark.sql.execution.BufferedRowIterator\",\"Method Name\":\"hasNext\","
    "\"File Name\":\"BufferedRowIterator.java\",\"Line Number\":43},"
    "{\"Declaring Class\":\"org.apache.spark.sql.execution.WholeStageCodegenEvaluatorFactory$WholeStageCodegenPartitionEvaluator$$anon$1\","
    "\"Method Name\":\"hasNext\",\"File Name\":\"WholeStageCodegenEvaluatorFactory.scala\",\"Line Number\":43},"
    "{\"Declaring Class\":\"org.apache.spark.shuffle.sort.BypassMergeSortShuffleWriter\",\"Method Name\":\"write\","
    "\"File Name\":\"BypassMergeSortShuffleWriter.java\",\"Line Number\":140},"
    "{\"Declaring Class\":\"org.apache.spark.scheduler.ShuffleMapTask\",\"Method Name\":\"runTask\","
    "\"File Name\":\"ShuffleMapTask.scala\",\"Line Number\":104},"
    "{\"Declaring Class\":\"org.apache.spark.scheduler.Task\",\"Method Name\":\"run\",\"File Name\":\"Task.scala\","
    "\"Line Number\":141},"
    "{\"Declaring Class\":\"org.apache.spark.executor.Executor$TaskRunner\",\"Method Name\":\"run\","
    "\"File Name\":\"Executor.scala\",\"Line Number\":620}]";

constexpr std::string_view kExceptionFullTrace =
    "java.io.IOException: Failed to read 4194304 bytes from part-00417-6f1c.snappy.parquet: Connection reset\\n"
    "\\tat org.apache.parquet.hadoop.ParquetFileReader$ConsecutivePartList.readAll(ParquetFileReader.java:1850)\\n"
    "\\tat org.apache.spark.sql.execution.BufferedRowIterator.hasNext(BufferedRowIterator.java:43)\\n"
    "\\tat org.apache.spark.shuffle.sort.BypassMergeSortShuffleWriter.write(BypassMergeSortShuffleWriter.java:140)\\n"
    "\\tat org.apache.spark.scheduler.ShuffleMapTask.runTask(ShuffleMapTask.scala:104)\\n"
    "\\tat org.apache.spark.scheduler.Task.run(Task.scala:141)\\n"
    "\\tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:620)\\n";

void writeProperty(JsonLineWriter& out, bool& first, std::string_view key, std::string_view value) {
  out.raw(first ? "" : ",").string(key).raw(":").string(value);
  first = false;
}

void writeRddInfos(JsonLineWriter& out, const StageRecord& stage) {
  out.raw("[");
  for (int32_t i = stage.numRdds - 1; i >= 0; --i) {
    const int32_t rddId = stage.firstRddId + i;
    const bool leaf = i == 0;
    const char* name = leaf ? (stage.readsInput ? "FileScanRDD" : "ShuffledRowRDD") : "MapPartitionsRDD";
    const char* scopeName = leaf ? (stage.readsInput ? "Scan parquet " : "Exchange") : "WholeStageCodegen (2)";
    out.raw("{\"RDD ID\":").number(rddId).raw(",\"Name\":\"").raw(name).raw("\",\"Scope\":\"{\\\"id\\\":\\\"");
    out.number(rddId * 3 + 1).raw("\\\",\\\"name\\\":\\\"").raw(scopeName).raw("\\\"}\",\"Callsite\":").string(stage.name);
    out.raw(",\"Parent IDs\":[");
    if (!leaf) out.number(rddId - 1);
    out.raw("],\"Storage Level\":{\"Use Disk\":false,\"Use Memory\":false,"
            "\"Deserialized\":false,\"Replication\":1},\"Barrier\":false,\"DeterministicLevel\":\"DETERMINATE\","
            "\"Number of Partitions\":");
    out.number(stage.numTasks).raw(",\"Number of Cached Partitions\":0,\"Memory Size\":0,\"Disk Size\":0}");
    if (i > 0) out.raw(",");
  }
  out.raw("]");
}

void writeAccumulable(JsonLineWriter& out, int64_t id, const char* name, int64_t update, const int64_t* value) {
  out.raw("{\"ID\":").number(id).raw(",\"Name\":\"").raw(name).raw("\",\"Update\":").number(update);
  if (value) out.raw(",\"Value\":").number(*value);
  out.raw(",\"Internal\":true,\"Count Failed Values\":true}");
}

// Calls fn(offset, name, update) for each internal accumulator a successful task reports: Spark
// sends only accumulators that were touched, so the shuffle groups come whole and the rest only
// when non-zero. A failed or killed task reports the non-zero ones it measured before it stopped.
template <typename Fn>
void forEachInternalUpdate(const StageRecord& stage, const TaskMetricValues& m, bool failed, Fn&& fn) {
  if (failed) {
    auto each = [&](const auto& metrics) {
      for (const auto& a : metrics) {
        if (m.*a.value != 0) fn(a.offset, a.name, m.*a.value);
      }
    };
    each(kBaseMetrics);
    each(kShuffleReadMetrics);
    each(kShuffleWriteMetrics);
    each(kInputMetrics);
    each(kOutputMetrics);
    return;
  }
  for (const auto& a : kBaseMetrics) {
    if (m.*a.value != 0) fn(a.offset, a.name, m.*a.value);
  }
  if (stage.readsShuffle) {
    for (const auto& a : kShuffleReadMetrics) fn(a.offset, a.name, m.*a.value);
  }
  if (stage.writesShuffle) {
    for (const auto& a : kShuffleWriteMetrics) fn(a.offset, a.name, m.*a.value);
  }
  if (m.inputBytesRead != 0) {
    for (const auto& a : kInputMetrics) fn(a.offset, a.name, m.*a.value);
  }
  if (m.outputBytesWritten != 0) {
    for (const auto& a : kOutputMetrics) fn(a.offset, a.name, m.*a.value);
  }
}

void writeStageInfo(JsonLineWriter& out, const StageRecord& stage, bool submitted, bool completed) {
  out.raw("{\"Stage ID\":").number(stage.stageId).raw(",\"Stage Attempt ID\":").number(stage.attemptId);
  out.raw(",\"Stage Name\":").string(stage.name).raw(",\"Number of Tasks\":").number(stage.numTasks);
  out.raw(",\"RDD Info\":");
  writeRddInfos(out, stage);
  out.raw(",\"Parent IDs\":[");
  for (size_t i = 0; i < stage.parentIds.size(); ++i) out.raw(i ? "," : "").number(stage.parentIds[i]);
  out.raw("],\"Details\":\"").raw(kStageDetails).raw("\"");
  if (submitted) out.raw(",\"Submission Time\":").number(stage.submissionTime);
  if (completed) out.raw(",\"Completion Time\":").number(stage.completionTime);
  out.raw(",\"Accumulables\":[");
  if (completed) {
    // The stage's accumulators with their final values, sorted by id as accumulablesToJson does.
    bool first = true;
    for (size_t i = 0; i < stage.sqlMetrics.size(); ++i) {
      out.raw(first ? "" : ",").raw("{\"ID\":").number(stage.sqlMetrics[i].id).raw(",\"Name\":\"");
      out.raw(stage.sqlMetrics[i].name).raw("\",\"Value\":").quotedNumber(stage.sqlTotals[i]);
      out.raw(",\"Internal\":true,\"Count Failed Values\":true,\"Metadata\":\"sql\"}");
      first = false;
    }
    TaskMetricValues touched;  // any non-zero value: selects every group the stage updates
    for (const auto& a : kBaseMetrics) touched.*a.value = stage.internalTotals[a.offset];
    touched.inputBytesRead = stage.internalTotals[kInputMetrics[0].offset];
    touched.outputBytesWritten = stage.internalTotals[kOutputMetrics[0].offset];
    forEachInternalUpdate(stage, touched, false, [&](int offset, const char* name, int64_t) {
      out.raw(first ? "" : ",").raw("{\"ID\":").number(stage.internalAccumulatorBase + offset);
      out.raw(",\"Name\":\"").raw(name).raw("\",\"Value\":").number(stage.internalTotals[offset]);
      out.raw(",\"Internal\":true,\"Count Failed Values\":true}");
      first = false;
    });
  }
  out.raw("],\"Resource Profile Id\":0}");
}

void writeJobProperties(JsonLineWriter& out, const StageRecord& stage, bool withResources) {
  out.raw("{");
  bool first = true;
  if (!stage.jobDescription.empty()) writeProperty(out, first, "spark.job.description", stage.jobDescription);
  if (stage.sqlExecutionId >= 0) {
    writeProperty(out, first, "spark.sql.execution.id", std::to_string(stage.sqlExecutionId));
    writeProperty(out, first, "spark.sql.execution.root.id", std::to_string(stage.sqlExecutionId));
  }
  const std::string scope = "{\"id\":\"" + std::to_string(stage.firstRddId * 3 + 7) + "\",\"name\":\"collect\"}";
  writeProperty(out, first, "spark.rdd.scope", scope);
  writeProperty(out, first, "spark.rdd.scope.noOverride", "true");
  writeProperty(out, first, "spark.job.interruptOnCancel", "true");
  if (withResources) writeProperty(out, first, "resource.executor.cores", "4");
  out.raw("}");
}

}  // namespace

void writeLogStart(JsonLineWriter& out) {
  out.raw("{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"").raw(kSparkVersion).raw("\"}");
  out.endLine();
}

void writeResourceProfileAdded(JsonLineWriter& out, const AppInfo& app) {
  out.raw("{\"Event\":\"SparkListenerResourceProfileAdded\",\"Resource Profile Id\":0,\"Executor Resource Requests\":{"
          "\"memoryOverhead\":{\"Resource Name\":\"memoryOverhead\",\"Amount\":2048,\"Discovery Script\":\"\",\"Vendor\":\"\"},"
          "\"cores\":{\"Resource Name\":\"cores\",\"Amount\":");
  out.number(app.executorCores);
  out.raw(",\"Discovery Script\":\"\",\"Vendor\":\"\"},\"memory\":{\"Resource Name\":\"memory\",\"Amount\":8192,"
          "\"Discovery Script\":\"\",\"Vendor\":\"\"},\"offHeap\":{\"Resource Name\":\"offHeap\",\"Amount\":0,"
          "\"Discovery Script\":\"\",\"Vendor\":\"\"}},\"Task Resource Requests\":{\"cpus\":{\"Resource Name\":\"cpus\","
          "\"Amount\":1.0}}}");
  out.endLine();
}

void writeEnvironmentUpdate(JsonLineWriter& out, const AppInfo& app, int32_t numExecutors) {
  out.raw("{\"Event\":\"SparkListenerEnvironmentUpdate\",\"JVM Information\":{\"Java Home\":\"/usr/lib/jvm/java-17-openjdk-amd64\","
          "\"Java Version\":\"17.0.10 (Eclipse Adoptium)\",\"Scala Version\":\"version 2.12.18\"},\"Spark Properties\":{");
  const std::pair<std::string, std::string> properties[] = {
      {"spark.app.name", app.appName},
      {"spark.app.id", app.appId},
      {"spark.app.startTime", std::to_string(app.startTime)},
      {"spark.app.submitTime", std::to_string(app.startTime - 1850)},
      {"spark.master", "yarn"},
      {"spark.submit.deployMode", "cluster"},
      {"spark.driver.host", "10.0.0.12"},
      {"spark.driver.port", "40411"},
      {"spark.driver.memory", "4g"},
      {"spark.driver.cores", "2"},
      {"spark.executor.id", "driver"},
      {"spark.executor.instances", std::to_string(numExecutors)},
      {"spark.executor.cores", std::to_string(app.executorCores)},
      {"spark.executor.memory", app.executorMemory},
      {"spark.executor.memoryOverhead", "2g"},
      {"spark.memory.fraction", "0.6"},
      {"spark.memory.storageFraction", "0.5"},
      {"spark.sql.shuffle.partitions", std::to_string(app.shufflePartitions)},
      {"spark.sql.adaptive.enabled", "true"},
      {"spark.sql.adaptive.coalescePartitions.enabled", "true"},
      {"spark.sql.adaptive.skewJoin.enabled", "false"},
      {"spark.sql.autoBroadcastJoinThreshold", "10485760"},
      {"spark.sql.files.maxPartitionBytes", "134217728"},
      {"spark.default.parallelism", std::to_string(numExecutors * app.executorCores * 2)},
      {"spark.serializer", "org.apache.spark.serializer.KryoSerializer"},
      {"spark.shuffle.service.enabled", "true"},
      {"spark.dynamicAllocation.enabled", "false"},
      {"spark.speculation", "true"},
      {"spark.task.maxFailures", "4"},
      {"spark.eventLog.enabled", "true"},
      {"spark.eventLog.dir", "hdfs:///spark-history"},
      {"spark.eventLog.compress", "false"},
      {"spark.scheduler.mode", "FIFO"},
      {"spark.network.timeout", "300s"},
      {"spark.hadoop.fs.s3a.secret.key", "*********(redacted)"},
      {"spark.yarn.queue", "etl"},
      {"spark.ui.port", "0"},
      {"spark.submit.pyFiles", ""},
  };
  bool first = true;
  for (const auto& [key, value] : properties) writeProperty(out, first, key, value);
  out.raw("},\"Hadoop Properties\":{\"fs.defaultFS\":\"hdfs://namenode:8020\",\"dfs.replication\":\"3\","
          "\"fs.s3a.impl\":\"org.apache.hadoop.fs.s3a.S3AFileSystem\",\"mapreduce.framework.name\":\"yarn\","
          "\"yarn.resourcemanager.address\":\"resourcemanager:8032\",\"io.file.buffer.size\":\"65536\","
          "\"hadoop.tmp.dir\":\"/tmp/hadoop-yarn\"},\"System Properties\":{\"java.io.tmpdir\":\"/tmp\","
          "\"line.separator\":\"\\n\",\"file.encoding\":\"UTF-8\",\"java.version\":\"17.0.10\",\"os.name\":\"Linux\","
          "\"os.arch\":\"amd64\",\"user.name\":");
  out.string(app.user);
  out.raw(",\"user.timezone\":\"UTC\",\"java.vm.name\":\"OpenJDK 64-Bit Server VM\",\"SPARK_SUBMIT\":\"true\","
          "\"sun.java.command\":\"org.apache.spark.deploy.SparkSubmit --deploy-mode cluster etl_daily.py\"},"
          "\"Classpath Entries\":{");
  const char* jars[] = {"spark-core_2.12-3.3.2.jar", "spark-sql_2.12-3.3.2.jar", "spark-catalyst_2.12-3.3.2.jar",
                        "hadoop-client-api-3.3.4.jar", "hadoop-client-runtime-3.3.4.jar", "parquet-hadoop-1.13.1.jar",
                        "scala-library-2.12.18.jar", "kryo-shaded-4.0.2.jar", "netty-all-4.1.96.Final.jar",
                        "zstd-jni-1.5.5-4.jar"};
  first = true;
  for (const char* jar : jars) {
    out.raw(first ? "" : ",").raw("\"/opt/spark/jars/").raw(jar).raw("\":\"System Classpath\"");
    first = false;
  }
  out.raw("}}");
  out.endLine();
}

void writeApplicationStart(JsonLineWriter& out, const AppInfo& app) {
  out.raw("{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":").string(app.appName);
  out.raw(",\"App ID\":").string(app.appId).raw(",\"Timestamp\":").number(app.startTime);
  out.raw(",\"User\":").string(app.user);
  if (app.appId.rfind("application_", 0) == 0) out.raw(",\"App Attempt ID\":\"1\"");
  out.raw("}");
  out.endLine();
}

void writeApplicationEnd(JsonLineWriter& out, const AppInfo& app) {
  out.raw("{\"Event\":\"SparkListenerApplicationEnd\",\"Timestamp\":").number(app.endTime).raw("}");
  out.endLine();
}

void writeExecutorAdded(JsonLineWriter& out, const ExecutorRecord& executor, const AppInfo& app) {
  out.raw("{\"Event\":\"SparkListenerExecutorAdded\",\"Timestamp\":").number(executor.addTime);
  out.raw(",\"Executor ID\":").string(executor.id).raw(",\"Executor Info\":{\"Host\":").string(executor.host);
  out.raw(",\"Total Cores\":").number(executor.cores).raw(",\"Log Urls\":{\"stdout\":\"http://");
  out.raw(executor.host).raw(":8042/node/containerlogs/container_01_").raw(executor.id).raw("/").raw(app.user);
  out.raw("/stdout?start=-4096\",\"stderr\":\"http://").raw(executor.host).raw(":8042/node/containerlogs/container_01_");
  out.raw(executor.id).raw("/").raw(app.user).raw("/stderr?start=-4096\"},\"Attributes\":{\"NM_HOST\":").string(executor.host);
  out.raw(",\"NM_PORT\":\"8041\",\"CONTAINER_ID\":\"container_01_").raw(executor.id).raw("\"},\"Resources\":{},");
  out.raw("\"Resource Profile Id\":0}}");
  out.endLine();
}

void writeBlockManagerAdded(JsonLineWriter& out, const ExecutorRecord& executor) {
  out.raw("{\"Event\":\"SparkListenerBlockManagerAdded\",\"Block Manager ID\":{\"Executor ID\":").string(executor.id);
  out.raw(",\"Host\":").string(executor.host).raw(",\"Port\":").number(executor.blockManagerPort);
  out.raw("},\"Maximum Memory\":").number(executor.maxMemory).raw(",\"Timestamp\":").number(executor.addTime + 35);
  out.raw(",\"Maximum Onheap Memory\":").number(executor.maxMemory).raw(",\"Maximum Offheap Memory\":0}");
  out.endLine();
}

void writeExecutorRemoved(JsonLineWriter& out, const ExecutorRecord& executor) {
  out.raw("{\"Event\":\"SparkListenerExecutorRemoved\",\"Timestamp\":").number(executor.removeTime);
  out.raw(",\"Executor ID\":").string(executor.id).raw(",\"Removed Reason\":").string(executor.removeReason).raw("}");
  out.endLine();
}

void writeBlockManagerRemoved(JsonLineWriter& out, const ExecutorRecord& executor) {
  out.raw("{\"Event\":\"SparkListenerBlockManagerRemoved\",\"Block Manager ID\":{\"Executor ID\":").string(executor.id);
  out.raw(",\"Host\":").string(executor.host).raw(",\"Port\":").number(executor.blockManagerPort);
  out.raw("},\"Timestamp\":").number(executor.removeTime).raw("}");
  out.endLine();
}

void writeJobStart(JsonLineWriter& out, int32_t jobId, int64_t time, const std::vector<const StageRecord*>& stages) {
  out.raw("{\"Event\":\"SparkListenerJobStart\",\"Job ID\":").number(jobId).raw(",\"Submission Time\":").number(time);
  out.raw(",\"Stage Infos\":[");
  for (size_t i = 0; i < stages.size(); ++i) {
    if (i) out.raw(",");
    writeStageInfo(out, *stages[i], false, false);
  }
  out.raw("],\"Stage IDs\":[");
  for (size_t i = 0; i < stages.size(); ++i) out.raw(i ? "," : "").number(stages[i]->stageId);
  out.raw("],\"Properties\":");
  writeJobProperties(out, *stages.back(), false);
  out.raw("}");
  out.endLine();
}

void writeJobEnd(JsonLineWriter& out, int32_t jobId, int64_t time) {
  out.raw("{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":").number(jobId).raw(",\"Completion Time\":").number(time);
  out.raw(",\"Job Result\":{\"Result\":\"JobSucceeded\"}}");
  out.endLine();
}

void writeStageSubmitted(JsonLineWriter& out, const StageRecord& stage) {
  out.raw("{\"Event\":\"SparkListenerStageSubmitted\",\"Stage Info\":");
  writeStageInfo(out, stage, true, false);
  out.raw(",\"Properties\":");
  writeJobProperties(out, stage, true);
  out.raw("}");
  out.endLine();
}

void writeStageCompleted(JsonLineWriter& out, const StageRecord& stage) {
  out.raw("{\"Event\":\"SparkListenerStageCompleted\",\"Stage Info\":");
  writeStageInfo(out, stage, true, true);
  out.raw("}");
  out.endLine();
}

namespace {

void writeTaskInfoHead(JsonLineWriter& out, const TaskRecord& task, const std::vector<ExecutorRecord>& executors,
                       bool finished) {
  const ExecutorRecord& executor = executors[task.executor];
  out.raw("{\"Task ID\":").number(task.taskId).raw(",\"Index\":").number(task.index);
  out.raw(",\"Attempt\":").number(task.attempt).raw(",\"Partition ID\":").number(task.index);
  out.raw(",\"Launch Time\":").number(task.launchTime).raw(",\"Executor ID\":").string(executor.id);
  out.raw(",\"Host\":").string(executor.host).raw(",\"Locality\":\"").raw(task.locality).raw("\",\"Speculative\":");
  out.boolean(task.speculative).raw(",\"Getting Result Time\":").number(finished ? task.gettingResultTime : 0);
  out.raw(",\"Finish Time\":").number(finished ? task.finishTime : 0).raw(",\"Failed\":");
  out.boolean(finished && (task.outcome == TaskOutcome::kExceptionFailure || task.outcome == TaskOutcome::kExecutorLost));
  out.raw(",\"Killed\":").boolean(finished && task.outcome == TaskOutcome::kKilled);
}

// Spark writes the executor's metric peaks for the task; with the default polling interval (0)
// executors report none, so every real 3.x log has this block of zeros.
constexpr std::string_view kTaskExecutorMetrics =
    ",\"Task Executor Metrics\":{\"JVMHeapMemory\":0,\"JVMOffHeapMemory\":0,\"OnHeapExecutionMemory\":0,"
    "\"OffHeapExecutionMemory\":0,\"OnHeapStorageMemory\":0,\"OffHeapStorageMemory\":0,\"OnHeapUnifiedMemory\":0,"
    "\"OffHeapUnifiedMemory\":0,\"DirectPoolMemory\":0,\"MappedPoolMemory\":0,\"ProcessTreeJVMVMemory\":0,"
    "\"ProcessTreeJVMRSSMemory\":0,\"ProcessTreePythonVMemory\":0,\"ProcessTreePythonRSSMemory\":0,"
    "\"ProcessTreeOtherVMemory\":0,\"ProcessTreeOtherRSSMemory\":0,\"MinorGCCount\":0,\"MinorGCTime\":0,"
    "\"MajorGCCount\":0,\"MajorGCTime\":0,\"TotalGCTime\":0}";

void writeTaskMetrics(JsonLineWriter& out, const TaskMetricValues& m) {
  out.raw(",\"Task Metrics\":{\"Executor Deserialize Time\":").number(m.executorDeserializeTime);
  out.raw(",\"Executor Deserialize CPU Time\":").number(m.executorDeserializeCpuTime);
  out.raw(",\"Executor Run Time\":").number(m.executorRunTime);
  out.raw(",\"Executor CPU Time\":").number(m.executorCpuTime);
  out.raw(",\"Peak Execution Memory\":").number(m.peakExecutionMemory);
  out.raw(",\"Result Size\":").number(m.resultSize);
  out.raw(",\"JVM GC Time\":").number(m.jvmGcTime);
  out.raw(",\"Result Serialization Time\":").number(m.resultSerializationTime);
  out.raw(",\"Memory Bytes Spilled\":").number(m.memoryBytesSpilled);
  out.raw(",\"Disk Bytes Spilled\":").number(m.diskBytesSpilled);
  out.raw(",\"Shuffle Read Metrics\":{\"Remote Blocks Fetched\":").number(m.remoteBlocksFetched);
  out.raw(",\"Local Blocks Fetched\":").number(m.localBlocksFetched);
  out.raw(",\"Fetch Wait Time\":").number(m.fetchWaitTime);
  out.raw(",\"Remote Bytes Read\":").number(m.remoteBytesRead);
  out.raw(",\"Remote Bytes Read To Disk\":").number(m.remoteBytesReadToDisk);
  out.raw(",\"Local Bytes Read\":").number(m.localBytesRead);
  out.raw(",\"Total Records Read\":").number(m.recordsRead).raw("}");
  out.raw(",\"Shuffle Write Metrics\":{\"Shuffle Bytes Written\":").number(m.shuffleBytesWritten);
  out.raw(",\"Shuffle Write Time\":").number(m.shuffleWriteTime);
  out.raw(",\"Shuffle Records Written\":").number(m.shuffleRecordsWritten);
  out.raw("},\"Input Metrics\":{\"Bytes Read\":").number(m.inputBytesRead);
  out.raw(",\"Records Read\":").number(m.inputRecordsRead);
  out.raw("},\"Output Metrics\":{\"Bytes Written\":").number(m.outputBytesWritten);
  out.raw(",\"Records Written\":").number(m.outputRecordsWritten);
  out.raw("},\"Updated Blocks\":[]}");
}

}  // namespace

void writeTaskStart(JsonLineWriter& out, const StageRecord& stage, const TaskRecord& task,
                    const std::vector<ExecutorRecord>& executors) {
  out.raw("{\"Event\":\"SparkListenerTaskStart\",\"Stage ID\":").number(stage.stageId);
  out.raw(",\"Stage Attempt ID\":").number(stage.attemptId).raw(",\"Task Info\":");
  writeTaskInfoHead(out, task, executors, false);
  out.raw(",\"Accumulables\":[]}}");
  out.endLine();
}

void writeTaskEnd(JsonLineWriter& out, StageRecord& stage, const TaskRecord& task,
                  const std::vector<ExecutorRecord>& executors, TaskEndStats& stats) {
  const int64_t lineStart = out.bytesWritten();
  const bool hasMetrics = task.outcome != TaskOutcome::kExecutorLost;
  const bool successful = task.outcome == TaskOutcome::kSuccess;
  const TaskMetricValues& m = task.metrics;

  out.raw("{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":").number(stage.stageId);
  out.raw(",\"Stage Attempt ID\":").number(stage.attemptId).raw(",\"Task Type\":\"");
  out.raw(stage.writesShuffle ? "ShuffleMapTask" : "ResultTask").raw("\",\"Task End Reason\":{\"Reason\":");
  switch (task.outcome) {
    case TaskOutcome::kSuccess: out.raw("\"Success\"}"); break;
    case TaskOutcome::kExecutorLost:
      out.raw("\"ExecutorLostFailure\",\"Executor ID\":").string(executors[task.executor].id);
      out.raw(",\"Exit Caused By App\":true,\"Loss Reason\":").string(executors[task.executor].removeReason).raw("}");
      break;
    case TaskOutcome::kExceptionFailure:
    case TaskOutcome::kKilled: {
      if (task.outcome == TaskOutcome::kKilled) {
        out.raw("\"TaskKilled\",\"Kill Reason\":\"another attempt succeeded\"");
      } else {
        out.raw("\"ExceptionFailure\",\"Class Name\":\"java.io.IOException\",\"Description\":\"Failed to read "
                "4194304 bytes from part-00417-6f1c.snappy.parquet: Connection reset\",\"Stack Trace\":");
        out.raw(kExceptionStackTrace).raw(",\"Full Stack Trace\":\"").raw(kExceptionFullTrace).raw("\"");
      }
      // The executor's updates as the driver rebuilds them from the failure: the accumulators
      // arrive without their names, so JsonProtocol writes them as external ones, values as
      // strings. The result size is reset to 0 and reported as such.
      out.raw(",\"Accumulator Updates\":[");
      bool first = true;
      auto writeUpdate = [&](int offset, int64_t update) {
        out.raw(first ? "{\"ID\":" : ",{\"ID\":").number(stage.internalAccumulatorBase + offset);
        out.raw(",\"Update\":").quotedNumber(update).raw(",\"Internal\":false,\"Count Failed Values\":true}");
        first = false;
      };
      forEachInternalUpdate(stage, m, true, [&](int offset, const char*, int64_t update) {
        writeUpdate(offset, update);
        if (offset == 2 && m.resultSize == 0) writeUpdate(4, 0);
      });
      out.raw("]}");
      break;
    }
  }

  out.raw(",\"Task Info\":");
  writeTaskInfoHead(out, task, executors, true);
  out.raw(",\"Accumulables\":");
  const int64_t accumulablesStart = out.bytesWritten();
  out.raw("[");
  if (hasMetrics) {
    bool first = true;
    // SQL metrics do not count failed values: only successful tasks report them.
    for (size_t i = 0; successful && i < stage.sqlMetrics.size(); ++i) {
      const SqlMetric& metric = stage.sqlMetrics[i];
      int64_t update = m.*metric.source / metric.divisor;
      stage.sqlTotals[i] += update;
      out.raw(first ? "{\"ID\":" : ",{\"ID\":").number(metric.id).raw(",\"Name\":\"").raw(metric.name);
      out.raw("\",\"Update\":").quotedNumber(update).raw(",\"Value\":").quotedNumber(stage.sqlTotals[i]);
      out.raw(",\"Internal\":true,\"Count Failed Values\":true,\"Metadata\":\"sql\"}");
      first = false;
    }
    forEachInternalUpdate(stage, m, !successful, [&](int offset, const char* name, int64_t update) {
      stage.internalTotals[offset] += update;
      out.raw(first ? "" : ",");
      writeAccumulable(out, stage.internalAccumulatorBase + offset, name, update, &stage.internalTotals[offset]);
      first = false;
    });
  }
  out.raw("]");
  const int64_t accumulablesEnd = out.bytesWritten();
  out.raw("}");
  out.raw(kTaskExecutorMetrics);
  if (hasMetrics) writeTaskMetrics(out, m);
  out.raw("}");
  out.endLine();

  stats.events += 1;
  stats.lineBytes += out.bytesWritten() - lineStart;
  stats.accumulableBytes += accumulablesEnd - accumulablesStart;
}

}  // namespace jobtuner::bench

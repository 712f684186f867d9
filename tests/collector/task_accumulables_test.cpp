#include "collector/task_accumulables.h"

#include <catch2/catch.hpp>
#include <vector>

namespace jobtuner::collector {
namespace {

const std::vector<std::string_view> kSparkAccumulables = {
    R"({"ID":1,"Name":"duration","Update":"575","Value":"575","Internal":true,"Count Failed Values":true,"Metadata":"sql"})",
    R"({"ID":4,"Name":"internal.metrics.executorRunTime","Update":575,"Value":575,"Internal":true,"Count Failed Values":true})",
    R"({"ID":7,"Name":"internal.metrics.updatedBlockStatuses","Update":[{"Block ID":"rdd_1_0"}],"Value":[],"Internal":true})",
    R"({"ID":9,"Name":"internal.metrics.shuffle.read.remoteBytesRead","Update":10,"Value":20,"Internal":true})",
    R"({"ID":12,"Name":"my counter","Update":"3","Value":"{\"Name\":\"internal.metrics.resultSize\"}"})",
};

TEST_CASE("task accumulables keep all but the copies of task metrics", "[collector][accumulables]") {
  CHECK(accumulablesToKeep(kSparkAccumulables, true) ==
        R"([{"ID":1,"Name":"duration","Update":"575","Value":"575","Internal":true,"Count Failed Values":true,"Metadata":"sql"},)"
        R"({"ID":7,"Name":"internal.metrics.updatedBlockStatuses","Update":[{"Block ID":"rdd_1_0"}],"Value":[],"Internal":true},)"
        R"({"ID":12,"Name":"my counter","Update":"3","Value":"{\"Name\":\"internal.metrics.resultSize\"}"}])");
}

TEST_CASE("task accumulables are kept whole when the event had no task metrics", "[collector][accumulables]") {
  std::string all = "[";
  for (std::string_view element : kSparkAccumulables) all += std::string(element) + ",";
  all.back() = ']';
  CHECK(accumulablesToKeep(kSparkAccumulables, false) == all);
}

TEST_CASE("task accumulables find the name wherever the key is and however spaced", "[collector][accumulables]") {
  std::vector<std::string_view> spaced = {R"({ "Update" : {"Name":"x"} , "Name" : "internal.metrics.jvmGCTime" })",
                                          R"({"ID":2})", "3", R"("text")"};
  CHECK(accumulablesToKeep(spaced, true) == R"([{"ID":2},3,"text"])");
  CHECK(accumulablesToKeep({}, true) == "[]");
  // A name written with escapes is not recognised: kept rather than guessed at.
  std::vector<std::string_view> escaped = {R"({"Name":"internal.metrics.executor\u0052unTime"})"};
  CHECK(accumulablesToKeep(escaped, true) == R"([{"Name":"internal.metrics.executor\u0052unTime"}])");
}

TEST_CASE("task metric accumulables are Spark's internal names for TaskMetrics' values", "[collector][accumulables]") {
  CHECK(isTaskMetricAccumulable("internal.metrics.executorDeserializeCpuTime"));
  CHECK(isTaskMetricAccumulable("internal.metrics.shuffle.push.read.remoteMergedReqsDuration"));
  CHECK(isTaskMetricAccumulable("internal.metrics.input.recordsRead"));
  CHECK_FALSE(isTaskMetricAccumulable("internal.metrics.updatedBlockStatuses"));
  CHECK_FALSE(isTaskMetricAccumulable("executorRunTime"));
  CHECK_FALSE(isTaskMetricAccumulable("internal.metrics."));
}

}  // namespace
}  // namespace jobtuner::collector

#include "core/model.h"

namespace jobtuner::core {

bool ExecutorMetrics::raiseTo(const ExecutorMetrics& other) {
  bool rose = false;
  for (size_t i = 0; i < kCount; ++i) {
    if (other.values[i] > values[i]) {
      values[i] = other.values[i];
      rose = true;
    }
  }
  return rose;
}

const std::array<const char*, ExecutorMetrics::kCount>& executorMetricNames() {
  // Spark 3.x/4.x ExecutorMetricType.metricToOffset order; the REST API lists them so.
  static const std::array<const char*, ExecutorMetrics::kCount> kNames = {
      "JVMHeapMemory",          "JVMOffHeapMemory",       "OnHeapExecutionMemory",     "OffHeapExecutionMemory",
      "OnHeapStorageMemory",    "OffHeapStorageMemory",   "OnHeapUnifiedMemory",       "OffHeapUnifiedMemory",
      "DirectPoolMemory",       "MappedPoolMemory",       "ProcessTreeJVMVMemory",     "ProcessTreeJVMRSSMemory",
      "ProcessTreePythonVMemory", "ProcessTreePythonRSSMemory", "ProcessTreeOtherVMemory", "ProcessTreeOtherRSSMemory",
      "MinorGCCount",           "MinorGCTime",            "MajorGCCount",              "MajorGCTime",
      "TotalGCTime",            "ConcurrentGCCount",      "ConcurrentGCTime",
  };
  return kNames;
}

const char* toString(AppSource source) {
  switch (source) {
    case AppSource::Spark: return "spark";
    case AppSource::Runtime: return "runtime";
  }
  return "spark";
}

const char* toString(TaskStatus status) {
  switch (status) {
    case TaskStatus::Running: return "RUNNING";
    case TaskStatus::Success: return "SUCCESS";
    case TaskStatus::Failed: return "FAILED";
    case TaskStatus::Killed: return "KILLED";
  }
  return "RUNNING";
}

const char* toString(StageStatus status) {
  switch (status) {
    case StageStatus::Pending: return "PENDING";
    case StageStatus::Active: return "ACTIVE";
    case StageStatus::Complete: return "COMPLETE";
    case StageStatus::Failed: return "FAILED";
    case StageStatus::Skipped: return "SKIPPED";
  }
  return "PENDING";
}

const char* toString(JobStatus status) {
  switch (status) {
    case JobStatus::Running: return "RUNNING";
    case JobStatus::Succeeded: return "SUCCEEDED";
    case JobStatus::Failed: return "FAILED";
    case JobStatus::Unknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

}  // namespace jobtuner::core

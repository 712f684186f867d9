#pragma once

// Helpers shared by the event-log parser tests: a sink that keeps every task, and feeding lines
// with the padding simdjson needs, as the line reader gives them.

#include <string>
#include <utility>
#include <vector>

#include "collector/event_log_parser.h"

namespace jobtuner::testing {

struct CollectingSink : collector::TaskSink {
  std::vector<core::TaskAttempt> tasks;
  void addTask(const core::TaskAttempt& task) override { tasks.push_back(task); }
};

inline void feed(collector::EventLogParser& parser, const std::string& line, int64_t number) {
  std::string padded;
  padded.reserve(line.size() + 64);
  padded = line;
  parser.parseLine(padded, padded.capacity(), number);
}

inline void feedAll(collector::EventLogParser& parser, const std::vector<std::string>& lines) {
  int64_t number = 0;
  for (const auto& line : lines) feed(parser, line, ++number);
}

inline const core::StageAttempt* findStage(const core::AppAttempt& app, int32_t stageId, int32_t attemptId = 0) {
  for (const auto& stage : app.stages) {
    if (stage.stageId == stageId && stage.attemptId == attemptId) return &stage;
  }
  return nullptr;
}

inline const core::Executor* findExecutor(const core::AppAttempt& app, const std::string& id) {
  for (const auto& executor : app.executors) {
    if (executor.executorId == id) return &executor;
  }
  return nullptr;
}

inline std::string propertyOf(const std::vector<std::pair<std::string, std::string>>& properties,
                              const std::string& key) {
  for (const auto& [name, value] : properties) {
    if (name == key) return value;
  }
  return "<missing>";
}

}  // namespace jobtuner::testing

#pragma once

// Turns Spark event-log lines (one JSON event per line, Spark 1.2 to 4.x) into the model.
// Jobs, stages, executors and the environment are kept in memory (they are few); task attempts
// are handed to a TaskSink as soon as they end. Bad lines never stop the parse: they become
// warnings with their line number.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "collector/task_sink.h"
#include "core/model.h"

namespace jobtuner::collector {

struct ParseLimits {
  size_t maxJsonDepth = 1024;   // deeper documents are skipped with a warning
};

struct ParseWarning {
  int64_t line = 0;            // 0 when not tied to a line
  std::string message;
};

struct ParseStats {
  int64_t lines = 0;            // non-empty lines seen
  int64_t events = 0;           // lines parsed as events (known or not)
  int64_t taskEndEvents = 0;
  int64_t unknownEvents = 0;
  std::map<std::string, int64_t> unknownEventTypes;  // event name -> count
  int64_t badLines = 0;         // unparseable JSON, or not an event object
};

class EventLogParser {
 public:
  /// Properties are redacted with the app's own `spark.redaction.regex` when its
  /// EnvironmentUpdate gives one, else with Spark's default pattern (core/redaction.h).
  EventLogParser(TaskSink& sink, ParseLimits limits = {});
  ~EventLogParser();

  /// Parses one line. `line` must be followed by at least kLinePadding readable bytes
  /// (line_reader.h); `capacity` is the number of readable bytes starting at line.data() (with
  /// less, the line is copied first). Nothing in the line makes it throw: problems become
  /// warnings. Exceptions from the TaskSink propagate.
  void parseLine(std::string_view line, size_t capacity, int64_t lineNumber);

  /// Records a problem found outside the JSON (a cut last line, a skipped long line, codec damage).
  void addWarning(int64_t line, std::string message);

  /// Ends the log: tasks still running are handed to the sink as Running, stages and jobs still
  /// open stay so, and the app is returned with its jobKey set. `completed` is false when the
  /// caller knows the log is cut or in progress, whatever ApplicationEnd said.
  core::AppAttempt finish(bool logMarkedInProgress);

  /// The app as finish(true) would return it now, without ending the parse (a live run's
  /// progress); `runningTasks` receives the attempts started and not yet ended, by task id.
  core::AppAttempt snapshot(std::vector<core::TaskAttempt>& runningTasks) const;

  /// True once the first line has been seen to be a Spark event (has an "Event" field). A file
  /// whose lines are never events is not an event log.
  bool sawEvents() const;
  const ParseStats& stats() const;
  const std::vector<ParseWarning>& warnings() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace jobtuner::collector

#include "collector/event_log_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "collector/event_log_state.h"
#include "core/job_key.h"

namespace jobtuner::collector {

namespace {

// A log with a problem on every line must not hold a warning per line in memory; the count of
// bad lines stays exact in ParseStats.
constexpr size_t kMaxWarnings = 1000;
// Distinct unknown event names kept by name; the rest are counted together.
constexpr size_t kMaxUnknownEventTypes = 200;
constexpr const char* kOtherUnknownEvents = "(other)";
constexpr size_t kMaxEventNameBytes = 200;

enum class EventKind {
  LogStart,
  DatabricksMetadata,
  ApplicationStart,
  ApplicationEnd,
  EnvironmentUpdate,
  JobStart,
  JobEnd,
  StageSubmitted,
  StageCompleted,
  TaskStart,
  TaskGettingResult,
  TaskEnd,
  ExecutorAdded,
  ExecutorRemoved,
  BlockManagerAdded,
  ExecutorExcluded,
  ExecutorExcludedForStage,
  NodeExcluded,
  NodeExcludedForStage,
  ExecutorUnexcluded,
  NodeUnexcluded,
  StageExecutorMetrics,
  ExecutorMetricsUpdate,
  ResourceProfileAdded,
  MiscellaneousProcessAdded,
  UnpersistRdd,
  KeySketch,
  Ignored,    // known, with nothing the model keeps
  Streaming,  // known, marks the app as a streaming app
  Unknown,
};

EventKind classify(std::string_view name) {
  // Events Spark serializes with Jackson carry their package; the core ones do not.
  constexpr std::string_view kSchedulerPackage = "org.apache.spark.scheduler.";
  if (name.starts_with(kSchedulerPackage)) name.remove_prefix(kSchedulerPackage.size());

  static const std::unordered_map<std::string_view, EventKind> kKinds = {
      {"SparkListenerLogStart", EventKind::LogStart},
      {"DBCEventLoggingListenerMetadata", EventKind::DatabricksMetadata},
      {"SparkListenerApplicationStart", EventKind::ApplicationStart},
      {"SparkListenerApplicationEnd", EventKind::ApplicationEnd},
      {"SparkListenerEnvironmentUpdate", EventKind::EnvironmentUpdate},
      {"SparkListenerJobStart", EventKind::JobStart},
      {"SparkListenerJobEnd", EventKind::JobEnd},
      {"SparkListenerStageSubmitted", EventKind::StageSubmitted},
      {"SparkListenerStageCompleted", EventKind::StageCompleted},
      {"SparkListenerTaskStart", EventKind::TaskStart},
      {"SparkListenerTaskGettingResult", EventKind::TaskGettingResult},
      {"SparkListenerTaskEnd", EventKind::TaskEnd},
      {"SparkListenerExecutorAdded", EventKind::ExecutorAdded},
      {"SparkListenerExecutorRemoved", EventKind::ExecutorRemoved},
      {"SparkListenerBlockManagerAdded", EventKind::BlockManagerAdded},
      // Spark 3.1 renamed "blacklisted" to "excluded"; logs of both eras exist.
      {"SparkListenerExecutorExcluded", EventKind::ExecutorExcluded},
      {"SparkListenerExecutorBlacklisted", EventKind::ExecutorExcluded},
      {"SparkListenerExecutorExcludedForStage", EventKind::ExecutorExcludedForStage},
      {"SparkListenerExecutorBlacklistedForStage", EventKind::ExecutorExcludedForStage},
      {"SparkListenerNodeExcluded", EventKind::NodeExcluded},
      {"SparkListenerNodeBlacklisted", EventKind::NodeExcluded},
      {"SparkListenerNodeExcludedForStage", EventKind::NodeExcludedForStage},
      {"SparkListenerNodeBlacklistedForStage", EventKind::NodeExcludedForStage},
      {"SparkListenerExecutorUnexcluded", EventKind::ExecutorUnexcluded},
      {"SparkListenerExecutorUnblacklisted", EventKind::ExecutorUnexcluded},
      {"SparkListenerNodeUnexcluded", EventKind::NodeUnexcluded},
      {"SparkListenerNodeUnblacklisted", EventKind::NodeUnexcluded},
      {"SparkListenerBlockManagerRemoved", EventKind::Ignored},
      {"SparkListenerUnpersistRDD", EventKind::UnpersistRdd},
      {"SparkListenerExecutorMetricsUpdate", EventKind::ExecutorMetricsUpdate},
      {"SparkListenerStageExecutorMetrics", EventKind::StageExecutorMetrics},
      {"SparkListenerBlockUpdated", EventKind::Ignored},
      {"SparkListenerResourceProfileAdded", EventKind::ResourceProfileAdded},
      {"SparkListenerMiscellaneousProcessAdded", EventKind::MiscellaneousProcessAdded},
      {"SparkListenerSpeculativeTaskSubmitted", EventKind::Ignored},
      {"SparkListenerUnschedulableTaskSetAdded", EventKind::Ignored},
      {"SparkListenerUnschedulableTaskSetRemoved", EventKind::Ignored},
      {"SparkListenerExecutorDecommissioned", EventKind::Ignored},
      // jobtuner's runtime: the heaviest keys of a shuffle (Spark's own tools skip it).
      {"org.jobtuner.KeySketch", EventKind::KeySketch},
  };
  if (auto found = kKinds.find(name); found != kKinds.end()) return found->second;
  if (name.find("StreamingQueryListener") != std::string_view::npos ||
      name.starts_with("org.apache.spark.streaming.")) {
    return EventKind::Streaming;
  }
  // SQL executions, AQE updates, catalog and Spark Connect events: known, not modelled yet.
  if (name.starts_with("org.apache.spark.sql.")) return EventKind::Ignored;
  return EventKind::Unknown;
}

bool isBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

void skipAllFields(JsonObject& event) {
  // Walking the fields (without reading them) still finds a cut or damaged line.
  forEachField(event, [](std::string_view, JsonValue) {});
}

void onLogStart(JsonObject& event, core::AppAttempt& app, bool onlyIfUnknown) {
  std::string version;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Spark Version") version = readString(value);
  });
  if (!version.empty() && (!onlyIfUnknown || app.engineVersion.empty())) app.engineVersion = version;
}

void onApplicationStart(JsonObject& event, core::AppAttempt& app, std::string& driverLogsJson) {
  core::AppAttempt read;
  std::string driverLogs;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "App Name") {
      read.name = readString(value);
    } else if (key == "App ID") {
      read.appId = readString(value);
    } else if (key == "App Attempt ID") {
      read.attemptId = readString(value);
    } else if (key == "Timestamp") {
      read.startTimeMs = readInt64(value);
    } else if (key == "User") {
      read.user = readString(value);
    } else if (key == "Driver Logs") {
      driverLogs = readRawJson(value);
    }
  });
  app.name = std::move(read.name);
  app.appId = std::move(read.appId);
  app.attemptId = std::move(read.attemptId);
  app.startTimeMs = read.startTimeMs;
  app.user = std::move(read.user);
  if (!driverLogs.empty()) driverLogsJson = std::move(driverLogs);
}

void onEnvironmentUpdate(JsonObject& event, core::AppAttempt& app, core::Redactor& redactor) {
  core::Environment environment;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "JVM Information") {
      readStringPairs(value, environment.jvmInformation);
    } else if (key == "Spark Properties") {
      readStringPairs(value, environment.sparkProperties);
    } else if (key == "Hadoop Properties") {
      readStringPairs(value, environment.hadoopProperties);
    } else if (key == "System Properties") {
      readStringPairs(value, environment.systemProperties);
    } else if (key == "Metrics Properties") {
      readStringPairs(value, environment.metricsProperties);
    } else if (key == "Classpath Entries") {
      readStringPairs(value, environment.classpathEntries);
    }
  });
  // The bundled runtime marks its logs; everything else came from Spark.
  for (const auto& [key, value] : environment.sparkProperties) {
    if (key == "spark.jobtuner.runtime" && value == "true") app.source = core::AppSource::Runtime;
  }
  // The pattern must be read before the properties holding it are redacted.
  redactor = core::redactorFor(environment.sparkProperties);
  for (auto* section : {&environment.sparkProperties, &environment.hadoopProperties, &environment.systemProperties,
                        &environment.metricsProperties, &environment.classpathEntries, &environment.jvmInformation}) {
    redactor.redact(*section);
  }
  app.environment = std::move(environment);
}

}  // namespace

// ---- State helpers ------------------------------------------------------------------------

void EventLogParser::State::onResourceProfileAdded(JsonObject& event) {
  std::optional<int64_t> id;
  core::ResourceProfile profile;
  forEachField(event, [&](std::string_view key, JsonValue value) {
    if (key == "Resource Profile Id") {
      id = readOptionalInt64(value);
    } else if (key == "Executor Resource Requests") {
      forEachField(value, [&](std::string_view name, JsonValue request) {
        core::ExecutorResourceRequest& read = profile.executorResources.emplace_back();
        read.resourceName = std::string(name);
        forEachField(request, [&](std::string_view field, JsonValue fieldValue) {
          if (field == "Resource Name") {
            read.resourceName = readString(fieldValue);
          } else if (field == "Amount") {
            read.amount = readInt64(fieldValue);
          } else if (field == "Discovery Script") {
            read.discoveryScript = readString(fieldValue);
          } else if (field == "Vendor") {
            read.vendor = readString(fieldValue);
          }
        });
      });
    } else if (key == "Task Resource Requests") {
      forEachField(value, [&](std::string_view name, JsonValue request) {
        core::TaskResourceRequest& read = profile.taskResources.emplace_back();
        read.resourceName = std::string(name);
        forEachField(request, [&](std::string_view field, JsonValue fieldValue) {
          if (field == "Resource Name") {
            read.resourceName = readString(fieldValue);
          } else if (field == "Amount") {
            read.amount = readDouble(fieldValue);
          }
        });
      });
    }
  });
  if (!id) {
    skipEvent("SparkListenerResourceProfileAdded", "\"Resource Profile Id\"");
    return;
  }
  profile.id = static_cast<int32_t>(*id);
  // A profile id is added once; a repeat replaces it, as Spark's store keys profiles by id.
  for (core::ResourceProfile& known : app.resourceProfiles) {
    if (known.id == profile.id) {
      known = std::move(profile);
      return;
    }
  }
  app.resourceProfiles.push_back(std::move(profile));
}

EventLogParser::State::State(TaskSink& taskSink, ParseLimits parseLimits) : sink(taskSink), limits(parseLimits) {
  // nestsDeeperThan enforces the limit (on-demand simdjson checks depth only in its development
  // builds); the parsers still get it, with room for the scalars inside the deepest container.
  // A failed allocation here is retried by the first parse, which reports it if it fails again.
  constexpr size_t kInitialCapacity = size_t{64} << 10;
  size_t depth = std::max<size_t>(limits.maxJsonDepth, 1) + 2;
  [[maybe_unused]] simdjson::error_code lineAllocation = json.allocate(kInitialCapacity, depth);
  [[maybe_unused]] simdjson::error_code fragmentAllocation = fragmentJson.allocate(kInitialCapacity, depth);
}

void EventLogParser::State::warn(int64_t line, std::string message) {
  if (warnings.size() >= kMaxWarnings) {
    ++warningsNotKept;
    return;
  }
  warnings.push_back(ParseWarning{line, std::move(message)});
}

void EventLogParser::State::skipEvent(std::string_view eventName, std::string_view missing) {
  warn(lineNumber, fmt::format("{} without {} (skipped)", eventName, missing));
}

core::StageAttempt& EventLogParser::State::stageAttemptFor(int32_t stageId, int32_t attemptId) {
  auto [found, inserted] = stageIndex.try_emplace({stageId, attemptId}, app.stages.size());
  if (inserted) {
    core::StageAttempt& stage = app.stages.emplace_back();
    stage.stageId = stageId;
    stage.attemptId = attemptId;
    // Spark's listener starts counting a stage attempt when it first hears of it.
    liveStages.try_emplace({stageId, attemptId});
  }
  return app.stages[found->second];
}

core::Executor& EventLogParser::State::executorFor(const std::string& executorId, int64_t addTimeMs) {
  auto [found, inserted] = executorIndex.try_emplace(executorId, app.executors.size());
  if (inserted) {
    core::Executor& created = app.executors.emplace_back();
    created.executorId = executorId;
    created.addTimeMs = addTimeMs;
  }
  return app.executors[found->second];
}

core::Executor* EventLogParser::State::findExecutor(const std::string& executorId) {
  auto found = executorIndex.find(executorId);
  return found == executorIndex.end() ? nullptr : &app.executors[found->second];
}

std::map<std::string, std::string> EventLogParser::State::redactedProperties(
    std::vector<std::pair<std::string, std::string>> pairs) const {
  redactor.redact(pairs);
  return std::map<std::string, std::string>(std::make_move_iterator(pairs.begin()), std::make_move_iterator(pairs.end()));
}

// ---- EventLogParser -----------------------------------------------------------------------

EventLogParser::EventLogParser(TaskSink& sink, ParseLimits limits) : state_(std::make_unique<State>(sink, limits)) {
  state_->app.source = core::AppSource::Spark;
}

EventLogParser::~EventLogParser() = default;

void EventLogParser::parseLine(std::string_view line, size_t capacity, int64_t lineNumber) {
  State& state = *state_;
  // A byte-order mark is not JSON; some tools that copy logs add one.
  if (line.starts_with("\xEF\xBB\xBF")) {
    line.remove_prefix(3);
    capacity = capacity >= 3 ? capacity - 3 : 0;
  }
  if (isBlank(line)) return;
  ++state.stats.lines;
  state.lineNumber = lineNumber;

  auto badLine = [&](std::string what) {
    ++state.stats.badLines;
    state.warn(lineNumber, what + " (skipped)");
  };

  if (capacity < line.size() + simdjson::SIMDJSON_PADDING) {
    state.paddedCopy.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    state.paddedCopy.assign(line);
    line = state.paddedCopy;
    capacity = state.paddedCopy.capacity();
  }
  state.bufferEnd = line.data() + capacity;

  // An event is one object: a line that opens one must end by closing it. This catches cut
  // lines and trailing text before any event is read, which simdjson reports unevenly.
  size_t first = line.find_first_not_of(" \t");
  size_t last = line.find_last_not_of(" \t\r\n");
  if (line[first] == '{' && line[last] != '}') {
    badLine("malformed JSON: the line does not end with the closing '}' of its object (cut, or followed by other text)");
    return;
  }
  if (nestsDeeperThan(line, state.limits.maxJsonDepth)) {
    badLine(fmt::format("JSON nested deeper than {} levels", state.limits.maxJsonDepth));
    return;
  }

  try {
    simdjson::ondemand::document document;
    if (auto error = state.json.iterate(line.data(), line.size(), capacity).get(document)) {
      badLine(fmt::format("malformed JSON: {}", simdjson::error_message(error)));
      return;
    }
    simdjson::ondemand::json_type type{};
    if (auto error = document.type().get(type)) {
      badLine(fmt::format("malformed JSON: {}", simdjson::error_message(error)));
      return;
    }
    if (type != simdjson::ondemand::json_type::object) {
      badLine("not a JSON object; an event log holds one JSON object per line");
      return;
    }
    JsonObject event = document.get_object();
    std::string_view nameView;
    if (auto error = event.find_field_unordered("Event").get_string().get(nameView)) {
      if (error == simdjson::NO_SUCH_FIELD) {
        badLine("a JSON object without an \"Event\" field is not a Spark event");
      } else if (error == simdjson::INCORRECT_TYPE) {
        badLine("the \"Event\" field is not a string");
      } else {
        badLine(fmt::format("malformed JSON: {}", simdjson::error_message(error)));
      }
      return;
    }
    state.sawEvents = true;
    std::string name(nameView);
    if (auto error = event.reset().error()) {
      badLine(fmt::format("malformed JSON: {}", simdjson::error_message(error)));
      return;
    }

    EventKind kind = classify(name);
    switch (kind) {
      case EventKind::LogStart: onLogStart(event, state.app, false); break;
      case EventKind::DatabricksMetadata: onLogStart(event, state.app, true); break;
      case EventKind::ApplicationStart: onApplicationStart(event, state.app, state.driverLogsJson); break;
      case EventKind::ApplicationEnd: {
        int64_t endTimeMs = 0;
        forEachField(event, [&](std::string_view key, JsonValue value) {
          if (key == "Timestamp") endTimeMs = readInt64(value);
        });
        state.app.endTimeMs = endTimeMs;
        state.sawApplicationEnd = true;
        break;
      }
      case EventKind::EnvironmentUpdate: onEnvironmentUpdate(event, state.app, state.redactor); break;
      case EventKind::JobStart: state.onJobStart(event); break;
      case EventKind::JobEnd: state.onJobEnd(event); break;
      case EventKind::StageSubmitted: state.onStageSubmitted(event); break;
      case EventKind::StageCompleted: state.onStageCompleted(event); break;
      case EventKind::TaskStart: state.onTaskStart(event); break;
      case EventKind::TaskGettingResult: state.onTaskGettingResult(event); break;
      case EventKind::TaskEnd: state.onTaskEnd(event); break;
      case EventKind::ExecutorAdded: state.onExecutorAdded(event); break;
      case EventKind::ExecutorRemoved: state.onExecutorRemoved(event); break;
      case EventKind::BlockManagerAdded: state.onBlockManagerAdded(event); break;
      case EventKind::ExecutorExcluded: state.onExecutorExcluded(event, false); break;
      case EventKind::ExecutorExcludedForStage: state.onExecutorExcluded(event, true); break;
      case EventKind::NodeExcluded: state.onNodeExcluded(event, false); break;
      case EventKind::NodeExcludedForStage: state.onNodeExcluded(event, true); break;
      case EventKind::ExecutorUnexcluded: state.onExclusionLifted(event, false); break;
      case EventKind::NodeUnexcluded: state.onExclusionLifted(event, true); break;
      case EventKind::StageExecutorMetrics: state.onStageExecutorMetrics(event); break;
      case EventKind::ExecutorMetricsUpdate: state.onExecutorMetricsUpdate(event); break;
      case EventKind::ResourceProfileAdded: state.onResourceProfileAdded(event); break;
      case EventKind::MiscellaneousProcessAdded: state.onMiscellaneousProcessAdded(event); break;
      case EventKind::UnpersistRdd: state.onUnpersistRdd(event); break;
      case EventKind::KeySketch: state.onKeySketch(event); break;
      case EventKind::Streaming:
        skipAllFields(event);
        state.app.streaming = true;
        break;
      case EventKind::Ignored: skipAllFields(event); break;
      case EventKind::Unknown: {
        skipAllFields(event);
        ++state.stats.unknownEvents;
        auto& types = state.stats.unknownEventTypes;
        std::string shownName = name.size() > kMaxEventNameBytes ? name.substr(0, kMaxEventNameBytes) + "..." : name;
        if (types.size() < kMaxUnknownEventTypes || types.count(shownName) > 0) {
          ++types[shownName];
        } else {
          ++types[kOtherUnknownEvents];
        }
        break;
      }
    }
    const char* trailing = nullptr;
    if (document.current_location().get(trailing) == simdjson::SUCCESS) {
      // Spark's reader (Jackson) ignores what follows the object too; the event stands.
      state.warn(lineNumber, "content after the event object (ignored)");
    }
    ++state.stats.events;
    if (kind == EventKind::TaskEnd) ++state.stats.taskEndEvents;
  } catch (const simdjson::simdjson_error& error) {
    state.endedTask.reset();
    state.endedTaskExecutorMetrics.reset();
    badLine(fmt::format("malformed JSON: {}", simdjson::error_message(error.error())));
  } catch (const std::exception& error) {
    // Nothing in a line may stop the log; an unexpected failure is reported like a bad line.
    state.endedTask.reset();
    state.endedTaskExecutorMetrics.reset();
    badLine(fmt::format("unreadable event: {}", error.what()));
  }
  // Outside the try: a failing sink (the store) is not a problem of this line and must stop
  // the ingestion rather than be reported as one.
  if (state.endedTask) {
    state.raiseExecutorPeaksForTask(state.endedTask->executorId,
                                    state.endedTaskExecutorMetrics.value_or(core::ExecutorMetrics{}));
    state.endedTaskExecutorMetrics.reset();
    state.runningTasks.erase(state.endedTask->taskId);
    state.sink.addTask(*state.endedTask);
    state.endedTask.reset();
  }
}

void EventLogParser::addWarning(int64_t line, std::string message) { state_->warn(line, std::move(message)); }

core::AppAttempt EventLogParser::finish(bool logMarkedInProgress) {
  State& state = *state_;
  if (state.finished) return state.app;
  state.finished = true;
  state.flushRunningTasks();

  state.completeApp(state.app, state.sawApplicationEnd && !logMarkedInProgress);
  if (state.warningsNotKept > 0) {
    state.warnings.push_back(ParseWarning{0, fmt::format("{} more warnings not listed", state.warningsNotKept)});
    state.warningsNotKept = 0;
  }
  return state.app;
}

void EventLogParser::State::completeApp(core::AppAttempt& target, bool completed) const {
  target.completed = completed;
  target.jobKey = core::sparkJobKey(target.name, target.environment.sparkProperties);
  if (driverLogsJson.empty()) return;
  for (core::Executor& executor : target.executors) {
    if (executor.executorId == "driver" && (executor.logUrlsJson.empty() || executor.logUrlsJson == "{}")) {
      executor.logUrlsJson = driverLogsJson;
    }
  }
}

core::AppAttempt EventLogParser::snapshot(std::vector<core::TaskAttempt>& runningTasks) const {
  const State& state = *state_;
  core::AppAttempt app = state.app;
  state.completeApp(app, false);
  runningTasks.clear();
  for (int64_t taskId : state.runningTaskIds()) runningTasks.push_back(state.runningTasks.at(taskId));
  return app;
}

bool EventLogParser::sawEvents() const { return state_->sawEvents; }

const ParseStats& EventLogParser::stats() const { return state_->stats; }

const std::vector<ParseWarning>& EventLogParser::warnings() const { return state_->warnings; }

}  // namespace jobtuner::collector

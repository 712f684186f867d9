#include "collector/live_collector.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "collector/ingest.h"
#include "core/errors.h"
#include "core/event_stream.h"

namespace jobtuner::collector {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

/// How long to go on reading once asked to stop: the driver is gone by then, so what it sent is
/// already in the socket.
constexpr auto kDrainTime = std::chrono::milliseconds(2000);

/// Tasks ended since the last commit; they reach the store (and take its write lock) only when
/// the next commit runs, so other writers are not held up between commits.
class TaskBuffer final : public TaskSink {
 public:
  void addTask(const core::TaskAttempt& task) override { tasks.push_back(task); }
  std::vector<core::TaskAttempt> tasks;
};

class LiveCollector {
 public:
  LiveCollector(Store& store, const LiveCollectorOptions& options)
      : store_(store), options_(options), parser_(buffer_, options.parseLimits) {
    inProgressLog_ = options.eventLog;
    inProgressLog_ += ".inprogress";
  }

  LiveCollectorResult run(core::LocalChannel& channel) {
    Clock::time_point lastCommit = Clock::now();
    std::optional<Clock::time_point> stopBy;
    while (!stopBy || Clock::now() < *stopBy) {
      bool timedOut = false;
      std::optional<core::Frame> frame = channel.receive(options_.commitIntervalMs, timedOut);
      if (!frame) {
        if (!timedOut || stopBy) break;  // the driver closed the channel, or is silent after a stop
      } else if (frame->type == static_cast<uint8_t>(core::EventStreamFrame::kEnd)) {
        result_.sawEnd = true;
        break;
      } else if (frame->type == static_cast<uint8_t>(core::EventStreamFrame::kEvents)) {
        addLines(frame->payload);
      } else {
        throw core::SystemError(fmt::format("the event stream sent an unknown frame type {}", frame->type));
      }
      if (!stopBy && options_.shouldStop && options_.shouldStop()) stopBy = Clock::now() + kDrainTime;
      if (changed_ && Clock::now() - lastCommit >= std::chrono::milliseconds(options_.commitIntervalMs)) {
        checkpoint();
        lastCommit = Clock::now();
      }
    }
    finish();
    return result_;
  }

 private:
  /// Feeds the payload's whole lines to the parser; a line cut at the end waits for the next frame.
  void addLines(std::string& payload) {
    std::string_view rest(payload);
    if (!carry_.empty()) {
      size_t newline = rest.find('\n');
      carry_.append(rest.substr(0, newline));
      if (newline == std::string_view::npos) return;
      rest.remove_prefix(newline + 1);
      std::string line = std::move(carry_);
      carry_.clear();
      parseLine(line, line.size());
    }
    size_t end = rest.rfind('\n');
    if (end == std::string_view::npos) {
      carry_.assign(rest);
      return;
    }
    std::string_view whole = rest.substr(0, end + 1);
    carry_.assign(rest.substr(whole.size()));
    // The parser reads past a line's end (simdjson's padding): give it the readable bytes after
    // each line, padding the payload so that lines near its end are not copied.
    size_t offsetOfWhole = static_cast<size_t>(whole.data() - payload.data());
    payload.resize(offsetOfWhole + whole.size());
    payload.append(kLinePadding, '\0');
    const char* cursor = payload.data() + offsetOfWhole;
    const char* stop = cursor + whole.size();
    while (cursor < stop) {
      const char* newline = static_cast<const char*>(std::memchr(cursor, '\n', static_cast<size_t>(stop - cursor)));
      std::string_view line(cursor, static_cast<size_t>(newline - cursor));
      parseLine(line, static_cast<size_t>(payload.data() + payload.size() - cursor));
      cursor = newline + 1;
    }
  }

  void parseLine(std::string_view line, size_t capacity) {
    ++lineNumber_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > options_.lineLimits.maxLineBytes) {
      // As the file reader does: a line over the limit is skipped, never parsed.
      parser_.addWarning(lineNumber_, longLineWarning(options_.lineLimits.maxLineBytes));
      return;
    }
    if (line.empty()) return;
    parser_.parseLine(line, capacity, lineNumber_);
    changed_ = true;
  }

  IngestedFile fileRecord(const core::AppAttempt& app, const fs::path& path) const {
    return fileRecordOf(app, parser_, storedLogPath(path), modificationTimeMs(path));
  }

  /// The writer, opened at the first commit (the app id is known by then) and then kept: every
  /// commit adds to the same stored copy. Null once the store chose another copy of this app.
  AppWriter* writer() {
    if (!writer_ && !gaveUp_) writer_ = store_.beginApp();
    return writer_.get();
  }

  void moveBufferedTasks(AppWriter& writer) {
    for (const core::TaskAttempt& task : buffer_.tasks) writer.addTask(task);
    buffer_.tasks.clear();
  }

  void checkpoint() {
    changed_ = false;
    if (gaveUp_) return;
    std::vector<core::TaskAttempt> running;
    core::AppAttempt app = parser_.snapshot(running);
    if (app.appId.empty()) return;  // nothing to file it under yet
    AppWriter* out = writer();
    moveBufferedTasks(*out);
    AppWriter::Outcome outcome = out->checkpoint(app, fileRecord(app, inProgressLog_), running);
    if (!outcome.kept) giveUp();
    ++result_.checkpoints;
  }

  void finish() {
    if (!carry_.empty()) {
      // The stream stopped inside a line: the driver died while sending it.
      std::string line = std::move(carry_);
      carry_.clear();
      int64_t badBefore = parser_.stats().badLines;
      parseLine(line, line.size());
      if (parser_.stats().badLines > badBefore) {
        parser_.addWarning(lineNumber_, kCutMidLineWarning);
      }
    }
    core::AppAttempt app = parser_.finish(!result_.sawEnd);
    result_.appId = app.appId;
    result_.events = parser_.stats().events;
    result_.taskEndEvents = parser_.stats().taskEndEvents;
    if (app.appId.empty() || gaveUp_) return;
    // The driver renames the log before it ends the stream; a driver that died leaves .inprogress.
    std::error_code ignored;
    fs::path path = result_.sawEnd && fs::exists(options_.eventLog, ignored) ? options_.eventLog : inProgressLog_;
    AppWriter* out = writer();
    moveBufferedTasks(*out);
    result_.stored = out->commit(app, fileRecord(app, path)).kept;
  }

  void giveUp() {
    gaveUp_ = true;
    writer_.reset();
    buffer_.tasks.clear();
  }

  Store& store_;
  const LiveCollectorOptions& options_;
  TaskBuffer buffer_;
  EventLogParser parser_;
  std::unique_ptr<AppWriter> writer_;
  bool gaveUp_ = false;
  fs::path inProgressLog_;
  std::string carry_;
  int64_t lineNumber_ = 0;
  bool changed_ = false;
  LiveCollectorResult result_;
};

}  // namespace

LiveCollectorResult collectLive(Store& store, core::LocalChannel& channel, const LiveCollectorOptions& options) {
  LiveCollector collector(store, options);
  return collector.run(channel);
}

}  // namespace jobtuner::collector

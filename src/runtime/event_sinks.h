#pragma once

// Where the driver's event-log lines go: the log file in the run directory (written as
// <name>.inprogress and renamed when the application ends, as Spark does) and, live, the
// collector sidecar over a local channel.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/event_stream.h"
#include "core/local_channel.h"

namespace jobtuner::runtime {

class EventSink {
 public:
  virtual ~EventSink() = default;
  /// One JSON line without its newline.
  virtual void write(std::string_view line) = 0;
  /// The events so far should reach their destination now (a stage or the job ended).
  virtual void flush() = 0;
};

class FileEventSink final : public EventSink {
 public:
  explicit FileEventSink(std::filesystem::path path);
  /// Flushes, closes, and renames <path>.inprogress to <path>.
  ~FileEventSink() override;
  void write(std::string_view line) override;
  void flush() override;

 private:
  std::filesystem::path path_;
  std::filesystem::path inProgress_;
  std::FILE* file_ = nullptr;
};

class ChannelEventSink final : public EventSink {
 public:
  explicit ChannelEventSink(core::LocalChannel channel) : channel_(std::move(channel)) {}
  /// Sends what is buffered and the end frame.
  ~ChannelEventSink() override;
  void write(std::string_view line) override;
  void flush() override;

 private:
  core::LocalChannel channel_;
  std::string buffer_;
  std::chrono::steady_clock::time_point lastSend_{};
  bool broken_ = false;
};

}  // namespace jobtuner::runtime

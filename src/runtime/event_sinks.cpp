#include "runtime/event_sinks.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

/// Events batch up to this size, or this age, on the live channel before they are sent without a
/// flush: the sidecar sees a running stage's tasks end while the stage is still running.
constexpr size_t kChannelBatchBytes = 64 << 10;
constexpr auto kChannelBatchAge = std::chrono::milliseconds(200);

}  // namespace

FileEventSink::FileEventSink(std::filesystem::path path) : path_(std::move(path)) {
  inProgress_ = path_;
  inProgress_ += ".inprogress";
  file_ = std::fopen(inProgress_.c_str(), "wb");
  if (!file_) throw core::SystemError(fmt::format("cannot create {}: {}", inProgress_.string(), std::strerror(errno)));
}

FileEventSink::~FileEventSink() {
  if (!file_) return;
  bool ok = std::fclose(file_) == 0;
  std::error_code ignored;
  if (ok) std::filesystem::rename(inProgress_, path_, ignored);
}

void FileEventSink::write(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fputc('\n', file_);
}

void FileEventSink::flush() { std::fflush(file_); }

ChannelEventSink::~ChannelEventSink() {
  try {
    flush();
    if (!broken_) channel_.send(static_cast<uint8_t>(core::EventStreamFrame::kEnd), {});
  } catch (const std::exception&) {
    // The sidecar is gone; the event log file still holds everything.
  }
}

void ChannelEventSink::write(std::string_view line) {
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= kChannelBatchBytes || std::chrono::steady_clock::now() - lastSend_ >= kChannelBatchAge) flush();
}

void ChannelEventSink::flush() {
  if (buffer_.empty() || broken_) return;
  try {
    channel_.send(static_cast<uint8_t>(core::EventStreamFrame::kEvents), buffer_);
    lastSend_ = std::chrono::steady_clock::now();
  } catch (const core::SystemError&) {
    broken_ = true;  // stop trying; the file sink is the record
  }
  buffer_.clear();
}

}  // namespace jobtuner::runtime

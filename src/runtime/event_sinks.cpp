#include "runtime/event_sinks.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

/// Events batch up to this size on the live channel before they are sent without a flush.
constexpr size_t kChannelBatchBytes = 64 << 10;

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
    if (!broken_) channel_.send(static_cast<uint8_t>(EventFrame::kEnd), {});
  } catch (const std::exception&) {
    // The sidecar is gone; the event log file still holds everything.
  }
}

void ChannelEventSink::write(std::string_view line) {
  buffer_.append(line);
  buffer_.push_back('\n');
  if (buffer_.size() >= kChannelBatchBytes) flush();
}

void ChannelEventSink::flush() {
  if (buffer_.empty() || broken_) return;
  try {
    channel_.send(static_cast<uint8_t>(EventFrame::kEvents), buffer_);
  } catch (const core::SystemError&) {
    broken_ = true;  // stop trying; the file sink is the record
  }
  buffer_.clear();
}

}  // namespace jobtuner::runtime

#include "collector/prefetching_byte_source.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jobtuner::collector {

namespace {

constexpr size_t kChunkBytes = 1 << 20;
constexpr size_t kChunksAhead = 4;

class PrefetchingByteSource : public ByteSource {
 public:
  explicit PrefetchingByteSource(std::unique_ptr<ByteSource> inner) : inner_(std::move(inner)) {
    thread_ = std::thread([this] { run(); });
  }

  ~PrefetchingByteSource() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      changed_.notify_all();
    }
    thread_.join();
  }

  size_t read(char* buffer, size_t capacity) override {
    size_t copied = 0;
    while (copied < capacity) {
      if (currentOffset_ == current_.size()) {
        if (!takeNextChunk()) break;
        continue;
      }
      size_t count = std::min(capacity - copied, current_.size() - currentOffset_);
      std::memcpy(buffer + copied, current_.data() + currentOffset_, count);
      currentOffset_ += count;
      copied += count;
    }
    return copied;
  }

  const std::string& damage() const override {
    std::lock_guard lock(mutex_);
    return damage_;
  }

  uint64_t rawBytesRead() const override { return rawBytesRead_.load(std::memory_order_relaxed); }

 private:
  // Moves to the next chunk; false at the end of the stream. Rethrows the reader's failure.
  bool takeNextChunk() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || finished_; });
    if (ready_.empty()) {
      if (failure_ != nullptr) std::rethrow_exception(failure_);
      return false;
    }
    spare_.push_back(std::move(current_));
    current_ = std::move(ready_.front());
    ready_.pop_front();
    currentOffset_ = 0;
    changed_.notify_all();
    return true;
  }

  void run() {
    try {
      for (;;) {
        std::vector<char> chunk;
        {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [this] { return ready_.size() < kChunksAhead || stopping_; });
          if (stopping_) return;
          if (!spare_.empty()) {
            chunk = std::move(spare_.back());
            spare_.pop_back();
          }
        }
        chunk.resize(kChunkBytes);
        size_t filled = 0;
        while (filled < kChunkBytes) {
          size_t count = inner_->read(chunk.data() + filled, kChunkBytes - filled);
          if (count == 0) break;
          filled += count;
        }
        chunk.resize(filled);
        rawBytesRead_.store(inner_->rawBytesRead(), std::memory_order_relaxed);
        std::lock_guard lock(mutex_);
        if (filled > 0) ready_.push_back(std::move(chunk));
        if (filled < kChunkBytes) {
          damage_ = inner_->damage();
          finished_ = true;
        }
        changed_.notify_all();
        if (finished_) return;
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      failure_ = std::current_exception();
      finished_ = true;
      changed_.notify_all();
    }
  }

  std::unique_ptr<ByteSource> inner_;
  // Read by the consumer only.
  std::vector<char> current_;
  size_t currentOffset_ = 0;
  // Shared, under mutex_.
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<char>> ready_;
  std::vector<std::vector<char>> spare_;
  bool finished_ = false;
  bool stopping_ = false;
  std::string damage_;
  std::exception_ptr failure_;
  std::atomic<uint64_t> rawBytesRead_{0};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ByteSource> prefetchInBackground(std::unique_ptr<ByteSource> inner) {
  return std::make_unique<PrefetchingByteSource>(std::move(inner));
}

}  // namespace jobtuner::collector

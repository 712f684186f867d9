#include "collector/prefetching_byte_source.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace jobtuner::collector {
namespace {

// Serves `bytes` in reads of at most `step`, then ends with `damage`, or throws at `throwAt`.
class ScriptedSource final : public ByteSource {
 public:
  ScriptedSource(std::string bytes, size_t step, std::string damage = {}, size_t throwAt = SIZE_MAX)
      : bytes_(std::move(bytes)), step_(step), damage_(std::move(damage)), throwAt_(throwAt) {}
  size_t read(char* buffer, size_t capacity) override {
    if (position_ >= throwAt_) throw std::runtime_error("I/O error");
    size_t count = std::min({capacity, step_, bytes_.size() - position_});
    std::copy_n(bytes_.data() + position_, count, buffer);
    position_ += count;
    return count;
  }
  const std::string& damage() const override { return position_ == bytes_.size() ? damage_ : none_; }
  uint64_t rawBytesRead() const override { return position_; }

 private:
  std::string bytes_;
  size_t step_;
  std::string damage_;
  size_t throwAt_;
  size_t position_ = 0;
  std::string none_;
};

std::string patterned(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  return bytes;
}

std::string readAll(ByteSource& source, size_t capacity) {
  std::string result;
  std::vector<char> buffer(capacity);
  while (size_t count = source.read(buffer.data(), buffer.size())) result.append(buffer.data(), count);
  CHECK(source.read(buffer.data(), buffer.size()) == 0);  // the end is sticky
  return result;
}

TEST_CASE("prefetching source serves the inner stream's bytes unchanged", "[collector][byte_source][prefetch]") {
  for (size_t size : {size_t{0}, size_t{1}, size_t{1} << 20, (size_t{5} << 20) + 12345}) {
    for (size_t capacity : {size_t{1000}, size_t{1} << 16, size_t{3} << 20}) {
      INFO("size " << size << ", reads of " << capacity);
      std::string bytes = patterned(size);
      auto source = prefetchInBackground(std::make_unique<ScriptedSource>(bytes, 70001));
      CHECK(readAll(*source, capacity) == bytes);
      CHECK(source->damage().empty());
      CHECK(source->rawBytesRead() == size);
    }
  }
}

TEST_CASE("prefetching source reports the inner stream's damage at its end", "[collector][byte_source][prefetch]") {
  std::string bytes = patterned(3 << 20);
  auto source = prefetchInBackground(std::make_unique<ScriptedSource>(bytes, 4096, "zstd stream is truncated"));
  CHECK(readAll(*source, 65536) == bytes);
  CHECK(source->damage() == "zstd stream is truncated");
}

TEST_CASE("prefetching source throws what the inner stream threw, after the bytes before it", "[collector][byte_source][prefetch]") {
  std::string bytes = patterned(4 << 20);
  auto source = prefetchInBackground(std::make_unique<ScriptedSource>(bytes, 1 << 20, "", 2 << 20));
  std::string served;
  std::vector<char> buffer(1 << 16);
  try {
    while (size_t count = source->read(buffer.data(), buffer.size())) served.append(buffer.data(), count);
    FAIL("no error reached the reader");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()) == "I/O error");
  }
  CHECK(served == bytes.substr(0, 2 << 20));
}

TEST_CASE("prefetching source can be dropped before the end of its stream", "[collector][byte_source][prefetch]") {
  auto source = prefetchInBackground(std::make_unique<ScriptedSource>(patterned(20 << 20), 1 << 16));
  std::vector<char> buffer(100);
  CHECK(source->read(buffer.data(), buffer.size()) == 100);
  source.reset();  // joins the thread, which is waiting for room in its queue
}

}  // namespace
}  // namespace jobtuner::collector

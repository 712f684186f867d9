// Feeds arbitrary bytes through the bottom of the event-log reading path: the line splitter, with
// a small line limit and chunk so that long-line assembly and discarding run all the time, and the
// zstd decoder with the splitter behind it.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "collector/byte_source.h"
#include "collector/line_reader.h"

using namespace jobtuner::collector;

namespace {

// A few bytes of zstd can describe megabytes of output; past this the input teaches nothing new
// and only slows the fuzzer down.
constexpr uint64_t kMaxDecodedBytes = uint64_t{1} << 20;

class CappedSource final : public ByteSource {
 public:
  explicit CappedSource(ByteSource& inner) : inner_(inner) {}
  size_t read(char* buffer, size_t capacity) override {
    size_t allowed = static_cast<size_t>(std::min<uint64_t>(capacity, kMaxDecodedBytes - delivered_));
    size_t count = allowed == 0 ? 0 : inner_.read(buffer, allowed);
    delivered_ += count;
    return count;
  }
  const std::string& damage() const override { return inner_.damage(); }
  uint64_t rawBytesRead() const override { return inner_.rawBytesRead(); }

 private:
  ByteSource& inner_;
  uint64_t delivered_ = 0;
};

// Reads every line and checks what callers rely on; any violation aborts, which libFuzzer reports.
uint64_t drainLines(ByteSource& source, const LineLimits& limits) {
  LineReader reader(source, limits);
  Line line;
  int64_t previousNumber = 0;
  bool sawLast = false;
  volatile char sink = 0;
  while (reader.next(line)) {
    if (sawLast || line.number <= previousNumber) __builtin_trap();
    if (line.text.size() > limits.maxLineBytes) __builtin_trap();
    if (std::memchr(line.text.data(), '\n', line.text.size()) != nullptr) __builtin_trap();
    // simdjson reads up to kLinePadding bytes past the line; ASan flags any that are not there.
    for (size_t i = 0; i < kLinePadding; ++i) sink = sink ^ line.text.data()[line.text.size() + i];
    previousNumber = line.number;
    sawLast = line.lastWithoutNewline;
  }
  for (size_t i = 1; i < reader.skippedLongLines().size(); ++i) {
    if (reader.skippedLongLines()[i] <= reader.skippedLongLines()[i - 1]) __builtin_trap();
  }
  return reader.bytesRead();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte also picks the limits, so one corpus explores many chunk/limit pairs.
  uint8_t knob = size > 0 ? data[0] : 0;
  LineLimits limits;
  limits.chunkBytes = 1 + knob % 32;
  limits.maxLineBytes = knob / 8;

  auto plain = openMemoryByteSource(input);
  if (drainLines(*plain, limits) != size) __builtin_trap();

  LineLimits defaults;
  defaults.chunkBytes = 4096;
  auto decoded = openZstdDecoder(openMemoryByteSource(input));
  CappedSource capped(*decoded);
  drainLines(capped, defaults);
  if (decoded->rawBytesRead() > size) __builtin_trap();
  return 0;
}

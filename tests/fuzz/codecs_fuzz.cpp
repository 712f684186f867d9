// Feeds arbitrary bytes to the lz4 (lz4-java blocks), snappy (snappy-java stream) and lzf
// (compress-lzf chunks) decoders. The first byte picks the codec, the read size and the
// decompressed-size limit; the rest is the compressed stream. Seeds in corpus/codecs are small
// logs written by the Java libraries Spark uses (codec_fixture_writer), each behind its selector.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "collector/byte_source.h"
#include "collector/codec_sources.h"
#include "collector/log_layout.h"

using namespace jobtuner::collector;

namespace {

constexpr Codec kCodecs[] = {Codec::Lz4, Codec::Snappy, Codec::Lzf};
constexpr size_t kCapacities[] = {1, 7, 4096, 65536};
// A few bytes can describe megabytes of output; past this the input teaches nothing new and only
// slows the fuzzer down. The small limit makes the limit's own path run often.
constexpr uint64_t kLimits[] = {uint64_t{1} << 20, 1000};

struct Outcome {
  std::string bytes;
  std::string damage;
};

// Reads to the end and checks what callers rely on; any violation aborts, which libFuzzer reports.
Outcome drain(std::string_view input, Codec codec, size_t capacity, uint64_t limit) {
  auto source = openCompressedSource(openMemoryByteSource(input), codec, limit);
  Outcome outcome;
  std::vector<char> buffer(capacity);
  uint64_t previousRaw = 0;
  while (size_t count = source->read(buffer.data(), capacity)) {
    if (count > capacity) __builtin_trap();
    outcome.bytes.append(buffer.data(), count);
    if (outcome.bytes.size() > limit) __builtin_trap();
    uint64_t raw = source->rawBytesRead();
    if (raw < previousRaw || raw > input.size()) __builtin_trap();
    previousRaw = raw;
  }
  outcome.damage = source->damage();
  // The end is sticky and so is its damage.
  if (source->read(buffer.data(), capacity) != 0 || source->damage() != outcome.damage) __builtin_trap();
  if (source->rawBytesRead() > input.size()) __builtin_trap();
  return outcome;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t knob = data[0];
  Codec codec = kCodecs[knob % 3];
  size_t capacity = kCapacities[(knob >> 2) & 3];
  uint64_t limit = kLimits[(knob >> 4) & 1];
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  Outcome first = drain(input, codec, capacity, limit);
  // How the reader slices its reads must not change what it gets.
  Outcome second = drain(input, codec, capacity == 65536 ? 3 : 65536, limit);
  if (first.bytes != second.bytes || first.damage != second.damage) __builtin_trap();
  return 0;
}

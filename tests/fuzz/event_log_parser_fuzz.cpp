// Feeds arbitrary bytes, a line at a time, to the event-log parser (the normalizer every log and
// the collector sidecar's stream go through), taking a live snapshot half-way as the sidecar does.
// Nothing a line holds may crash it; the model it returns must hold together.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collector/event_log_parser.h"
#include "collector/line_reader.h"

using namespace jobtuner::collector;

namespace {

struct CountingSink : TaskSink {
  size_t tasks = 0;
  void addTask(const jobtuner::core::TaskAttempt&) override { ++tasks; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CountingSink sink;
  ParseLimits limits;
  limits.maxJsonDepth = 64;
  EventLogParser parser(sink, limits);
  std::string padded;
  int64_t number = 0;
  size_t start = 0;
  while (start < input.size()) {
    size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    padded.assign(input.substr(start, end - start));
    size_t length = padded.size();
    padded.append(kLinePadding, '\0');
    parser.parseLine(std::string_view(padded.data(), length), padded.size(), ++number);
    if (number == 8) {
      std::vector<jobtuner::core::TaskAttempt> running;
      jobtuner::core::AppAttempt snapshot = parser.snapshot(running);
      if (snapshot.completed) std::abort();  // a snapshot is of a log still being written
    }
    start = end + 1;
  }
  jobtuner::core::AppAttempt app = parser.finish(false);
  // The key-sketch bounds: at most 1000 keys of at most 1 KB per shuffle.
  std::map<int32_t, size_t> keysPerShuffle;
  for (const auto& key : app.shuffleKeys) {
    if (key.key.size() > 1024 || ++keysPerShuffle[key.shuffleId] > 1000) std::abort();
  }
  return 0;
}

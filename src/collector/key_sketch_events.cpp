// org.jobtuner.KeySketch: the heaviest keys of one shuffle, written by jobtuner's runtime when the
// map stage that wrote the shuffle completes. The log is untrusted like any other: the keys kept
// per shuffle and the length of each are bounded, and a key listed twice counts once.

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "collector/event_log_state.h"

namespace jobtuner::collector {

namespace {

/// The runtime's sketch keeps far fewer; a larger list is not one of ours.
constexpr size_t kMaxKeysPerShuffle = 1000;
constexpr size_t kMaxKeyBytes = 1024;

}  // namespace

void EventLogParser::State::onKeySketch(JsonObject& event) {
  std::optional<int64_t> shuffleId;
  int32_t stageId = -1;
  std::vector<core::ShuffleKey> keys;
  std::unordered_set<std::string> seen;
  bool truncated = false;
  forEachField(event, [&](std::string_view field, JsonValue value) {
    if (field == "Shuffle ID") {
      shuffleId = readOptionalInt64(value);
    } else if (field == "Stage ID") {
      stageId = readInt32(value, -1);
    } else if (field == "Keys") {
      forEachElement(value, [&](JsonValue element) {
        core::ShuffleKey key;
        forEachField(element, [&](std::string_view name, JsonValue item) {
          if (name == "Key") {
            key.key = readString(item);
          } else if (name == "Records") {
            key.records = readInt64(item);
          } else if (name == "Bytes") {
            key.bytes = readInt64(item);
          }
        });
        if (key.key.size() > kMaxKeyBytes) key.key.resize(kMaxKeyBytes);
        if (keys.size() >= kMaxKeysPerShuffle) {
          truncated = true;
        } else if (seen.insert(key.key).second) {
          keys.push_back(std::move(key));
        }
      });
    }
  });
  if (!shuffleId) {
    skipEvent("org.jobtuner.KeySketch", "\"Shuffle ID\"");
    return;
  }
  if (truncated) warn(lineNumber, fmt::format("a key sketch lists more than {} keys; the rest are skipped", kMaxKeysPerShuffle));
  // A shuffle written again (a retried map stage) is described by its latest sketch.
  int32_t id = static_cast<int32_t>(*shuffleId);
  std::erase_if(app.shuffleKeys, [&](const core::ShuffleKey& key) { return key.shuffleId == id; });
  std::stable_sort(keys.begin(), keys.end(),
                   [](const core::ShuffleKey& a, const core::ShuffleKey& b) { return a.bytes > b.bytes; });
  for (core::ShuffleKey& key : keys) {
    key.shuffleId = id;
    key.stageId = stageId;
    app.shuffleKeys.push_back(std::move(key));
  }
}

}  // namespace jobtuner::collector

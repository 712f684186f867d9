#include "collector/task_accumulables.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace jobtuner::collector {

namespace {

constexpr std::string_view kInternalPrefix = "internal.metrics.";

// InternalAccumulator's names, without the prefix, for the values TaskMetrics holds. Sorted.
constexpr std::array<std::string_view, 34> kTaskMetricNames = {
    "diskBytesSpilled",
    "executorCpuTime",
    "executorDeserializeCpuTime",
    "executorDeserializeTime",
    "executorRunTime",
    "input.bytesRead",
    "input.recordsRead",
    "jvmGCTime",
    "memoryBytesSpilled",
    "output.bytesWritten",
    "output.recordsWritten",
    "peakExecutionMemory",
    "resultSerializationTime",
    "resultSize",
    "shuffle.push.read.corruptMergedBlockChunks",
    "shuffle.push.read.localMergedBlocksFetched",
    "shuffle.push.read.localMergedBytesRead",
    "shuffle.push.read.localMergedChunksFetched",
    "shuffle.push.read.mergedFetchFallbackCount",
    "shuffle.push.read.remoteMergedBlocksFetched",
    "shuffle.push.read.remoteMergedBytesRead",
    "shuffle.push.read.remoteMergedChunksFetched",
    "shuffle.push.read.remoteMergedReqsDuration",
    "shuffle.read.fetchWaitTime",
    "shuffle.read.localBlocksFetched",
    "shuffle.read.localBytesRead",
    "shuffle.read.recordsRead",
    "shuffle.read.remoteBlocksFetched",
    "shuffle.read.remoteBytesRead",
    "shuffle.read.remoteBytesReadToDisk",
    "shuffle.read.remoteReqsDuration",
    "shuffle.write.bytesWritten",
    "shuffle.write.recordsWritten",
    "shuffle.write.writeTime",
};

static_assert(std::is_sorted(kTaskMetricNames.begin(), kTaskMetricNames.end()), "binary_search needs the names sorted");

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The end of the string token that starts at `at` (its opening quote), just past the closing quote.
// memchr jumps from quote to quote: most of an accumulable's bytes are inside strings.
size_t endOfString(std::string_view json, size_t at) {
  size_t from = at + 1;
  while (from < json.size()) {
    const void* found = std::memchr(json.data() + from, '"', json.size() - from);
    if (found == nullptr) break;
    size_t quote = static_cast<size_t>(static_cast<const char*>(found) - json.data());
    size_t backslashes = 0;
    while (quote - backslashes > at + 1 && json[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
  return json.size();
}

// The end of the value that starts at `at`: past its closing bracket, quote or last character.
size_t endOfValue(std::string_view json, size_t at) {
  if (at >= json.size()) return at;
  if (json[at] == '"') return endOfString(json, at);
  if (json[at] != '{' && json[at] != '[') {
    size_t i = at;
    while (i < json.size() && json[i] != ',' && json[i] != '}' && json[i] != ']' && !isSpace(json[i])) ++i;
    return i;
  }
  int depth = 0;
  for (size_t i = at; i < json.size(); ++i) {
    char c = json[i];
    if (c == '"') {
      i = endOfString(json, i) - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return json.size();
}

size_t skipSpace(std::string_view json, size_t at) {
  while (at < json.size() && isSpace(json[at])) ++at;
  return at;
}

// The raw text of the top-level "Name" string of an accumulable object (between its quotes), or
// empty. Spark writes {"ID":n,"Name":"..." first; other layouts are walked key by key.
std::string_view nameOf(std::string_view object) {
  size_t at = skipSpace(object, 1);
  while (at < object.size() && object[at] == '"') {
    size_t keyEnd = endOfString(object, at);
    std::string_view key = object.substr(at + 1, keyEnd - at - 2);
    size_t colon = skipSpace(object, keyEnd);
    if (colon >= object.size() || object[colon] != ':') return {};
    size_t value = skipSpace(object, colon + 1);
    size_t valueEnd = endOfValue(object, value);
    if (key == "Name") {
      if (value >= object.size() || object[value] != '"' || valueEnd < value + 2) return {};
      return object.substr(value + 1, valueEnd - value - 2);
    }
    at = skipSpace(object, valueEnd);
    if (at >= object.size() || object[at] != ',') return {};
    at = skipSpace(object, at + 1);
  }
  return {};
}

}  // namespace

bool isTaskMetricAccumulable(std::string_view name) {
  if (!name.starts_with(kInternalPrefix)) return false;
  name.remove_prefix(kInternalPrefix.size());
  return std::binary_search(kTaskMetricNames.begin(), kTaskMetricNames.end(), name);
}

std::string accumulablesToKeep(std::span<const std::string_view> elements, bool hasTaskMetrics) {
  size_t size = 2 + elements.size();
  for (std::string_view element : elements) size += element.size();
  std::string kept;
  kept.reserve(hasTaskMetrics ? std::min<size_t>(size, 512) : size);
  kept.push_back('[');
  for (std::string_view element : elements) {
    if (hasTaskMetrics && !element.empty() && element.front() == '{' && isTaskMetricAccumulable(nameOf(element))) {
      continue;
    }
    if (kept.size() > 1) kept.push_back(',');
    kept.append(element);
  }
  kept.push_back(']');
  return kept;
}

}  // namespace jobtuner::collector

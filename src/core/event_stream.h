#pragma once

// The live event stream from a run's driver to its collector sidecar, over a LocalChannel: frames
// of whole newline-terminated event-log lines, the same lines the event-log file gets, then one
// end frame once the file is complete. A stream that stops without the end frame is a run that
// died.

#include <cstdint>

namespace jobtuner::core {

enum class EventStreamFrame : uint8_t { kEvents = 16, kEnd = 17 };

}  // namespace jobtuner::core

#pragma once

// The collector sidecar's work: a run's driver streams its event-log lines over a local channel
// (core/event_stream.h) while it writes them to the log file, and the sidecar stores them with the
// same parser and store writer as `jobtuner ingest`, committing every commitIntervalMs. So the
// store shows a running job's progress, a driver that dies loses none of the events it sent, and
// once the stream has ended the store holds what ingesting the finished log would store.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "collector/event_log_parser.h"
#include "collector/line_reader.h"
#include "collector/store.h"
#include "core/local_channel.h"

namespace jobtuner::collector {

struct LiveCollectorOptions {
  /// The log file the driver writes: the store records it under this name once the stream has
  /// ended, and as <name>.inprogress until then (and for good when the driver died).
  std::filesystem::path eventLog;
  int commitIntervalMs = 250;
  LineLimits lineLimits;
  ParseLimits parseLimits;
  /// Polled while waiting for frames: true stops waiting (the sidecar was asked to stop); what
  /// has arrived is stored as for a driver that died.
  std::function<bool()> shouldStop;
};

struct LiveCollectorResult {
  std::string appId;
  bool sawEnd = false;       // the driver ended the stream; false: it stopped mid-run
  bool stored = false;       // the final state is in the store
  int64_t events = 0;
  int64_t taskEndEvents = 0;
  int64_t checkpoints = 0;   // commits before the final one
};

/// Receives and stores one run's event stream until its end frame, or until the driver closes
/// the channel or dies. Throws core::SystemError when the store cannot be written, and on a
/// malformed frame.
LiveCollectorResult collectLive(Store& store, core::LocalChannel& channel, const LiveCollectorOptions& options);

}  // namespace jobtuner::collector

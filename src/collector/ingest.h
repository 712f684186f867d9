#pragma once

// Ingesting event logs: find the logs a path names, read each one (any layout, any codec) and
// store it, one transaction per log.

#include <filesystem>
#include <string>
#include <vector>

#include "collector/event_log_parser.h"
#include "collector/line_reader.h"
#include "collector/log_layout.h"
#include "collector/store.h"

namespace jobtuner::collector {

struct IngestOptions {
  LineLimits lineLimits;
  ParseLimits parseLimits;
};

/// What happened to one event log.
struct IngestReport {
  std::string path;
  std::string appId;
  std::string attemptId;
  std::string name;
  std::string status;          // "completed" or "incomplete"
  bool streaming = false;
  int64_t taskEndEvents = 0;
  int64_t stages = 0;
  int64_t events = 0;
  int64_t unknownEvents = 0;
  std::vector<ParseWarning> warnings;
  bool kept = false;           // this copy is the one stored for its key
  std::string keptPath;        // the copy stored for this key
  std::vector<std::string> superseded;  // copies this one replaced
};

struct IngestSummary {
  std::vector<IngestReport> reports;
  std::vector<SkippedPath> skipped;   // files under directory arguments that are not logs
};

/// Ingests every log `argument` names into `store`. Throws core::UserError (and leaves the store
/// unchanged for that log) when a path named explicitly is missing, empty or not an event log.
IngestSummary ingestPath(Store& store, const std::filesystem::path& argument, const IngestOptions& options);

/// How a log's path is recorded in the store: absolute, with symbolic links resolved.
std::string storedLogPath(const std::filesystem::path& path);
/// A file's modification time in milliseconds since the epoch; 0 when it cannot be read.
int64_t modificationTimeMs(const std::filesystem::path& path);

/// The store's record of a log that `parser` read into `app`, named `path` (as storedLogPath
/// gives it), last modified at `mtimeMs`. The file ingest and the live sidecar file logs alike.
IngestedFile fileRecordOf(const core::AppAttempt& app, const EventLogParser& parser, const std::string& path,
                          int64_t mtimeMs);

/// Warnings both readers of a log give, in the same words.
extern const char* const kCutMidLineWarning;
std::string longLineWarning(size_t maxLineBytes);

/// Reads and stores one log.
IngestReport ingestLog(Store& store, const EventLogFiles& log, const IngestOptions& options);

}  // namespace jobtuner::collector

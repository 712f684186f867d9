#pragma once

// Which files on disk form one event log, and in what order they are read.
//
// Spark writes four layouts: a single file (`app-…`, `local-…`, `application_…`, optionally with a
// codec suffix and `.inprogress`), a rolling directory (`eventlog_v2_<app>/events_<N>_<app>[.codec]`
// plus an `appstatus_<app>[.inprogress]` marker), and the legacy 1.x directory (`EVENT_LOG_1`,
// `APPLICATION_COMPLETE`, `SPARK_VERSION_x`, `COMPRESSION_CODEC_x`).

#include <filesystem>
#include <string>
#include <vector>

namespace jobtuner::collector {

enum class Codec { None, Zstd, Lz4, Snappy, Lzf };

const char* toString(Codec codec);

/// Returns the codec named by a file name's suffix (ignoring a trailing `.inprogress`).
Codec codecFromFileName(const std::string& fileName);

enum class LogLayout { SingleFile, Rolling, LegacyDirectory };

const char* toString(LogLayout layout);

/// One event log: one copy of one app attempt's events.
struct EventLogFiles {
  std::filesystem::path path;                 // the file, or the directory for rolling/legacy
  std::vector<std::filesystem::path> parts;   // files to read, in order
  LogLayout layout = LogLayout::SingleFile;
  Codec codec = Codec::None;                  // codec of the parts
  bool inProgress = false;                    // `.inprogress`, or no completion marker
  std::string sparkVersionHint;               // legacy directories: from SPARK_VERSION_x
  std::vector<std::string> warnings;          // layout problems the reader cannot see, e.g. a
                                              // missing rolling part (events_3 of 1..5)
};

struct SkippedPath {
  std::filesystem::path path;
  std::string reason;
};

struct Discovery {
  std::vector<EventLogFiles> logs;   // sorted by path
  std::vector<SkippedPath> skipped;  // files under a directory argument that are not logs
};

/// Finds the event logs a command-line argument names. A directory that is itself a rolling or
/// legacy log is that log; any other directory is walked recursively and only recognised layouts
/// are kept. A file named explicitly is always returned as a single-file log (whether its content
/// is an event log is checked when it is read). Throws core::UserError when the path does not exist
/// or cannot be read.
Discovery discoverEventLogs(const std::filesystem::path& argument);

}  // namespace jobtuner::collector

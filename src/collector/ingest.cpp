#include "collector/ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>

#include "collector/pipelined_task_sink.h"
#include "collector/prefetching_byte_source.h"
#include "core/errors.h"

namespace jobtuner::collector {

namespace fs = std::filesystem;

namespace {

// A file of any size whose first lines hold no Spark event is not an event log; reading it to the
// end would only waste time (a multi-GB binary file, say), so the reader gives up after this many.
constexpr int64_t kLinesBeforeGivingUp = 1000;

// Rejects files that are plainly something else before any row is written, with a message that
// says what the file is and what to do.
void checkLooksLikeEventLog(const EventLogFiles& log) {
  if (log.layout != LogLayout::SingleFile || log.codec != Codec::None) return;
  const fs::path& path = log.path;
  std::error_code error;
  auto size = fs::file_size(path, error);
  if (!error && size == 0) {
    throw core::UserError(core::SourceLocation{path.string()},
                        "the file is empty; a Spark event log has one JSON event per line",
                        "check that Spark finished writing it (spark.eventLog.enabled) or name another file");
  }
  std::ifstream in(path, std::ios::binary);
  char head[512] = {};
  in.read(head, sizeof(head));
  auto count = static_cast<size_t>(in.gcount());
  if (count >= 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b) {
    throw core::UserError(core::SourceLocation{path.string()},
                        "this is a gzip file; Spark writes event logs plain or with lz4, snappy, zstd or lzf",
                        "decompress it first (gunzip -k FILE) and ingest the result");
  }
  if (count >= 4 && std::memcmp(head, "\x28\xb5\x2f\xfd", 4) == 0) {
    throw core::UserError(core::SourceLocation{path.string()},
                        "this is a zstd file without a .zstd or .zst suffix",
                        "rename it to end in .zstd, as Spark names its zstd event logs");
  }
  if (std::memchr(head, '\0', count) != nullptr) {
    throw core::UserError(core::SourceLocation{path.string()},
                        "this is a binary file, not a Spark event log (JSON lines)",
                        "name the event log itself, e.g. spark.eventLog.dir/<app id>");
  }
}

}  // namespace

int64_t modificationTimeMs(const fs::path& path) {
  std::error_code error;
  auto time = fs::last_write_time(path, error);
  if (error) return 0;
  auto sinceEpoch = std::chrono::file_clock::to_sys(time).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(sinceEpoch).count();
}

std::string storedLogPath(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(fs::absolute(path), error);
  return (error ? fs::absolute(path).lexically_normal() : canonical).string();
}

const char* const kCutMidLineWarning = "the log ends inside this line (cut mid-line); ingested what precedes it";

std::string longLineWarning(size_t maxLineBytes) {
  return fmt::format("line is longer than the limit of {} bytes (skipped)", maxLineBytes);
}

IngestedFile fileRecordOf(const core::AppAttempt& app, const EventLogParser& parser, const std::string& path,
                          int64_t mtimeMs) {
  IngestedFile file;
  file.path = path;
  file.appId = app.appId;
  file.attemptId = app.attemptId;
  file.rank.completed = app.completed;
  file.rank.events = parser.stats().events;
  file.rank.fileMtimeMs = mtimeMs;
  file.rank.path = path;
  file.taskEndEvents = parser.stats().taskEndEvents;
  file.stages = static_cast<int64_t>(app.stages.size());
  file.warnings = static_cast<int64_t>(parser.warnings().size());
  return file;
}

IngestReport ingestLog(Store& store, const EventLogFiles& log, const IngestOptions& options) {
  checkLooksLikeEventLog(log);

  IngestReport report;
  report.path = storedLogPath(log.path);

  // Read and decompressed on a thread of its own, ahead of the parser.
  std::unique_ptr<ByteSource> source = prefetchInBackground(openConcatenated(log.parts, log.codec));
  LineReader reader(*source, options.lineLimits);
  std::unique_ptr<AppWriter> writer = store.beginApp();
  // Tasks are written on a second thread while this one reads and parses.
  PipelinedTaskSink taskWriter(*writer);
  EventLogParser parser(taskWriter, options.parseLimits);
  for (const auto& problem : log.warnings) parser.addWarning(0, problem);

  Line line;
  bool cutMidLine = false;
  while (reader.next(line)) {
    int64_t badBefore = parser.stats().badLines;
    parser.parseLine(line.text, line.text.size() + kLinePadding, line.number);
    if (line.lastWithoutNewline && parser.stats().badLines > badBefore) cutMidLine = true;
    if (!parser.sawEvents() && parser.stats().lines >= kLinesBeforeGivingUp) break;
  }
  if (!parser.sawEvents()) {
    throw core::UserError(core::SourceLocation{log.path.string()},
                        parser.stats().lines == 0
                            ? "the log holds no lines; a Spark event log has one JSON event per line"
                            : "not a Spark event log: no line is a JSON object with an \"Event\" field",
                        "name a file written by Spark's event logging (spark.eventLog.dir)");
  }
  for (int64_t skipped : reader.skippedLongLines()) {
    parser.addWarning(skipped, longLineWarning(options.lineLimits.maxLineBytes));
  }
  if (cutMidLine) {
    parser.addWarning(line.number, kCutMidLineWarning);
  }
  bool damaged = !source->damage().empty();
  if (damaged) {
    parser.addWarning(0, fmt::format("the compressed stream is damaged: {}; ingested what precedes it",
                                     source->damage()));
  }

  core::AppAttempt app = parser.finish(log.inProgress || cutMidLine || damaged);
  taskWriter.finish();
  if (app.engineVersion.empty()) app.engineVersion = log.sparkVersionHint;
  if (app.appId.empty()) {
    // Old or cut logs may lack ApplicationStart; the file name is Spark's own app id then.
    std::string name = log.path.filename().string();
    for (const char* suffix : {".inprogress", ".zstd", ".zst", ".lz4", ".snappy", ".lzf"}) {
      if (name.size() > std::strlen(suffix) && name.ends_with(suffix)) name.resize(name.size() - std::strlen(suffix));
    }
    if (name.starts_with("eventlog_v2_")) name = name.substr(std::strlen("eventlog_v2_"));
    app.appId = name;
    parser.addWarning(0, "the log has no SparkListenerApplicationStart; the app id is taken from the file name");
  }

  int64_t mtimeMs = 0;
  for (const auto& part : log.parts) mtimeMs = std::max(mtimeMs, modificationTimeMs(part));
  IngestedFile file = fileRecordOf(app, parser, report.path, mtimeMs);

  AppWriter::Outcome outcome = writer->commit(app, file);

  report.appId = app.appId;
  report.attemptId = app.attemptId;
  report.name = app.name;
  report.status = app.completed ? "completed" : "incomplete";
  report.streaming = app.streaming;
  report.taskEndEvents = parser.stats().taskEndEvents;
  report.stages = file.stages;
  report.events = parser.stats().events;
  report.unknownEvents = parser.stats().unknownEvents;
  report.warnings = parser.warnings();
  report.kept = outcome.kept;
  report.keptPath = outcome.keptPath;
  report.superseded = outcome.supersededPaths;
  return report;
}

IngestSummary ingestPath(Store& store, const fs::path& argument, const IngestOptions& options) {
  Discovery discovery = discoverEventLogs(argument);
  // A rolling or legacy log directory named on the command line counts as named explicitly.
  std::error_code ignored;
  bool namedExplicitly = !fs::is_directory(argument) ||
                         (discovery.logs.size() == 1 &&
                          fs::equivalent(discovery.logs.front().path, argument, ignored) &&
                          discovery.logs.front().layout != LogLayout::SingleFile);
  IngestSummary summary;
  summary.skipped = discovery.skipped;
  for (const EventLogFiles& log : discovery.logs) {
    try {
      summary.reports.push_back(ingestLog(store, log, options));
    } catch (const core::UserError& unreadable) {
      // A log found while walking a folder must not stop the others; one named on the command
      // line is the user's mistake to hear about.
      if (namedExplicitly) throw;
      summary.skipped.push_back({log.path, unreadable.what()});
    }
  }
  return summary;
}

}  // namespace jobtuner::collector

#include "collector/log_layout.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>
#include <regex>
#include <set>
#include <system_error>

#include "core/errors.h"

namespace jobtuner::collector {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kInProgressSuffix = ".inprogress";
// Spark's event-log compactor writes `events_<N>_<app>[.codec].compact`, which replaces every
// part before it.
constexpr std::string_view kCompactedSuffix = ".compact";
constexpr std::string_view kRollingDirPrefix = "eventlog_v2_";
constexpr std::string_view kRollingPartPrefix = "events_";
constexpr std::string_view kRollingStatusPrefix = "appstatus_";
constexpr std::string_view kLegacyPartPrefix = "EVENT_LOG_";
constexpr std::string_view kLegacyCompleteMarker = "APPLICATION_COMPLETE";
constexpr std::string_view kLegacyVersionPrefix = "SPARK_VERSION_";
constexpr std::string_view kLegacyCodecPrefix = "COMPRESSION_CODEC_";
constexpr const char* kMissingPathHint = "check the path; jobtuner ingest takes files or directories";

std::string_view stripSuffix(std::string_view text, std::string_view suffix) {
  if (text.size() > suffix.size() && text.ends_with(suffix)) text.remove_suffix(suffix.size());
  return text;
}

std::string lowercase(std::string_view text) {
  std::string result(text);
  for (char& c : result) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return result;
}

// Spark names codecs by short name (`zstd`) in file suffixes and, in 1.x directories, by class
// (`COMPRESSION_CODEC_org.apache.spark.io.LZFCompressionCodec`), so both spellings are accepted.
std::optional<Codec> codecFromName(std::string_view name, bool allowClassName) {
  std::string lower = lowercase(name);
  if (lower == "zstd" || lower == "zst") return Codec::Zstd;
  if (lower == "lz4") return Codec::Lz4;
  if (lower == "snappy") return Codec::Snappy;
  if (lower == "lzf") return Codec::Lzf;
  if (allowClassName) {
    if (lower.find("zstd") != std::string::npos) return Codec::Zstd;
    if (lower.find("lz4") != std::string::npos) return Codec::Lz4;
    if (lower.find("snappy") != std::string::npos) return Codec::Snappy;
    if (lower.find("lzf") != std::string::npos) return Codec::Lzf;
  }
  return std::nullopt;
}

// Spark's own file names: the app id (standalone, local, YARN, Kubernetes) sanitized and
// lowercased, then an optional `_<attempt>`. Anything else needs its content to vouch for it.
bool nameLooksLikeEventLog(const std::string& fileName) {
  static const std::regex kSparkName(
      R"((app-\d{14}-\d{4,}|local-\d+|application_\d+_\d+|spark-[0-9a-f]{32})(_\d+)?)",
      std::regex::icase | std::regex::optimize);
  std::string_view stem = stripSuffix(fileName, kInProgressSuffix);
  if (auto dot = stem.rfind('.'); dot != std::string_view::npos && codecFromName(stem.substr(dot + 1), false)) {
    stem = stem.substr(0, dot);
  }
  return std::regex_match(stem.begin(), stem.end(), kSparkName);
}

bool isHidden(const std::string& fileName) { return !fileName.empty() && fileName.front() == '.'; }

std::string errnoText() { return std::strerror(errno); }

// Reads the first bytes of a file without following it further: walking a large folder must not
// read every file whole just to reject it.
std::string readHead(const fs::path& path, size_t maxBytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return {};
  std::string head(maxBytes, '\0');
  ssize_t count;
  do {
    count = ::read(fd, head.data(), head.size());
  } while (count < 0 && errno == EINTR);
  ::close(fd);
  head.resize(count > 0 ? static_cast<size_t>(count) : 0);
  return head;
}

// True when the text starts like Spark's JSON lines: `{"Event":`, tolerating a byte-order mark
// and whitespace that editors or other writers may have added.
bool headLooksLikeEvent(std::string_view head) {
  if (head.starts_with("\xEF\xBB\xBF")) head.remove_prefix(3);
  auto skipSpace = [&head] {
    while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) head.remove_prefix(1);
  };
  auto expect = [&head, &skipSpace](std::string_view token) {
    skipSpace();
    if (!head.starts_with(token)) return false;
    head.remove_prefix(token.size());
    return true;
  };
  return expect("{") && expect("\"Event\"") && expect(":");
}

std::string describeHead(std::string_view head) {
  if (head.empty()) return "not an event log (empty file, and its name is not a Spark log name)";
  if (head.starts_with("\x28\xb5\x2f\xfd")) {
    return "not an event log by name (zstd data without a .zstd suffix; rename it to end in .zstd)";
  }
  if (head.starts_with("\x1f\x8b")) return "not an event log (gzip file; Spark does not write gzip event logs)";
  return "not an event log (name and content)";
}

// Digits right after `prefix` up to the next `_` (rolling parts) or the end (legacy parts).
std::optional<int64_t> partIndex(std::string_view name, std::string_view prefix, bool needsUnderscore) {
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  int64_t index = 0;
  auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (error != std::errc() || end == name.data() || index < 0) return std::nullopt;
  std::string_view rest(end, name.data() + name.size() - end);
  if (needsUnderscore ? !rest.starts_with("_") : !rest.empty()) return std::nullopt;
  return index;
}

struct DirectoryEntry {
  std::string name;
  fs::path path;
  bool isDirectory = false;
  bool isRegular = false;
  bool isBrokenLink = false;
};

std::vector<DirectoryEntry> listDirectory(const fs::path& dir, std::error_code& error) {
  std::vector<DirectoryEntry> entries;
  fs::directory_iterator it(dir, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    DirectoryEntry entry;
    entry.path = it->path();
    entry.name = entry.path.filename().string();
    std::error_code statusError;
    fs::file_status status = it->status(statusError);
    if (statusError) {
      entry.isBrokenLink = it->is_symlink(statusError);
    } else {
      entry.isDirectory = fs::is_directory(status);
      entry.isRegular = fs::is_regular_file(status);
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(),
            [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.name < b.name; });
  return entries;
}

// What a directory turned out to be: not a log directory, a log, or a log directory that cannot
// be read as one (the reason says why).
struct DirectoryVerdict {
  std::optional<EventLogFiles> log;
  std::string brokenReason;
  bool isLogDirectory() const { return log.has_value() || !brokenReason.empty(); }
};

DirectoryVerdict classifyRolling(const fs::path& dir, const std::vector<DirectoryEntry>& entries,
                                 std::vector<SkippedPath>& skipped) {
  struct Part {
    int64_t index;
    bool compacted;
    fs::path path;
  };
  std::vector<Part> parts;
  std::optional<bool> statusInProgress;
  std::vector<SkippedPath> strays;
  for (const auto& entry : entries) {
    if (isHidden(entry.name)) {
      strays.push_back({entry.path, "hidden file"});
    } else if (!entry.isRegular) {
      strays.push_back({entry.path, "not part of the rolling log (not a regular file)"});
    } else if (auto index = partIndex(entry.name, kRollingPartPrefix, true)) {
      parts.push_back({*index, std::string_view(entry.name).ends_with(kCompactedSuffix), entry.path});
    } else if (entry.name.starts_with(kRollingStatusPrefix)) {
      // Several markers only appear if a writer crashed mid-rename; "in progress" wins then.
      bool inProgress = std::string_view(entry.name).ends_with(kInProgressSuffix);
      statusInProgress = statusInProgress.value_or(false) || inProgress;
    } else {
      strays.push_back({entry.path, "not part of the rolling log"});
    }
  }
  DirectoryVerdict verdict;
  if (parts.empty()) {
    verdict.brokenReason = "rolling event log directory without events_<N>_* files";
    return verdict;
  }
  // A compacted file sorts after the plain part of the same number, as Spark orders them.
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
    return a.index != b.index ? a.index < b.index : (!a.compacted && b.compacted);
  });
  EventLogFiles log;
  log.path = dir;
  log.layout = LogLayout::Rolling;
  log.inProgress = statusInProgress.value_or(true);
  auto lastCompacted = std::find_if(parts.rbegin(), parts.rend(), [](const Part& p) { return p.compacted; });
  size_t first = lastCompacted == parts.rend() ? 0 : static_cast<size_t>(parts.rend() - lastCompacted) - 1;
  for (size_t i = 0; i < first; ++i) strays.push_back({parts[i].path, "replaced by a compacted part"});
  for (size_t i = first; i < parts.size(); ++i) {
    if (i > first && parts[i].index != parts[i - 1].index + 1) {
      log.warnings.push_back(parts[i].index == parts[i - 1].index
                                 ? "rolling part number " + std::to_string(parts[i].index) + " appears twice"
                                 : "rolling parts " + std::to_string(parts[i - 1].index + 1) + " to " +
                                       std::to_string(parts[i].index - 1) + " are missing; events may be lost");
    }
    log.parts.push_back(parts[i].path);
  }
  std::string firstName = log.parts.front().filename().string();
  log.codec = codecFromFileName(firstName);
  for (const auto& part : log.parts) {
    if (codecFromFileName(part.filename().string()) != log.codec) {
      log.warnings.push_back(std::string("rolling parts use different codecs; all are read as ") +
                             toString(log.codec) + " (the codec of " + firstName + ")");
      break;
    }
  }
  skipped.insert(skipped.end(), strays.begin(), strays.end());
  verdict.log = std::move(log);
  return verdict;
}

DirectoryVerdict classifyLegacy(const fs::path& dir, const std::vector<DirectoryEntry>& entries,
                                std::vector<SkippedPath>& skipped) {
  std::vector<std::pair<int64_t, fs::path>> parts;
  bool complete = false;
  std::string version;
  std::string codecName;
  std::vector<SkippedPath> strays;
  for (const auto& entry : entries) {
    if (isHidden(entry.name)) {
      strays.push_back({entry.path, "hidden file"});
    } else if (!entry.isRegular) {
      strays.push_back({entry.path, "not part of the legacy log directory (not a regular file)"});
    } else if (auto index = partIndex(entry.name, kLegacyPartPrefix, false)) {
      parts.emplace_back(*index, entry.path);
    } else if (entry.name == kLegacyCompleteMarker) {
      complete = true;
    } else if (entry.name.starts_with(kLegacyVersionPrefix)) {
      version = entry.name.substr(kLegacyVersionPrefix.size());
    } else if (entry.name.starts_with(kLegacyCodecPrefix)) {
      codecName = entry.name.substr(kLegacyCodecPrefix.size());
    } else {
      strays.push_back({entry.path, "not part of the legacy log directory"});
    }
  }
  DirectoryVerdict verdict;
  if (parts.empty()) return verdict;  // not a legacy directory at all
  std::optional<Codec> codec = codecName.empty() ? std::optional<Codec>(Codec::None) : codecFromName(codecName, true);
  if (!codec) {
    verdict.brokenReason = "legacy event log directory with an unknown compression codec '" + codecName + "'";
    return verdict;
  }
  std::sort(parts.begin(), parts.end());
  EventLogFiles log;
  log.path = dir;
  log.layout = LogLayout::LegacyDirectory;
  log.codec = *codec;
  log.inProgress = !complete;
  log.sparkVersionHint = version;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0 && parts[i].first != parts[i - 1].first + 1) {
      log.warnings.push_back("EVENT_LOG_" + std::to_string(parts[i - 1].first + 1) + " to EVENT_LOG_" +
                             std::to_string(parts[i].first - 1) + " are missing; events may be lost");
    }
    log.parts.push_back(parts[i].second);
  }
  skipped.insert(skipped.end(), strays.begin(), strays.end());
  verdict.log = std::move(log);
  return verdict;
}

// Recognises a rolling (by its name, as Spark does) or legacy (by an EVENT_LOG_<N> file) log
// directory.
DirectoryVerdict classifyDirectory(const fs::path& dir, const std::vector<DirectoryEntry>& entries,
                                   std::vector<SkippedPath>& skipped) {
  // "eventlog_v2_x/." and "." name the directory too; only the normalised path has its real name.
  fs::path normal = fs::absolute(dir).lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();
  std::string name = normal.filename().string();
  if (name.starts_with(kRollingDirPrefix)) return classifyRolling(dir, entries, skipped);
  return classifyLegacy(dir, entries, skipped);
}

std::optional<EventLogFiles> classifyWalkedFile(const DirectoryEntry& entry, std::vector<SkippedPath>& skipped) {
  if (entry.name.starts_with(kRollingStatusPrefix)) {
    skipped.push_back({entry.path, "marker file of a rolling log"});
    return std::nullopt;
  }
  EventLogFiles log;
  log.path = entry.path;
  log.parts = {entry.path};
  log.codec = codecFromFileName(entry.name);
  log.inProgress = std::string_view(entry.name).ends_with(kInProgressSuffix);
  // Compressed content cannot be sniffed cheaply, so a codec suffix vouches for the file.
  if (nameLooksLikeEventLog(entry.name) || log.codec != Codec::None) return log;
  std::string head = readHead(entry.path, 64);
  if (headLooksLikeEvent(head)) return log;
  skipped.push_back({entry.path, describeHead(head)});
  return std::nullopt;
}

class Walker {
 public:
  explicit Walker(Discovery& discovery) : discovery_(discovery) {}

  void walk(const fs::path& dir, const std::vector<DirectoryEntry>& entries) {
    // A symbolic link back up the tree must not make the walk endless.
    std::error_code error;
    fs::path canonical = fs::canonical(dir, error);
    if (!error && !visited_.insert(canonical).second) {
      discovery_.skipped.push_back({dir, "directory already walked (reached again through a symbolic link)"});
      return;
    }
    for (const auto& entry : entries) {
      if (isHidden(entry.name)) {
        discovery_.skipped.push_back({entry.path, entry.isDirectory ? "hidden directory" : "hidden file"});
      } else if (entry.isBrokenLink) {
        discovery_.skipped.push_back({entry.path, "broken symbolic link"});
      } else if (entry.isDirectory) {
        visitDirectory(entry.path);
      } else if (entry.isRegular) {
        if (auto log = classifyWalkedFile(entry, discovery_.skipped)) discovery_.logs.push_back(std::move(*log));
      } else {
        discovery_.skipped.push_back({entry.path, "not a regular file"});
      }
    }
  }

 private:
  void visitDirectory(const fs::path& dir) {
    std::error_code error;
    std::vector<DirectoryEntry> entries = listDirectory(dir, error);
    if (error) {
      discovery_.skipped.push_back({dir, "cannot read directory: " + error.message()});
      return;
    }
    DirectoryVerdict verdict = classifyDirectory(dir, entries, discovery_.skipped);
    if (verdict.log) {
      discovery_.logs.push_back(std::move(*verdict.log));
    } else if (!verdict.brokenReason.empty()) {
      discovery_.skipped.push_back({dir, verdict.brokenReason});
    } else {
      walk(dir, entries);
    }
  }

  Discovery& discovery_;
  std::set<fs::path> visited_;
};

void checkReadableFile(const fs::path& path) {
  // O_NONBLOCK so that naming a FIFO does not hang here; the reader opens it again for real.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    std::string reason = errnoText();
    throw core::UserError(core::SourceLocation{path.string()}, "cannot read the file: " + reason,
                          "check the file's permissions");
  }
  ::close(fd);
}

}  // namespace

const char* toString(Codec codec) {
  switch (codec) {
    case Codec::None: return "none";
    case Codec::Zstd: return "zstd";
    case Codec::Lz4: return "lz4";
    case Codec::Snappy: return "snappy";
    case Codec::Lzf: return "lzf";
  }
  return "none";
}

const char* toString(LogLayout layout) {
  switch (layout) {
    case LogLayout::SingleFile: return "single-file";
    case LogLayout::Rolling: return "rolling";
    case LogLayout::LegacyDirectory: return "legacy-directory";
  }
  return "single-file";
}

Codec codecFromFileName(const std::string& fileName) {
  std::string_view name = stripSuffix(stripSuffix(fileName, kInProgressSuffix), kCompactedSuffix);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return Codec::None;
  return codecFromName(name.substr(dot + 1), false).value_or(Codec::None);
}

Discovery discoverEventLogs(const fs::path& argument) {
  // "dir/" has an empty file name; every name-based rule below needs the real one.
  fs::path path = argument;
  while (!path.has_filename() && path.has_relative_path()) path = path.parent_path();

  std::error_code error;
  fs::file_status status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory) {
      throw core::UserError(core::SourceLocation{argument.string()}, "cannot access the path: " + error.message(),
                            kMissingPathHint);
    }
    throw core::UserError(core::SourceLocation{argument.string()}, "no such file or directory", kMissingPathHint);
  }

  Discovery discovery;
  if (!fs::is_directory(status)) {
    checkReadableFile(path);
    EventLogFiles log;
    log.path = path;
    log.parts = {path};
    std::string name = path.filename().string();
    log.codec = codecFromFileName(name);
    log.inProgress = std::string_view(name).ends_with(kInProgressSuffix);
    discovery.logs.push_back(std::move(log));
    return discovery;
  }

  std::vector<DirectoryEntry> entries = listDirectory(path, error);
  if (error) {
    throw core::UserError(core::SourceLocation{argument.string()}, "cannot read the directory: " + error.message(),
                          "check the directory's permissions");
  }
  DirectoryVerdict verdict = classifyDirectory(path, entries, discovery.skipped);
  if (verdict.log) {
    discovery.logs.push_back(std::move(*verdict.log));
  } else if (!verdict.brokenReason.empty()) {
    throw core::UserError(core::SourceLocation{argument.string()}, verdict.brokenReason,
                          "name the folder that holds the event logs, or a complete log directory");
  } else {
    Walker(discovery).walk(path, entries);
  }
  auto byPath = [](const auto& a, const auto& b) { return a.path < b.path; };
  std::sort(discovery.logs.begin(), discovery.logs.end(), byPath);
  std::sort(discovery.skipped.begin(), discovery.skipped.end(), byPath);
  return discovery;
}

}  // namespace jobtuner::collector

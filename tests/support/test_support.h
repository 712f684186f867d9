#pragma once

// Shared pieces of the test suite: where the Spark corpus is, temporary directories, and running
// the real jobtuner binary.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace jobtuner::testing {

/// The Spark event-log corpus: $JOBTUNER_SPARK_EVENTS, else ../shared/spark-events beside the
/// checkout. Empty when absent.
std::optional<std::filesystem::path> sparkCorpus();

/// True when running under CI (CI=true): a test that would skip for a missing tool or corpus must
/// fail instead.
bool runningInCi();

/// Returns the corpus, or ends the test: skipped (with a warning) on a developer machine, failed
/// under CI. Use as: auto corpus = requireCorpus(); if (!corpus) return;
std::optional<std::filesystem::path> requireCorpus();

/// Same for a tool on PATH (e.g. "sqlite3", "chromium").
bool requireTool(const std::string& tool);

/// A fresh directory under the build tree, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exitCode = -1;
  std::string out;
  std::string err;
  long peakRssKb = 0;   // the child's peak resident set size
};

/// Runs the jobtuner binary with `args` (no shell), with JOBTUNER_HOME pointing at `home` when given.
CommandResult runJobtuner(const std::vector<std::string>& args, const std::filesystem::path& home = {});

/// Runs any program with `args` (no shell).
CommandResult runProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::vector<std::string>& extraEnv = {});

std::string readFile(const std::filesystem::path& path);

/// Runs `job` under `profile` on the bundled runtime with DATA_DIR=`data`, the store `db` and
/// JOBTUNER_HOME=`dir`/home, writing output under `dir`/out; returns the new run's directory.
std::filesystem::path runOnRuntime(const TempDir& dir, const std::string& db, const std::filesystem::path& job,
                                   const std::filesystem::path& profile, const std::filesystem::path& data);
/// Live (not zombie) processes whose command line mentions `text`: a run's executors and sidecar
/// name its directory, so a test can check none outlives the run.
std::vector<int> processesMentioning(const std::string& text);
void writeFile(const std::filesystem::path& path, const std::string& content);

}  // namespace jobtuner::testing

#include "support/test_support.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace jobtuner::testing {

namespace fs = std::filesystem;

std::optional<fs::path> sparkCorpus() {
  if (const char* env = std::getenv("JOBTUNER_SPARK_EVENTS"); env && *env) {
    if (fs::is_directory(env)) return fs::path(env);
    return std::nullopt;
  }
  fs::path candidate = fs::path(JOBTUNER_SOURCE_DIR) / ".." / "shared" / "spark-events";
  if (fs::is_directory(candidate)) return fs::canonical(candidate);
  return std::nullopt;
}

bool runningInCi() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::optional<fs::path> requireCorpus() {
  auto corpus = sparkCorpus();
  if (!corpus) {
    if (runningInCi()) FAIL("the Spark corpus is missing (set JOBTUNER_SPARK_EVENTS); CI=true makes this a failure");
    WARN("skipped: the Spark corpus is missing (set JOBTUNER_SPARK_EVENTS or check out ../shared)");
  }
  return corpus;
}

bool requireTool(const std::string& tool) {
  CommandResult which = runProgram("/bin/sh", {"-c", "command -v " + tool});
  if (which.exitCode == 0) return true;
  if (runningInCi()) FAIL("the tool '" << tool << "' is missing (scripts/setup installs it); CI=true makes this a failure");
  WARN("skipped: the tool '" << tool << "' is missing (run scripts/setup)");
  return false;
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  fs::path base = fs::temp_directory_path() / "jobtuner-tests";
  fs::create_directories(base);
  path_ = base / (std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void writeFile(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

CommandResult runProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::vector<std::string>& extraEnv) {
  TempDir captures;
  fs::path outPath = captures / "stdout";
  fs::path errPath = captures / "stderr";

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);

  std::vector<std::string> argvStorage{program};
  argvStorage.insert(argvStorage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argvStorage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  std::vector<std::string> envStorage;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    bool overridden = false;
    for (const auto& extra : extraEnv) {
      if (entry.substr(0, entry.find('=') + 1) == extra.substr(0, extra.find('=') + 1)) overridden = true;
    }
    if (!overridden) envStorage.push_back(entry);
  }
  envStorage.insert(envStorage.end(), extraEnv.begin(), extraEnv.end());
  std::vector<char*> envp;
  for (auto& entry : envStorage) envp.push_back(entry.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  CommandResult result;
  result.peakRssKb = usage.ru_maxrss;
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = readFile(outPath);
  result.err = readFile(errPath);
  return result;
}

CommandResult runJobtuner(const std::vector<std::string>& args, const fs::path& home) {
  std::vector<std::string> env;
  if (!home.empty()) env.push_back("JOBTUNER_HOME=" + home.string());
  return runProgram(JOBTUNER_BINARY, args, env);
}

std::vector<int> processesMentioning(const std::string& text) {
  std::vector<int> pids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ifstream statFile(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
    bool zombie = stat.find(") Z ") != std::string::npos;
    if (!zombie && cmdline.find(text) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

fs::path runOnRuntime(const TempDir& dir, const std::string& db, const fs::path& job, const fs::path& profile, const fs::path& data) {
  fs::path home = dir / "home";
  std::set<fs::path> before;
  if (fs::exists(home / "runs")) {
    for (const auto& entry : fs::directory_iterator(home / "runs")) before.insert(entry.path());
  }
  CommandResult ran = runProgram(JOBTUNER_BINARY, {"--db", db, "run", job.string(), "--profile", profile.string(), "--output",
                                                   (dir / "out").string(), "--overwrite", "--quiet"},
                                 {"DATA_DIR=" + data.string(), "JOBTUNER_HOME=" + home.string()});
  INFO(ran.out << ran.err);
  REQUIRE(ran.exitCode == 0);
  fs::path runDir;
  for (const auto& entry : fs::directory_iterator(home / "runs")) {
    if (!before.count(entry.path())) runDir = entry.path();
  }
  REQUIRE_FALSE(runDir.empty());
  return runDir;
}

}  // namespace jobtuner::testing

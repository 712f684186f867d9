#include "runtime/child_process.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

int exitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

ChildProcess ChildProcess::spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  int input[2];
  if (::pipe2(input, O_CLOEXEC) != 0) throw core::SystemError(fmt::format("pipe failed: {}", std::strerror(errno)));
  int logFd = -1;
  if (!options.logFile.empty()) {
    logFd = ::open(options.logFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (logFd < 0) {
      ::close(input[0]);
      ::close(input[1]);
      throw core::SystemError(fmt::format("cannot open {}: {}", options.logFile.string(), std::strerror(errno)));
    }
  }
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> environment;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    bool replaced = false;
    for (const std::string& extra : options.extraEnvironment) {
      size_t equals = extra.find('=');
      if (equals != std::string::npos && text.substr(0, equals + 1) == std::string_view(extra).substr(0, equals + 1)) replaced = true;
    }
    if (!replaced) environment.emplace_back(text);
  }
  environment.insert(environment.end(), options.extraEnvironment.begin(), options.extraEnvironment.end());
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(input[0]);
    ::close(input[1]);
    if (logFd >= 0) ::close(logFd);
    throw core::SystemError(fmt::format("fork failed: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, options.parentDeathSignal);
    if (::getppid() != parent) ::_exit(127);  // the parent died before the line above
    ::dup2(input[0], STDIN_FILENO);
    if (logFd >= 0) {
      ::dup2(logFd, STDOUT_FILENO);
      ::dup2(logFd, STDERR_FILENO);
    }
    // Every other descriptor is close-on-exec (the project opens all with O_CLOEXEC) or closed here.
    ::close_range(3, ~0U, 0);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(input[0]);
  if (logFd >= 0) ::close(logFd);
  size_t done = 0;
  while (done < options.stdinData.size()) {
    ssize_t n = ::write(input[1], options.stdinData.data() + done, options.stdinData.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child exited early; wait() will say how
    done += static_cast<size_t>(n);
  }
  ::close(input[1]);
  ChildProcess child;
  child.pid_ = pid;
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    wait();
  }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(std::exchange(other.status_, std::nullopt)) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0 && !status_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    pid_ = std::exchange(other.pid_, -1);
    status_ = std::exchange(other.status_, std::nullopt);
  }
  return *this;
}

std::optional<int> ChildProcess::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) status_ = exitCodeOf(status);
  return status_;
}

int ChildProcess::wait() {
  if (status_) return *status_;
  if (pid_ <= 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  status_ = exitCodeOf(status);
  return *status_;
}

void ChildProcess::kill(int signal) {
  if (pid_ > 0 && !status_) ::kill(pid_, signal);
}

std::filesystem::path selfExecutable() { return std::filesystem::read_symlink("/proc/self/exe"); }

}  // namespace jobtuner::runtime

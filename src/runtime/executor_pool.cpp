#include "runtime/executor_pool.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include "runtime/clock.h"

namespace jobtuner::runtime {

namespace {

/// How long an executor gets to start, connect and plan.
constexpr int64_t kStartTimeoutMs = 30'000;
/// How often the accept thread looks for new connections and setup answers.
constexpr int kAcceptStepMs = 20;

std::string describeExit(int code) {
  if (code > 128) {
    int signalNumber = code - 128;
    const char* name = sigabbrev_np(signalNumber);
    return fmt::format("exited: killed by signal {} (SIG{})", signalNumber, name ? name : "?");
  }
  return fmt::format("exited with code {}", code);
}

}  // namespace

ExecutorPool::ExecutorPool(const RunDirectory& run, std::string secret, ExecutorSetup setup, int cores,
                           int replacementLimit)
    : run_(run),
      secret_(std::move(secret)),
      setup_(std::move(setup)),
      cores_(cores),
      replacementLimit_(replacementLimit),
      listener_(core::LocalListener::listen(run.socketDir() / "driver.sock", secret_)) {
  acceptor_ = std::thread([this] { acceptLoop(); });
}

ExecutorPool::~ExecutorPool() { stop(true); }

void ExecutorPool::spawn(int id) {
  {
    std::lock_guard lock(mutex_);
    expected_.insert(id);
  }
  SpawnOptions options;
  options.logFile = run_.executorLog(id);
  options.stdinData = secret_ + "\n";
  Member member;
  member.startedMs = nowMs();
  member.process = ChildProcess::spawn({selfExecutable().string(), "__executor", "--driver",
                                        (run_.socketDir() / "driver.sock").string(), "--id", std::to_string(id),
                                        "--cores", std::to_string(cores_)},
                                       options);
  members_.emplace(id, std::move(member));
}

ExecutorArrivals ExecutorPool::startInitial(int count) {
  for (int i = 0; i < count; ++i) spawn(nextId_++);
  ExecutorArrivals all;
  while (static_cast<int>(all.ready.size() + all.failures.size()) < count) {
    ExecutorArrivals some = takeArrivals();
    for (ExecutorConnection& connection : some.ready) all.ready.push_back(std::move(connection));
    all.failures.insert(all.failures.end(), some.failures.begin(), some.failures.end());
    std::this_thread::sleep_for(std::chrono::milliseconds(kAcceptStepMs));
  }
  return all;
}

bool ExecutorPool::startReplacement() {
  if (replacements_ >= replacementLimit_) return false;
  ++replacements_;
  spawn(nextId_++);
  return true;
}

int ExecutorPool::starting() const {
  int count = 0;
  for (const auto& [id, member] : members_) count += member.settled ? 0 : 1;
  return count;
}

ExecutorArrivals ExecutorPool::takeArrivals() {
  ExecutorArrivals arrivals;
  std::map<int, std::string> failed;
  {
    std::lock_guard lock(mutex_);
    arrivals.ready = std::move(ready_);
    ready_.clear();
    failed = std::move(failed_);
    failed_.clear();
  }
  for (const ExecutorConnection& connection : arrivals.ready) members_.at(connection.id).settled = true;
  int64_t now = nowMs();
  for (auto& [id, member] : members_) {
    if (member.settled || failed.count(id)) continue;
    // A process that died or hangs before it was ready never connects, or never answers.
    if (std::optional<int> code = member.process.poll()) {
      failed[id] = "the process " + describeExit(*code) + " before it was ready";
    } else if (now - member.startedMs > kStartTimeoutMs) {
      member.process.kill(SIGKILL);
      failed[id] = fmt::format("not ready after {} s", kStartTimeoutMs / 1000);
    }
  }
  for (auto& [id, why] : failed) {
    Member& member = members_.at(id);
    if (member.settled) continue;
    member.settled = true;
    member.process.kill(SIGKILL);
    {
      std::lock_guard lock(mutex_);
      expected_.erase(id);
    }
    arrivals.failures.push_back(fmt::format("executor {} failed to start: {}", id, why));
  }
  return arrivals;
}

void ExecutorPool::acceptLoop() {
  std::vector<ExecutorConnection> settingUp;
  while (!stopping_) {
    if (std::optional<core::Accepted> accepted = listener_.accept(kAcceptStepMs)) {
      nlohmann::json hello = nlohmann::json::parse(accepted->helloBody, nullptr, false);
      int id = hello.is_object() ? hello.value("executor", 0) : 0;
      bool expected = false;
      {
        std::lock_guard lock(mutex_);
        expected = expected_.erase(id) > 0;
      }
      // A proven peer that is no executor this driver started is turned away.
      if (!expected) continue;
      ExecutorConnection connection;
      connection.id = id;
      connection.pid = hello.value("pid", 0);
      connection.cores = cores_;
      connection.freeSlots = cores_;
      connection.channel = std::move(accepted->channel);
      ExecutorSetup setup = setup_;
      setup.executorId = id;
      try {
        connection.channel.send(static_cast<uint8_t>(DriverFrame::kSetup), nlohmann::json(setup).dump());
        settingUp.push_back(std::move(connection));
      } catch (const std::exception& error) {
        std::lock_guard lock(mutex_);
        failed_[id] = fmt::format("cannot send its setup: {}", error.what());
      }
    }
    for (auto it = settingUp.begin(); it != settingUp.end();) {
      bool timedOut = false;
      std::optional<core::Frame> answer;
      std::string failure;
      try {
        answer = it->channel.receive(0, timedOut);
      } catch (const std::exception& error) {
        failure = error.what();
      }
      if (failure.empty() && timedOut) {
        ++it;
        continue;
      }
      std::lock_guard lock(mutex_);
      if (answer && answer->type == static_cast<uint8_t>(DriverFrame::kReady)) {
        it->lastHeardMs = nowMs();
        ready_.push_back(std::move(*it));
      } else {
        failed_[it->id] = !failure.empty() ? failure : answer ? answer->payload : "it exited during setup";
      }
      it = settingUp.erase(it);
    }
  }
}

int64_t ExecutorPool::residentBytes(int id) const {
  auto found = members_.find(id);
  if (found == members_.end() || found->second.process.pid() <= 0) return 0;
  // statm: total program size, then resident pages.
  std::ifstream statm(fmt::format("/proc/{}/statm", found->second.process.pid()));
  int64_t sizePages = 0;
  int64_t residentPages = 0;
  if (!(statm >> sizePages >> residentPages)) return 0;
  return residentPages * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

void ExecutorPool::signal(int id, int signalNumber) {
  auto found = members_.find(id);
  if (found != members_.end()) found->second.process.kill(signalNumber);
}

std::string ExecutorPool::exitDescription(int id, int waitMs) {
  auto found = members_.find(id);
  if (found == members_.end()) return "the executor process exited";
  for (int waited = 0;; waited += 5) {
    if (std::optional<int> code = found->second.process.poll()) return "the executor process " + describeExit(*code);
    if (waited >= waitMs) return "the executor process exited (it closed its connection)";
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void ExecutorPool::stop(bool kill) {
  if (!stopping_.exchange(true) && acceptor_.joinable()) acceptor_.join();
  {
    // Replacements still starting, or ready too late for the scheduler to take them, never get its
    // shutdown: they are killed.
    std::lock_guard lock(mutex_);
    for (const ExecutorConnection& connection : ready_) members_.at(connection.id).settled = false;
    ready_.clear();
  }
  for (auto& [id, member] : members_) {
    if (kill || !member.settled) member.process.kill(SIGKILL);
    member.process.wait();
  }
}

}  // namespace jobtuner::runtime

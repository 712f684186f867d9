#include "cli/run_progress.h"

#include <fmt/format.h>

#include "cli/terminal_text.h"
#include "runtime/clock.h"

namespace jobtuner::cli {

namespace {

/// A terminal is redrawn at most this often, so progress costs nothing next to the tasks.
constexpr int64_t kRedrawIntervalMs = 100;

}  // namespace

void RunProgress::stageSubmitted(const runtime::StageEvent& event) {
  active_[event.stage->id] = StageCounts{event.stage, 0, 0};
  if (terminal_) {
    redraw();
  } else {
    fmt::print(out_, "stage {} {} started: {} tasks\n", event.stage->id, event.stage->name, event.stage->numTasks);
    std::fflush(out_);
  }
}

void RunProgress::taskStarted(const runtime::TaskEvent& task) {
  auto found = active_.find(task.stageId);
  if (found == active_.end()) return;
  ++found->second.running;
  if (terminal_ && runtime::nowMs() - lastDrawMs_ >= kRedrawIntervalMs) redraw();
}

void RunProgress::taskEnded(const runtime::TaskEvent& task) {
  auto found = active_.find(task.stageId);
  if (found == active_.end()) return;
  --found->second.running;
  if (task.succeeded) ++found->second.done;
  if (!task.succeeded) {
    clearLine();
    fmt::print(out_, "task {} of stage {} (attempt {}) failed: {}\n", task.index, task.stageId, task.attempt,
               terminalSafe(task.failureReason, 300));
  }
  if (terminal_ && runtime::nowMs() - lastDrawMs_ >= kRedrawIntervalMs) redraw();
}

void RunProgress::stageCompleted(const runtime::StageEvent& event) {
  active_.erase(event.stage->id);
  if (terminal_) {
    redraw();
    return;
  }
  if (event.failureReason.empty()) {
    fmt::print(out_, "stage {} {} finished in {:.1f} s\n", event.stage->id, event.stage->name,
               static_cast<double>(event.completedMs - event.submittedMs) / 1000.0);
  } else {
    fmt::print(out_, "stage {} {} failed: {}\n", event.stage->id, event.stage->name,
               terminalSafe(event.failureReason, 300));
  }
  std::fflush(out_);
}

void RunProgress::executorRemoved(const runtime::ExecutorEvent& event) {
  if (event.reason == "the run finished") return;
  clearLine();
  fmt::print(out_, "executor {} lost: {}\n", event.executorId, terminalSafe(event.reason));
  std::fflush(out_);
}

void RunProgress::clearLine() {
  if (terminal_ && lineShown_) {
    fmt::print(out_, "\r\x1b[K");
    lineShown_ = false;
  }
}

void RunProgress::redraw() {
  lastDrawMs_ = runtime::nowMs();
  std::string line;
  for (const auto& [id, counts] : active_) {
    if (!line.empty()) line += " ";
    line += fmt::format("[Stage {} {}: ({} + {}) / {}]", id, counts.stage->name, counts.done, counts.running,
                        counts.stage->numTasks);
  }
  fmt::print(out_, "\r\x1b[K{}", line);
  lineShown_ = !line.empty();
  std::fflush(out_);
}

}  // namespace jobtuner::cli

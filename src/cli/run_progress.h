#pragma once

// The console's view of a running job: on a terminal, one line per active stage redrawn in place,
// "[Stage 2 aggregate-by-user_id: (38 + 2) / 64]" (done + running / total), as Spark's console
// progress bar; otherwise a plain line when a stage starts and when it ends.

#include <cstdio>
#include <map>

#include "runtime/run_observer.h"

namespace jobtuner::cli {

class RunProgress final : public runtime::RunObserver {
 public:
  /// `out` receives the progress (stderr); `terminal` selects the redrawn bar.
  RunProgress(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

  void stageSubmitted(const runtime::StageEvent& event) override;
  void taskStarted(const runtime::TaskEvent& task) override;
  void taskEnded(const runtime::TaskEvent& task) override;
  void stageCompleted(const runtime::StageEvent& event) override;
  void executorRemoved(const runtime::ExecutorEvent& event) override;

 private:
  struct StageCounts {
    const runtime::PlanStage* stage = nullptr;
    int done = 0;
    int running = 0;
  };

  void redraw();
  void clearLine();

  std::FILE* out_;
  bool terminal_;
  std::map<int, StageCounts> active_;
  int64_t lastDrawMs_ = 0;
  bool lineShown_ = false;
};

}  // namespace jobtuner::cli

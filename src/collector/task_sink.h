#pragma once

#include "core/model.h"

namespace jobtuner::collector {

/// Receives task attempts as the parser finishes them, so tasks never pile up in memory.
class TaskSink {
 public:
  virtual ~TaskSink() = default;
  virtual void addTask(const core::TaskAttempt& task) = 0;
};

}  // namespace jobtuner::collector

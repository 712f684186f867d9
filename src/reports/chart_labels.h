#pragma once

// The words charts write: sizes and durations as short as a tick label wants them, counts with
// thousands separators, stage labels and the hover text of a task. One wording for every chart,
// so "stage 3.0" or "1.5 GB" read the same everywhere in a report.

#include <cstdint>
#include <string>

#include "core/model.h"

namespace jobtuner::reports {

/// core::formatBytes without a trailing ".0": "1 GB", "1.5 GB", "512 B".
std::string shortBytes(double bytes);

/// core::formatDurationMs without a trailing ".0": "850 ms", "2.3 s", "4 min".
std::string shortDuration(double milliseconds);

/// "100,000".
std::string formatCount(int64_t count);

/// "1 task", "2,500 tasks".
std::string countOf(int64_t count, const std::string& noun);

/// The stage attempt's record in the app, or nullptr: tasks may name a stage the log never
/// described (a cut log).
const core::StageAttempt* findStageAttempt(const core::AppAttempt& app, int32_t stageId, int32_t attemptId);

/// "stage 3.0 (name)": the runtime's stable stage name, else Spark's, cut to `maxNameCharacters`;
/// "stage 3.0" when the stage has no name.
std::string stageLabel(const core::AppAttempt& app, int32_t stageId, int32_t attemptId, size_t maxNameCharacters = 40);

/// Executors in the order people count them: the driver, then numeric ids by value, then others.
bool executorIdLess(const std::string& a, const std::string& b);

/// "exec 7"; "exec ?" for a task that names no executor.
std::string executorLabel(const std::string& executorId);

/// A task attempt's hover text: which task it is, where and how long it ran, how it ended, and
/// the metrics that explain a slow task (shuffle read, spill, GC), one line each.
std::string taskTitle(const core::TaskAttempt& task);

}  // namespace jobtuner::reports

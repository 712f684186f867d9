#pragma once

// Apps and tasks built in code for the chart tests, and the checks every chart must pass whatever
// it draws: inside its viewBox, only known CSS classes, every colour named in the legend, and a
// JSON with no NaN, no infinity and no number longer than one decimal.

#include <catch2/catch.hpp>

#include <cstdint>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/model.h"
#include "reports/svg_chart.h"

namespace jobtuner::reports::samples {

inline constexpr int64_t kAppStartMs = 1'700'000'000'000;

/// An app with `executors` executors ("1", "2", ...) of `cores` cores each, added at the start.
inline core::AppAttempt sampleApp(int executors, int cores, int64_t durationMs = 600'000) {
  core::AppAttempt app;
  app.appId = "app-test";
  app.name = "chart test";
  app.startTimeMs = kAppStartMs;
  app.endTimeMs = kAppStartMs + durationMs;
  app.completed = true;
  for (int i = 1; i <= executors; ++i) {
    core::Executor executor;
    executor.executorId = std::to_string(i);
    executor.host = "host" + std::to_string(i);
    executor.totalCores = cores;
    executor.addTimeMs = kAppStartMs;
    app.executors.push_back(executor);
  }
  return app;
}

inline core::StageAttempt sampleStage(int32_t stageId, const std::string& name, std::vector<int32_t> parents = {}) {
  core::StageAttempt stage;
  stage.stageId = stageId;
  stage.name = name;
  stage.parentIds = std::move(parents);
  stage.status = core::StageStatus::Complete;
  return stage;
}

/// A successful task of stage `stageId` (attempt 0) launched `startMs` after the app's start.
inline core::TaskAttempt sampleTask(int64_t taskId, int32_t stageId, int32_t index, const std::string& executorId,
                                    int64_t startMs, int64_t durationMs) {
  core::TaskAttempt task;
  task.taskId = taskId;
  task.stageId = stageId;
  task.index = index;
  task.executorId = executorId;
  task.host = "host" + executorId;
  task.launchTimeMs = kAppStartMs + startMs;
  task.finishTimeMs = task.launchTimeMs + durationMs;
  task.status = core::TaskStatus::Success;
  task.endReason = "Success";
  task.metrics.hasMetrics = true;
  task.metrics.executorRunTimeMs = durationMs;
  return task;
}

/// `count` tasks over 16 executors of 4 cores, each slot running its tasks back to back through
/// 50 stages; one in a hundred failed, one in two hundred speculative.
inline std::vector<core::TaskAttempt> manyTasks(size_t count, int64_t appDurationMs) {
  constexpr int kExecutors = 16, kCores = 4;
  const size_t slots = kExecutors * kCores;
  const size_t perSlot = (count + slots - 1) / slots;
  const int64_t taskMs = std::max<int64_t>(1, appDurationMs / static_cast<int64_t>(perSlot + 1));
  std::vector<core::TaskAttempt> tasks;
  tasks.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    size_t slot = i % slots, round = i / slots;
    auto stage = static_cast<int32_t>(round * 50 / perSlot);
    core::TaskAttempt task = sampleTask(static_cast<int64_t>(i), stage, static_cast<int32_t>(i % 1000),
                                        std::to_string(slot / kCores + 1), static_cast<int64_t>(round) * taskMs,
                                        taskMs - (i % 7 == 0 ? taskMs / 2 : 0));
    task.metrics.shuffleRemoteBytesRead = static_cast<int64_t>(1000 + i % 5000);
    task.metrics.jvmGcTimeMs = static_cast<int64_t>(i % 13);
    task.metrics.memoryBytesSpilled = i % 11 == 0 ? 4096 : 0;
    if (i % 100 == 3) task.status = core::TaskStatus::Failed;
    if (i % 200 == 5) task.speculative = true;
    tasks.push_back(task);
  }
  return tasks;
}

inline std::vector<std::string> classesOf(const std::string& cls) {
  std::istringstream words(cls);
  std::vector<std::string> classes;
  for (std::string word; words >> word;) classes.push_back(word);
  return classes;
}

/// What every chart must hold, whatever the data.
inline void checkChartInvariants(const SvgChart& chart) {
  INFO(chart.id);
  CHECK(!chart.id.empty());
  CHECK(!chart.title.empty());
  CHECK(!chart.caption.empty());
  const std::set<std::string> known(kChartClasses.begin(), kChartClasses.end());
  std::set<std::string> legend;
  for (const SvgChart::LegendItem& item : chart.legend) {
    CHECK(known.count(item.cls) == 1);
    CHECK(!item.text.empty());
    legend.insert(item.cls);
  }
  // Frame classes carry no meaning a legend would name.
  const std::set<std::string> frame = {"grid", "axis", "tick", "label"};
  auto checkClasses = [&](const std::string& cls) {
    for (const std::string& c : classesOf(cls)) {
      INFO("class " << c);
      CHECK(known.count(c) == 1);
      if (!frame.count(c)) CHECK(legend.count(c) == 1);
    }
  };
  const double w = chart.width, h = chart.height;
  const double slack = 0.05;
  for (const SvgChart::Rect& r : chart.rects) {
    INFO("rect " << r.x << "," << r.y << " " << r.w << "x" << r.h << " " << r.cls << " " << r.title);
    CHECK(r.x >= 0);
    CHECK(r.y >= 0);
    CHECK(r.w >= 0);
    CHECK(r.h >= 0);
    CHECK(r.x + r.w <= w + slack);
    CHECK(r.y + r.h <= h + slack);
    checkClasses(r.cls);
  }
  for (const SvgChart::Line& l : chart.lines) {
    INFO("line " << l.x1 << "," << l.y1 << " " << l.x2 << "," << l.y2 << " " << l.cls);
    for (double x : {l.x1, l.x2}) CHECK((x >= 0 && x <= w + slack));
    for (double y : {l.y1, l.y2}) CHECK((y >= 0 && y <= h + slack));
    checkClasses(l.cls);
  }
  for (const SvgChart::Circle& c : chart.circles) {
    INFO("circle " << c.cx << "," << c.cy << " " << c.cls);
    CHECK((c.cx >= 0 && c.cx <= w + slack && c.cy >= 0 && c.cy <= h + slack));
    checkClasses(c.cls);
  }
  for (const SvgChart::Text& t : chart.texts) {
    INFO("text " << t.x << "," << t.y << " " << t.text);
    CHECK((t.x >= 0 && t.x <= w + slack && t.y >= 0 && t.y <= h + slack));
    CHECK((t.anchor == "start" || t.anchor == "middle" || t.anchor == "end"));
    for (const std::string& c : classesOf(t.cls)) CHECK(known.count(c) == 1);
  }
  if (!chart.emptyText.empty()) {
    CHECK(chart.rects.empty());
  }

  // Every number of the page is "12", "-3" or "12.5": never NaN, infinity or exponent notation.
  const nlohmann::ordered_json json = toJson(chart);
  const std::string text = json.dump();
  CHECK(text.find("nan") == std::string::npos);
  CHECK(text.find("inf\"") == std::string::npos);
  static const std::regex kNumber(R"(-?[0-9]+(\.[0-9])?)");
  auto checkNumber = [](const nlohmann::ordered_json& value) {
    REQUIRE(value.is_string());
    INFO(value.get<std::string>());
    CHECK(std::regex_match(value.get<std::string>(), kNumber));
  };
  checkNumber(json["width"]);
  checkNumber(json["height"]);
  for (const char* list : {"rects", "lines", "circles", "texts"}) {
    for (const auto& item : json[list]) {
      for (const char* key : {"x", "y", "w", "h", "x1", "y1", "x2", "y2", "cx", "cy", "r"}) {
        if (item.contains(key)) checkNumber(item[key]);
      }
    }
  }
  CHECK(json["empty"].get<bool>() == !chart.emptyText.empty());
}

/// The rects whose class holds `cls`.
inline std::vector<SvgChart::Rect> rectsWith(const SvgChart& chart, const std::string& cls) {
  std::vector<SvgChart::Rect> found;
  for (const SvgChart::Rect& r : chart.rects) {
    for (const std::string& c : classesOf(r.cls)) {
      if (c == cls) found.push_back(r);
    }
  }
  return found;
}

inline bool anyTextContains(const SvgChart& chart, const std::string& needle) {
  for (const SvgChart::Text& t : chart.texts) {
    if (t.text.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace jobtuner::reports::samples

#include "collector/hs_stages.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <optional>
#include <string_view>

#include "collector/hs_stage_data.h"
#include "collector/hs_tasks.h"

namespace jobtuner::collector {

namespace {

using OrderedJson = nlohmann::ordered_json;

constexpr const char* kStageSummaryQuantiles = "0.0,0.25,0.5,0.75,1.0";

ApiResponse noSuchEndpoint(const ApiRequest& request) {
  ApiResponse response = apiError(404, "no such endpoint: " + request.original);
  response.unknownPath = true;
  return response;
}

// A path segment Spark's route accepts as an id ({stageId: \d+}), as an int.
std::optional<int32_t> idSegment(const std::string& text) {
  if (text.empty() || text.size() > 10 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  int64_t value = std::stoll(text);
  if (value > std::numeric_limits<int32_t>::max()) return std::nullopt;
  return static_cast<int32_t>(value);
}

// JAX-RS reads a boolean parameter with Boolean.valueOf: "true" in any case, anything else false.
bool booleanParameter(const ApiRequest& request, const std::string& name, bool fallback) {
  std::vector<std::string> values = request.values(name);
  if (values.empty()) return fallback;
  std::string value = values.back();
  std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
  return value == "true";
}

std::optional<std::vector<core::StageStatus>> stageStatuses(const ApiRequest& request, ApiResponse& error) {
  static constexpr std::array<core::StageStatus, 5> kAll = {core::StageStatus::Active, core::StageStatus::Complete,
                                                            core::StageStatus::Failed, core::StageStatus::Pending,
                                                            core::StageStatus::Skipped};
  std::vector<core::StageStatus> statuses;
  for (const std::string& text : request.values("status")) {
    std::string name = text;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    auto found = std::find_if(kAll.begin(), kAll.end(), [&](core::StageStatus s) { return name == core::toString(s); });
    if (found == kAll.end()) {
      error = apiError(400, "Bad value for parameter \"status\".  Expected a one of [active, complete, failed, "
                            "pending, skipped], got \"" + text.substr(0, 60) + "\"");
      return std::nullopt;
    }
    statuses.push_back(*found);
  }
  return statuses;
}

// The parameters the StageData endpoints share; `detailsByDefault` differs between the list and
// one stage.
std::optional<StageDataOptions> stageDataOptions(const ApiRequest& request, bool detailsByDefault, ApiResponse& error) {
  StageDataOptions options;
  options.details = booleanParameter(request, "details", detailsByDefault);
  options.withSummaries = booleanParameter(request, "withSummaries", false);
  std::optional<std::vector<double>> quantiles = quantilesParameter(request, kStageSummaryQuantiles, error);
  if (!quantiles) return std::nullopt;
  options.quantiles = std::move(*quantiles);
  std::optional<std::vector<std::string>> statuses = parseTaskStatuses(request.values("taskStatus"), "taskStatus", error);
  if (!statuses) return std::nullopt;
  options.taskStatuses = std::move(*statuses);
  return options;
}

const std::map<std::string, MetricTotals>& totalsOf(const StageTotals& totals, const core::StageAttempt& stage) {
  static const std::map<std::string, MetricTotals> kNone;
  auto found = totals.find({stage.stageId, stage.attemptId});
  return found == totals.end() ? kNone : found->second;
}

// StagesResource.stageList: with details and a task status, only stages that have such tasks.
bool hasTasksWithStatus(const core::StageAttempt& stage, const std::vector<std::string>& statuses) {
  for (const std::string& status : statuses) {
    if (status == "FAILED" && stage.numFailedTasks > 0) return true;
    if (status == "KILLED" && stage.numKilledTasks > 0) return true;
    if (status == "RUNNING" && stage.numActiveTasks > 0) return true;
    if (status == "SUCCESS" && stage.numCompleteTasks > 0) return true;
    if (status == "UNKNOWN" && stage.numTasks - stage.numFailedTasks - stage.numKilledTasks - stage.numActiveTasks -
                                       stage.numCompleteTasks > 0) {
      return true;
    }
  }
  return false;
}

ApiResponse answerStageList(const Store& store, const StageQueryContext& context, const ApiRequest& request) {
  ApiResponse error;
  std::optional<std::vector<core::StageStatus>> statuses = stageStatuses(request, error);
  if (!statuses) return error;
  std::optional<StageDataOptions> options = stageDataOptions(request, false, error);
  if (!options) return error;

  std::vector<const core::StageAttempt*> stages;
  for (const core::StageAttempt& stage : context.app.stages) {
    if (statuses->empty() || std::find(statuses->begin(), statuses->end(), stage.status) != statuses->end()) {
      stages.push_back(&stage);
    }
  }
  // Spark's store lists stage attempts by (stage id, attempt id), newest first.
  std::sort(stages.begin(), stages.end(), [](const core::StageAttempt* a, const core::StageAttempt* b) {
    return a->stageId != b->stageId ? a->stageId > b->stageId : a->attemptId > b->attemptId;
  });
  StageTotals totals = queryStageTotals(store, context.appPk);
  OrderedJson list = OrderedJson::array();
  for (const core::StageAttempt* stage : stages) {
    if (options->details && !options->taskStatuses.empty() && !hasTasksWithStatus(*stage, options->taskStatuses)) {
      continue;
    }
    list.push_back(stageDataJson(store, context, *stage, totalsOf(totals, *stage), *options));
  }
  ApiResponse response;
  response.body = std::move(list);
  return response;
}

std::vector<const core::StageAttempt*> attemptsOf(const StageQueryContext& context, int32_t stageId) {
  std::vector<const core::StageAttempt*> attempts;
  for (const core::StageAttempt& stage : context.app.stages) {
    if (stage.stageId == stageId) attempts.push_back(&stage);
  }
  std::sort(attempts.begin(), attempts.end(),
            [](const core::StageAttempt* a, const core::StageAttempt* b) { return a->attemptId < b->attemptId; });
  return attempts;
}

ApiResponse answerStageAttempts(const Store& store, const StageQueryContext& context, int32_t stageId,
                                const ApiRequest& request) {
  ApiResponse error;
  std::optional<StageDataOptions> options = stageDataOptions(request, true, error);
  if (!options) return error;
  std::vector<const core::StageAttempt*> attempts = attemptsOf(context, stageId);
  if (attempts.empty()) return apiError(404, "unknown stage: " + std::to_string(stageId));
  StageTotals totals = queryStageTotals(store, context.appPk);
  OrderedJson list = OrderedJson::array();
  for (const core::StageAttempt* stage : attempts) {
    list.push_back(stageDataJson(store, context, *stage, totalsOf(totals, *stage), *options));
  }
  ApiResponse response;
  response.body = std::move(list);
  return response;
}

ApiResponse answerStageAttempt(const Store& store, const StageQueryContext& context, int32_t stageId,
                               int32_t stageAttemptId, const ApiRequest& request) {
  ApiResponse error;
  std::optional<StageDataOptions> options = stageDataOptions(request, true, error);
  if (!options) return error;
  std::vector<const core::StageAttempt*> attempts = attemptsOf(context, stageId);
  auto found = std::find_if(attempts.begin(), attempts.end(),
                            [&](const core::StageAttempt* stage) { return stage->attemptId == stageAttemptId; });
  if (found == attempts.end()) {
    if (attempts.empty()) return apiError(404, "unknown stage: " + std::to_string(stageId));
    std::string ids;
    for (const core::StageAttempt* stage : attempts) ids += (ids.empty() ? "" : ",") + std::to_string(stage->attemptId);
    return apiError(404, "unknown attempt for stage " + std::to_string(stageId) + ".  Found attempts: [" + ids + "]");
  }
  StageTotals totals = queryStageTotals(store, context.appPk, stageId, stageAttemptId);
  ApiResponse response;
  response.body = stageDataJson(store, context, **found, totalsOf(totals, **found), *options);
  return response;
}

}  // namespace

ApiResponse answerStagesRequest(const Store& store, const AppAttemptRef& app, const ApiRequest& request,
                                size_t firstStageSegment) {
  const std::vector<std::string>& segments = request.segments;
  size_t rest = segments.size() - firstStageSegment - 1;
  if (rest > 3) return noSuchEndpoint(request);
  std::optional<int32_t> stageId;
  std::optional<int32_t> stageAttemptId;
  if (rest >= 1) {
    stageId = idSegment(segments[firstStageSegment + 1]);
    if (!stageId) return noSuchEndpoint(request);
  }
  if (rest >= 2) {
    stageAttemptId = idSegment(segments[firstStageSegment + 2]);
    if (!stageAttemptId) return noSuchEndpoint(request);
  }
  const std::string task = rest == 3 ? segments[firstStageSegment + 3] : std::string();
  if (rest == 3 && task != "taskList" && task != "taskSummary") return noSuchEndpoint(request);

  std::optional<StageQueryContext> context = loadStageQueryContext(store, app, task.empty());
  if (!context) return apiError(404, "no such app: " + app.appId);
  if (task == "taskSummary") {
    return answerTaskSummary(store, context->ref, *stageId, *stageAttemptId, request,
                             context->taskContext.lastUpdateTimeMs);
  }
  if (task == "taskList") {
    return answerTaskList(store, context->ref, *stageId, *stageAttemptId, request, context->taskContext);
  }
  if (stageAttemptId) return answerStageAttempt(store, *context, *stageId, *stageAttemptId, request);
  if (stageId) return answerStageAttempts(store, *context, *stageId, request);
  return answerStageList(store, *context, request);
}

}  // namespace jobtuner::collector

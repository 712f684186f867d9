#include "collector/hs_jobs.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "collector/sqlite_statement.h"

namespace jobtuner::collector {

namespace {

constexpr const char* kJobDescriptionKey = "spark.job.description";
constexpr const char* kJobGroupKey = "spark.jobGroup.id";
constexpr const char* kJobTagsKey = "spark.job.tags";
constexpr char kJobTagsSeparator = ',';

using StageAttemptKey = std::pair<int32_t, int32_t>;

// The task indices that succeeded in each stage attempt: a job counts the distinct
// (stage, index) pairs of its stages, across attempts (LiveJob.completedIndices).
std::map<StageAttemptKey, std::set<int32_t>> successfulIndices(const Store& store, const AppAttemptRef& app) {
  SqliteStatement query(store.handle(),
                        "SELECT t.stage_id, t.stage_attempt_id, t.task_index FROM tasks t "
                        "JOIN apps a ON a.app_pk = t.app_pk "
                        "WHERE a.app_id = ? AND a.attempt_id = ? AND t.status = 'SUCCESS'");
  query.bind(1, app.appId).bind(2, app.attemptId);
  std::map<StageAttemptKey, std::set<int32_t>> indices;
  while (query.step()) indices[{query.int32At(0), query.int32At(1)}].insert(query.int32At(2));
  return indices;
}

const std::string* findProperty(const core::Job& job, const char* key) {
  auto found = job.properties.find(key);
  return found == job.properties.end() ? nullptr : &found->second;
}

// AppStatusListener.onJobStart: the tags split on ",", blanks dropped, distinct and sorted.
std::vector<std::string> jobTags(const core::Job& job) {
  std::set<std::string> tags;
  if (const std::string* text = findProperty(job, kJobTagsKey)) {
    size_t start = 0;
    while (start <= text->size()) {
      size_t comma = text->find(kJobTagsSeparator, start);
      std::string tag = text->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!tag.empty()) tags.insert(tag);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return {tags.begin(), tags.end()};
}

// LiveJob's counters, summed over the stage attempts linked to the job. The stage attempts carry
// the task counts Spark's listener kept while they were live; each of those task events was
// counted for every job linked to the stage attempt as well.
nlohmann::ordered_json jobJson(const core::Job& job, const std::vector<const core::StageAttempt*>& stages,
                               const std::map<StageAttemptKey, std::set<int32_t>>& indices) {
  int64_t activeTasks = 0, completedTasks = 0, failedTasks = 0, killedTasks = 0, skippedTasks = 0;
  int64_t activeStages = 0, failedStages = 0;
  std::map<std::string, int64_t> killedSummary;
  std::set<std::pair<int32_t, int32_t>> completedIndices;
  std::set<int32_t> skippedStages;
  // completedStages: a stage id is in while its latest submitted attempt completed (a new
  // submission takes it out again).
  std::map<int32_t, std::pair<int32_t, bool>> latestSubmitted;  // stage id -> (attempt, completed)
  for (const core::StageAttempt* stage : stages) {
    activeTasks += stage->numActiveTasks;
    completedTasks += stage->numCompleteTasks;
    failedTasks += stage->numFailedTasks;
    killedTasks += stage->numKilledTasks;
    for (const auto& [reason, count] : stage->killedTasksSummary) killedSummary[reason] += count;
    if (auto found = indices.find({stage->stageId, stage->attemptId}); found != indices.end()) {
      for (int32_t index : found->second) completedIndices.insert({stage->stageId, index});
    }
    switch (stage->status) {
      case core::StageStatus::Active: ++activeStages; break;
      case core::StageStatus::Failed: ++failedStages; break;
      case core::StageStatus::Skipped:
        skippedStages.insert(stage->stageId);
        skippedTasks += stage->numTasks;
        break;
      default: break;
    }
    if (stage->status == core::StageStatus::Active || stage->status == core::StageStatus::Complete ||
        stage->status == core::StageStatus::Failed) {
      auto [entry, inserted] = latestSubmitted.try_emplace(stage->stageId, stage->attemptId, false);
      if (inserted || stage->attemptId >= entry->second.first) {
        entry->second = {stage->attemptId, stage->status == core::StageStatus::Complete};
      }
    }
  }
  int64_t completedStages = std::count_if(latestSubmitted.begin(), latestSubmitted.end(),
                                          [](const auto& entry) { return entry.second.second; });

  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["jobId"] = job.jobId;
  json["name"] = job.name;
  if (findProperty(job, kJobDescriptionKey) != nullptr) json["description"] = job.description;
  // Spark keeps only positive event times.
  if (job.submissionTimeMs > 0) json["submissionTime"] = formatSparkDate(job.submissionTimeMs);
  if (job.completionTimeMs > 0 && job.status != core::JobStatus::Running) {
    json["completionTime"] = formatSparkDate(job.completionTimeMs);
  }
  json["stageIds"] = job.stageIds;
  if (findProperty(job, kJobGroupKey) != nullptr) json["jobGroup"] = job.jobGroup;
  json["jobTags"] = jobTags(job);
  json["status"] = core::toString(job.status);
  json["numTasks"] = job.numTasks;
  json["numActiveTasks"] = activeTasks;
  json["numCompletedTasks"] = completedTasks;
  json["numSkippedTasks"] = skippedTasks;
  json["numFailedTasks"] = failedTasks;
  json["numKilledTasks"] = killedTasks;
  json["numCompletedIndices"] = completedIndices.size();
  json["numActiveStages"] = activeStages;
  json["numCompletedStages"] = completedStages;
  json["numSkippedStages"] = skippedStages.size();
  json["numFailedStages"] = failedStages;
  json["killedTasksSummary"] = killedSummary;
  return json;
}

std::optional<core::JobStatus> jobStatusFromParameter(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  for (core::JobStatus status : {core::JobStatus::Running, core::JobStatus::Succeeded, core::JobStatus::Failed,
                                 core::JobStatus::Unknown}) {
    if (text == core::toString(status)) return status;
  }
  return std::nullopt;
}

bool isDigits(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

ApiResponse answerJobsRequest(const Store& store, const AppAttemptRef& app, const ApiRequest& request,
                              size_t firstJobSegment) {
  const std::vector<std::string>& segments = request.segments;
  size_t rest = segments.size() - firstJobSegment - 1;
  std::optional<int64_t> jobId;
  if (rest == 1) {
    // Spark's route is jobs/{jobId: \d+}; an id too large for an int is no job either.
    const std::string& text = segments[firstJobSegment + 1];
    if (!isDigits(text)) return unknownEndpoint(request);
    jobId = text.size() > 10 ? -1 : std::stoll(text);
    if (*jobId > std::numeric_limits<int32_t>::max()) jobId = -1;
  } else if (rest > 1) {
    return unknownEndpoint(request);
  }

  std::vector<core::JobStatus> statuses;
  if (!jobId) {
    for (const std::string& text : request.values("status")) {
      std::optional<core::JobStatus> status = jobStatusFromParameter(text);
      if (!status) {
        return apiError(400, "Bad value for parameter \"status\".  Expected a one of [running, succeeded, failed, "
                             "unknown], got \"" + text + "\"");
      }
      statuses.push_back(*status);
    }
  }

  std::optional<core::AppAttempt> loaded = store.loadApp(app.appId, app.attemptId);
  if (!loaded) return apiError(404, "no such app: " + app.appId);
  std::vector<const core::Job*> jobs;
  for (const core::Job& job : loaded->jobs) {
    if (jobId && job.jobId != *jobId) continue;
    if (!statuses.empty() && std::find(statuses.begin(), statuses.end(), job.status) == statuses.end()) continue;
    jobs.push_back(&job);
  }
  if (jobId && jobs.empty()) return apiError(404, "unknown job: " + segments[firstJobSegment + 1]);
  // The store lists jobs by id, newest first.
  std::stable_sort(jobs.begin(), jobs.end(), [](const core::Job* a, const core::Job* b) { return a->jobId > b->jobId; });

  std::map<StageAttemptKey, std::set<int32_t>> indices = successfulIndices(store, app);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const core::Job* job : jobs) {
    std::vector<const core::StageAttempt*> stages;
    for (const core::StageAttempt& stage : loaded->stages) {
      if (std::find(stage.jobIds.begin(), stage.jobIds.end(), job->jobId) != stage.jobIds.end()) stages.push_back(&stage);
    }
    list.push_back(jobJson(*job, stages, indices));
  }
  ApiResponse response;
  response.body = jobId ? list.front() : std::move(list);
  return response;
}

}  // namespace jobtuner::collector

// The stage and task endpoints against the Spark History Server's own answers for the corpus
// logs (HistoryServerSuite expectations), compared as JSON trees as the suite compares them.

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collector/hs_stages.h"
#include "collector/ingest.h"
#include "collector/store.h"
#include "support/test_support.h"

namespace jobtuner::collector {
namespace {

using jobtuner::testing::TempDir;
using Json = nlohmann::json;

struct ExpectationCase {
  const char* expectation;  // under expectations/apache-spark/, without "_expectation.json"
  std::vector<const char*> logs;  // under apache-spark/
  const char* appId;
  const char* attemptId;
  const char* path;  // below /applications/{app}[/{attempt}]
};

const std::vector<ExpectationCase>& cases() {
  static const std::vector<ExpectationCase> kCases = {
      {"stage_list_json", {"local-1422981780767"}, "local-1422981780767", "", "stages"},
      {"complete_stage_list_json", {"local-1422981780767"}, "local-1422981780767", "", "stages?status=complete"},
      {"failed_stage_list_json", {"local-1422981780767"}, "local-1422981780767", "", "stages?status=failed"},
      {"one_stage_json", {"local-1422981780767"}, "local-1422981780767", "", "stages/1"},
      {"one_stage_json_with_details", {"local-1422981780767"}, "local-1422981780767", "",
       "stages/1?details=true&taskStatus=success"},
      {"one_stage_attempt_json", {"local-1422981780767"}, "local-1422981780767", "", "stages/1/0"},
      {"one_stage_attempt_json_details_with_failed_task", {"local-1422981780767"}, "local-1422981780767", "",
       "stages/1/0?details=true&taskStatus=failed"},
      {"one_stage_json_with_partitionId", {"local-1642039451826"}, "local-1642039451826", "", "stages/2"},
      {"excludeOnFailure_node_for_stage", {"application_1516285256255_0012"}, "application_1516285256255_0012", "",
       "stages/0/0"},
      {"stage_list_with_accumulable_json", {"local-1426533911241", "local-1426633911242"}, "local-1426533911241", "1",
       "stages"},
      {"stage_with_accumulable_json", {"local-1426533911241", "local-1426633911242"}, "local-1426533911241", "1",
       "stages/0/0"},
      {"stage_list_with_peak_metrics", {"app-20200706201101-0003"}, "app-20200706201101-0003", "", "stages"},
      {"stage_with_peak_metrics", {"app-20200706201101-0003"}, "app-20200706201101-0003", "", "stages/2/0"},
      {"stage_with_summaries", {"app-20200706201101-0003"}, "app-20200706201101-0003", "",
       "stages/2/0?withSummaries=true"},
      {"stage_task_list", {"local-1430917381534"}, "local-1430917381534", "", "stages/0/0/taskList"},
      {"stage_task_list_w__offset___length", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskList?offset=10&length=50"},
      {"stage_task_list_w__sortBy", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskList?sortBy=DECREASING_RUNTIME"},
      {"stage_task_list_w__sortBy_short_names___runtime", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskList?sortBy=-runtime"},
      {"stage_task_list_w__sortBy_short_names__runtime", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskList?sortBy=runtime"},
      {"stage_task_list_w__status___offset___length", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskList?status=success&offset=1&length=2"},
      {"stage_task_list_w__status___sortBy_short_names__runtime", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskList?status=success&sortBy=runtime"},
      {"stage_task_list_from_multi_attempt_app_json_1_", {"local-1426533911241", "local-1426633911242"},
       "local-1426533911241", "1", "stages/0/0/taskList"},
      {"stage_task_list_from_multi_attempt_app_json_2_", {"local-1426533911241", "local-1426633911242"},
       "local-1426533911241", "2", "stages/0/0/taskList"},
      {"stage_task_list_with_partitionId", {"local-1642039451826"}, "local-1642039451826", "", "stages/0/0/taskList"},
      {"stage_task_summary_w__custom_quantiles", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskSummary?quantiles=0.01,0.5,0.99"},
      {"stage_task_summary_w_shuffle_read", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/1/0/taskSummary"},
      {"stage_task_summary_w_shuffle_write", {"local-1430917381534"}, "local-1430917381534", "",
       "stages/0/0/taskSummary"},
  };
  return kCases;
}

ApiRequest requestFor(const std::string& appId, const std::string& attemptId, const std::string& path) {
  ApiRequest request;
  request.original = "/applications/" + appId + "/" + path;
  request.segments = {"applications", appId};
  if (!attemptId.empty()) request.segments.push_back(attemptId);
  std::string route = path.substr(0, path.find('?'));
  for (size_t start = 0; start < route.size();) {
    size_t slash = route.find('/', start);
    request.segments.push_back(route.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    start = slash == std::string::npos ? route.size() : slash + 1;
  }
  if (size_t question = path.find('?'); question != std::string::npos) {
    std::string query = path.substr(question + 1);
    for (size_t begin = 0; begin < query.size();) {
      size_t amp = query.find('&', begin);
      std::string pair = query.substr(begin, amp == std::string::npos ? std::string::npos : amp - begin);
      size_t equals = pair.find('=');
      request.query.emplace(pair.substr(0, equals), pair.substr(equals + 1));
      begin = amp == std::string::npos ? query.size() : amp + 1;
    }
  }
  return request;
}

TEST_CASE("stage and task endpoints answer as the Spark History Server does for the corpus",
          "[collector][history-server][stages][corpus]") {
  auto corpus = jobtuner::testing::requireCorpus();
  if (!corpus) return;
  TempDir dir;
  std::map<std::string, std::unique_ptr<Store>> stores;  // one per log group
  for (const ExpectationCase& test : cases()) {
    std::string key;
    for (const char* log : test.logs) key += std::string(log) + ";";
    auto& store = stores[key];
    if (!store) {
      store = Store::open(dir / ("store-" + std::to_string(stores.size()) + ".db"));
      for (const char* log : test.logs) ingestPath(*store, *corpus / "apache-spark" / log, IngestOptions{});
    }
    ApiRequest request = requestFor(test.appId, test.attemptId, test.path);
    size_t first = request.segments.size();
    for (size_t i = 0; i < request.segments.size(); ++i) {
      if (request.segments[i] == "stages") first = i;
    }
    ApiResponse response = answerStagesRequest(*store, AppAttemptRef{test.appId, test.attemptId}, request, first);
    Json expected = Json::parse(jobtuner::testing::readFile(*corpus / "expectations" / "apache-spark" /
                                                            (std::string(test.expectation) + "_expectation.json")));
    Json actual = Json::parse(response.body.dump());
    Json patch = Json::diff(actual, expected);
    INFO(test.expectation << ": " << response.status << " " << response.error << "\n"
                          << patch.dump().substr(0, 3000));
    CHECK(response.status == 200);
    CHECK(patch.empty());
  }
}

}  // namespace
}  // namespace jobtuner::collector

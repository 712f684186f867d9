#include "collector/hs_environment.h"

#include <algorithm>
#include <string_view>

namespace jobtuner::collector {

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// OneApplicationResource.environmentInfo sorts each list by key (a stable sort: repeated keys
// keep the log's order) and writes the pairs as two-element arrays.
nlohmann::ordered_json sortedPairs(Pairs pairs) {
  std::stable_sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (auto& [key, value] : pairs) list.push_back(nlohmann::ordered_json::array({std::move(key), std::move(value)}));
  return list;
}

nlohmann::ordered_json runtimeJson(const Pairs& jvmInformation) {
  nlohmann::ordered_json runtime = nlohmann::ordered_json::object();
  // Fields Spark leaves null are not written.
  for (const auto& [field, key] : {std::pair{"javaVersion", "Java Version"}, std::pair{"javaHome", "Java Home"},
                                   std::pair{"scalaVersion", "Scala Version"}}) {
    std::string_view wanted = key;  // a lambda cannot capture a structured binding before clang 16
    auto found = std::find_if(jvmInformation.begin(), jvmInformation.end(),
                              [&](const auto& entry) { return entry.first == wanted; });
    if (found != jvmInformation.end()) runtime[field] = found->second;
  }
  return runtime;
}

nlohmann::ordered_json profileJson(const core::ResourceProfile& profile) {
  nlohmann::ordered_json executorResources = nlohmann::ordered_json::object();
  for (const core::ExecutorResourceRequest& request : profile.executorResources) {
    executorResources[request.resourceName] = {{"resourceName", request.resourceName},
                                               {"amount", request.amount},
                                               {"discoveryScript", request.discoveryScript},
                                               {"vendor", request.vendor}};
  }
  nlohmann::ordered_json taskResources = nlohmann::ordered_json::object();
  for (const core::TaskResourceRequest& request : profile.taskResources) {
    taskResources[request.resourceName] = {{"resourceName", request.resourceName}, {"amount", request.amount}};
  }
  return {{"id", profile.id}, {"executorResources", executorResources}, {"taskResources", taskResources}};
}

}  // namespace

ApiResponse answerEnvironment(const Store& store, const AppAttemptRef& app) {
  std::optional<core::AppAttempt> loaded = store.loadApp(app.appId, app.attemptId);
  const core::Environment* environment = loaded ? &loaded->environment : nullptr;
  // Without an EnvironmentUpdate Spark's store has no environment, and the lookup's
  // NoSuchElementException reaches the resource as "no such app".
  if (environment == nullptr || (environment->jvmInformation.empty() && environment->sparkProperties.empty() &&
                                 environment->systemProperties.empty() && environment->classpathEntries.empty())) {
    return apiError(404, "no such app: " + (app.attemptId.empty() ? app.appId : app.appId + "/" + app.attemptId));
  }
  std::vector<core::ResourceProfile> profiles = loaded->resourceProfiles;
  std::stable_sort(profiles.begin(), profiles.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  nlohmann::ordered_json resourceProfiles = nlohmann::ordered_json::array();
  for (const core::ResourceProfile& profile : profiles) resourceProfiles.push_back(profileJson(profile));

  ApiResponse response;
  response.body = {{"runtime", runtimeJson(environment->jvmInformation)},
                   {"sparkProperties", sortedPairs(environment->sparkProperties)},
                   {"hadoopProperties", sortedPairs(environment->hadoopProperties)},
                   {"systemProperties", sortedPairs(environment->systemProperties)},
                   {"metricsProperties", sortedPairs(environment->metricsProperties)},
                   {"classpathEntries", sortedPairs(environment->classpathEntries)},
                   {"resourceProfiles", resourceProfiles}};
  return response;
}

}  // namespace jobtuner::collector

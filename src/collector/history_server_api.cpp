// The /api/v1 router: parses a REST path and hands it to the endpoint family that answers it
// (hs_applications, hs_jobs, hs_executors, hs_environment, hs_stages), the way Spark's
// ApiRootResource and OneApplicationResource route them.

#include "collector/history_server_api.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "collector/hs_applications.h"
#include "collector/hs_environment.h"
#include "collector/hs_executors.h"
#include "collector/hs_jobs.h"
#include "collector/hs_stages.h"
#include "collector/hs_storage.h"
#include "core/errors.h"

namespace jobtuner::collector {

namespace {

// A REST path is typed or pasted by a user; anything longer is a mistake, not a request.
constexpr size_t kMaxPathBytes = 8192;

// The resources below /applications/{app-id}; any other segment there is an attempt id, as in
// Spark, where "{attemptId}" is matched last.
constexpr std::string_view kAppResources[] = {"jobs",    "executors", "allexecutors", "stages",
                                              "environment", "storage", "allmiscellaneousprocess", "logs"};

bool isAppResource(std::string_view segment) {
  return std::find(std::begin(kAppResources), std::end(kAppResources), segment) != std::end(kAppResources);
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void throwBadPath(const std::string& path, const std::string& what) {
  throw core::UserError(core::SourceLocation{"REST path"}, what + ": " + path,
                        "write it as in Spark's REST API, e.g. /applications/APP-ID/jobs?status=failed");
}

// True when `text` is well-formed UTF-8 (decoded paths and parameters end up in messages and in
// the JSON we print).
bool isUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

std::string percentDecode(std::string_view text, bool plusIsSpace, const std::string& path) {
  std::string decoded;
  decoded.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int high = i + 2 < text.size() ? hexValue(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? hexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) throwBadPath(path, "a '%' not followed by two hex digits");
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plusIsSpace) {
      decoded += ' ';
    } else {
      decoded += c;
    }
  }
  if (!isUtf8(decoded)) throwBadPath(path, "percent-escapes that do not decode to UTF-8 text");
  if (std::any_of(decoded.begin(), decoded.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20; })) {
    throwBadPath(path, "a control character");
  }
  return decoded;
}

// The attempt a path names, if the store holds it. Spark answers an app with attempt ids only
// when the path names one (FsHistoryProvider.getAppUI looks the attempt up as given).
std::optional<AppAttemptRef> findAttempt(const Store& store, const std::string& appId, const std::string& attemptId) {
  std::vector<std::string> attempts = store.attemptsOf(appId);
  if (std::find(attempts.begin(), attempts.end(), attemptId) == attempts.end()) return std::nullopt;
  return AppAttemptRef{appId, attemptId};
}

// Routes what follows /applications/{app-id}[/{attempt-id}]: segments[first] names the resource.
ApiResponse answerAppResource(const Store& store, const AppAttemptRef& app, const ApiRequest& request, size_t first) {
  const std::vector<std::string>& segments = request.segments;
  const std::string& resource = segments[first];
  size_t rest = segments.size() - first - 1;
  if (resource == "jobs") return answerJobsRequest(store, app, request, first);
  if (resource == "stages") return answerStagesRequest(store, app, request, first);
  if (resource == "executors" && rest == 0) return answerExecutors(store, app, true);
  if (resource == "allexecutors" && rest == 0) return answerExecutors(store, app, false);
  if (resource == "environment" && rest == 0) return answerEnvironment(store, app);
  if (resource == "storage") return answerStorageRequest(store, app, request, first);
  if (resource == "allmiscellaneousprocess" && rest == 0) return answerMiscellaneousProcesses(store, app);
  return unknownEndpoint(request);
}

}  // namespace

std::vector<std::string> ApiRequest::values(const std::string& name) const {
  std::vector<std::string> found;
  auto [begin, end] = query.equal_range(name);
  for (auto it = begin; it != end; ++it) found.push_back(it->second);
  return found;
}

std::string ApiRequest::value(const std::string& name, const std::string& fallback) const {
  std::vector<std::string> found = values(name);
  return found.empty() ? fallback : found.back();
}

ApiRequest parseApiPath(const std::string& restPath) {
  if (restPath.size() > kMaxPathBytes) {
    throwBadPath(restPath.substr(0, 80) + "...", fmt::format("a path longer than {} bytes", kMaxPathBytes));
  }
  ApiRequest request;
  std::string_view text = restPath;
  // A URL copied from a browser works too: its scheme and host are not part of the path.
  for (std::string_view scheme : {"http://", "https://"}) {
    if (text.starts_with(scheme)) {
      text.remove_prefix(scheme.size());
      size_t slash = text.find('/');
      text = slash == std::string_view::npos ? std::string_view() : text.substr(slash);
    }
  }
  if (size_t hash = text.find('#'); hash != std::string_view::npos) text = text.substr(0, hash);
  std::string_view pathPart = text;
  std::string_view queryPart;
  if (size_t question = text.find('?'); question != std::string_view::npos) {
    pathPart = text.substr(0, question);
    queryPart = text.substr(question + 1);
  }
  request.original = std::string(text);

  size_t start = 0;
  while (start <= pathPart.size()) {
    size_t slash = pathPart.find('/', start);
    std::string_view segment = pathPart.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    // Empty segments ("//", a leading or trailing "/") name nothing, as in a URL.
    if (!segment.empty()) request.segments.push_back(percentDecode(segment, false, restPath));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (request.segments.size() >= 2 && request.segments[0] == "api" && request.segments[1] == "v1") {
    request.segments.erase(request.segments.begin(), request.segments.begin() + 2);
  }

  start = 0;
  while (!queryPart.empty() && start <= queryPart.size()) {
    size_t amp = queryPart.find('&', start);
    std::string_view pair = queryPart.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      size_t equals = pair.find('=');
      std::string name = percentDecode(pair.substr(0, equals), true, restPath);
      std::string value = equals == std::string_view::npos ? std::string() : percentDecode(pair.substr(equals + 1), true, restPath);
      if (name.empty()) throwBadPath(restPath, "a query parameter without a name");
      request.query.emplace(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return request;
}

ApiResponse unknownEndpoint(const ApiRequest& request) {
  ApiResponse response =
      apiError(404, "no such endpoint: " + (request.original.empty() ? std::string("/") : request.original));
  response.unknownPath = true;
  return response;
}

ApiResponse apiError(int status, std::string message) {
  ApiResponse response;
  response.status = status;
  response.error = std::move(message);
  return response;
}

std::string formatSparkDate(int64_t epochMs) {
  // Floor division keeps moments before 1970 right (Spark writes an unknown end as -1 ms:
  // 1969-12-31T23:59:59.999GMT).
  int64_t days = epochMs / 86'400'000;
  int64_t msOfDay = epochMs % 86'400'000;
  if (msOfDay < 0) {
    msOfDay += 86'400'000;
    --days;
  }
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719'468;
  int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  int64_t dayOfEra = z - era * 146'097;
  int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
  int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  int64_t monthPart = (5 * dayOfYear + 2) / 153;
  int64_t day = dayOfYear - (153 * monthPart + 2) / 5 + 1;
  int64_t month = monthPart < 10 ? monthPart + 3 : monthPart - 9;
  int64_t year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}GMT", year, month, day, msOfDay / 3'600'000,
                     msOfDay / 60'000 % 60, msOfDay / 1000 % 60, msOfDay % 1000);
}

const std::vector<std::string>& supportedApiPaths() {
  static const std::vector<std::string> paths = {
      "/applications[?status=completed|running&minDate=DATE&maxDate=DATE&minEndDate=DATE&maxEndDate=DATE&limit=N]",
      "/applications/{app-id}",
      "/applications/{app-id}/{attempt-id}",
      "/applications/{app-id}[/{attempt-id}]/jobs[?status=running|succeeded|failed|unknown]",
      "/applications/{app-id}[/{attempt-id}]/jobs/{job-id}",
      "/applications/{app-id}[/{attempt-id}]/executors",
      "/applications/{app-id}[/{attempt-id}]/allexecutors",
      "/applications/{app-id}[/{attempt-id}]/environment",
      "/applications/{app-id}[/{attempt-id}]/allmiscellaneousprocess",
      "/applications/{app-id}[/{attempt-id}]/storage/rdd",
      "/applications/{app-id}[/{attempt-id}]/storage/rdd/{rdd-id}",
      "/applications/{app-id}[/{attempt-id}]/stages[?status=...&details=true&withSummaries=true]",
      "/applications/{app-id}[/{attempt-id}]/stages/{stage-id}[/{stage-attempt-id}]",
      "/applications/{app-id}[/{attempt-id}]/stages/{stage-id}/{stage-attempt-id}/taskSummary[?quantiles=...]",
      "/applications/{app-id}[/{attempt-id}]/stages/{stage-id}/{stage-attempt-id}/taskList[?offset=&length=&sortBy=&status=]",
  };
  return paths;
}

ApiResponse answerApiRequest(const Store& store, const ApiRequest& request) {
  const std::vector<std::string>& segments = request.segments;
  if (segments.empty() || segments[0] != "applications") return unknownEndpoint(request);
  if (segments.size() == 1) return answerApplicationList(store, request);
  const std::string& appId = segments[1];
  if (segments.size() == 2) return answerApplication(store, appId);

  std::string attemptId;
  size_t first = 2;
  if (!isAppResource(segments[2])) {
    attemptId = segments[2];
    if (segments.size() == 3) return answerApplicationAttempt(store, appId, attemptId);
    // Spark takes one attempt segment only: /applications/a/1/2/... matches nothing.
    if (!isAppResource(segments[3])) return unknownEndpoint(request);
    first = 3;
  }
  std::optional<AppAttemptRef> app = findAttempt(store, appId, attemptId);
  if (!app) return apiError(404, "no such app: " + (attemptId.empty() ? appId : appId + "/" + attemptId));
  return answerAppResource(store, *app, request, first);
}

}  // namespace jobtuner::collector

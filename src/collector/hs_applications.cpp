#include "collector/hs_applications.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <limits>
#include <map>

#include "collector/store.h"

namespace jobtuner::collector {

namespace {

// ApplicationListResource's defaults: every app started or ended between these dates.
constexpr const char* kDefaultMinDate = "2010-01-01";
constexpr const char* kDefaultMaxDate = "3000-01-01";

// An app as the listing holds it: attempts ordered by start time, latest first.
struct ListedApp {
  std::string id;
  std::string name;
  std::vector<AppRow> attempts;

  bool anyRunning() const { return attempts.empty() || !attempts.front().completed; }
  // AppListingListener leaves an attempt without ApplicationEnd at -1 (1969-12-31T23:59:59.999).
  static int64_t endTimeOf(const AppRow& attempt) { return attempt.completed ? attempt.endTimeMs : -1; }
};

bool attemptFirst(const AppRow& left, const AppRow& right) {
  if (left.startTimeMs != right.startTimeMs) return left.startTimeMs > right.startTimeMs;
  // Equal starts: any fixed order will do; the higher attempt id is the later one in practice.
  if (left.attemptId.size() != right.attemptId.size()) return left.attemptId.size() > right.attemptId.size();
  return left.attemptId > right.attemptId;
}

std::vector<ListedApp> listedApps(const Store& store, const std::string& onlyAppId = {}) {
  std::map<std::string, ListedApp> byId;
  for (AppRow& row : store.listApps()) {
    if (!onlyAppId.empty() && row.appId != onlyAppId) continue;
    ListedApp& app = byId[row.appId];
    app.id = row.appId;
    app.attempts.push_back(std::move(row));
  }
  std::vector<ListedApp> apps;
  for (auto& [id, app] : byId) {
    std::stable_sort(app.attempts.begin(), app.attempts.end(), attemptFirst);
    app.name = app.attempts.front().name;
    apps.push_back(std::move(app));
  }
  // FsHistoryProvider.getListing: by the latest attempt's end time, descending (the KV store's
  // index breaks ties by app id, also descending once reversed).
  std::stable_sort(apps.begin(), apps.end(), [](const ListedApp& left, const ListedApp& right) {
    int64_t leftEnd = ListedApp::endTimeOf(left.attempts.front());
    int64_t rightEnd = ListedApp::endTimeOf(right.attempts.front());
    if (leftEnd != rightEnd) return leftEnd > rightEnd;
    return left.id > right.id;
  });
  return apps;
}

nlohmann::ordered_json attemptJson(const AppRow& attempt) {
  int64_t endTimeMs = ListedApp::endTimeOf(attempt);
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  if (!attempt.attemptId.empty()) json["attemptId"] = attempt.attemptId;
  json["startTime"] = formatSparkDate(attempt.startTimeMs);
  json["endTime"] = formatSparkDate(endTimeMs);
  json["lastUpdated"] = formatSparkDate(attempt.fileMtimeMs);
  json["duration"] = attempt.completed ? attempt.endTimeMs - attempt.startTimeMs : 0;
  json["sparkUser"] = attempt.user;
  json["completed"] = attempt.completed;
  json["appSparkVersion"] = attempt.engineVersion;
  // Jackson writes the getters after the fields, in this order.
  json["endTimeEpoch"] = endTimeMs;
  json["startTimeEpoch"] = attempt.startTimeMs;
  json["lastUpdatedEpoch"] = attempt.fileMtimeMs;
  return json;
}

nlohmann::ordered_json appJson(const ListedApp& app) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  json["id"] = app.id;
  json["name"] = app.name;
  // coresGranted, maxCores, coresPerExecutor, memoryPerExecutorMB: None for history apps.
  nlohmann::ordered_json attempts = nlohmann::ordered_json::array();
  for (const AppRow& attempt : app.attempts) attempts.push_back(attemptJson(attempt));
  json["attempts"] = std::move(attempts);
  return json;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string badValue(const std::string& name, const std::string& expected, const std::string& actual) {
  // Spark's BadParameterException wording.
  return "Bad value for parameter \"" + name + "\".  Expected a " + expected + ", got \"" + actual + "\"";
}

// Reads digits at `pos`; SimpleDateFormat takes any count of them.
std::optional<int64_t> readNumber(const std::string& text, size_t& pos) {
  size_t start = pos;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])) && pos - start < 18) ++pos;
  if (pos == start) return std::nullopt;
  int64_t value = 0;
  std::from_chars(text.data() + start, text.data() + pos, value);
  return value;
}

bool expect(const std::string& text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date; months and days out of range roll over,
// as SimpleDateFormat's lenient parsing does.
int64_t daysFromCivil(int64_t year, int64_t month, int64_t day) {
  int64_t monthIndex = month - 1;
  year += monthIndex >= 0 ? monthIndex / 12 : -((11 - monthIndex) / 12);
  month = ((monthIndex % 12) + 12) % 12 + 1;
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yearOfEra = year - era * 400;
  int64_t dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5;
  int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146'097 + dayOfEra - 719'468 + (day - 1);
}

// "GMT", "UTC", "UT", optionally followed by an offset, or an RFC 822 offset "+0100"; the
// offset in ms east of GMT.
std::optional<int64_t> readZone(const std::string& text, size_t pos) {
  std::string zone = text.substr(pos);
  for (const char* name : {"GMT", "UTC", "UT"}) {
    if (zone.starts_with(name)) {
      zone = zone.substr(std::string(name).size());
      if (zone.empty()) return 0;
      break;
    }
  }
  if (zone.size() < 2 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  int64_t sign = zone[0] == '-' ? -1 : 1;
  std::string digits;
  for (char c : zone.substr(1)) {
    if (c != ':') digits += c;
  }
  if (digits.empty() || digits.size() > 4 ||
      !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  int64_t hours = digits.size() <= 2 ? std::stoll(digits) : std::stoll(digits.substr(0, digits.size() - 2));
  int64_t minutes = digits.size() <= 2 ? 0 : std::stoll(digits.substr(digits.size() - 2));
  return sign * (hours * 3'600'000 + minutes * 60'000);
}

// Parses "yyyy-MM-dd" at the start of `text`; what follows is ignored, as SimpleDateFormat.parse does.
std::optional<int64_t> readDay(const std::string& text, size_t& pos) {
  std::optional<int64_t> year = readNumber(text, pos);
  if (!year || !expect(text, pos, '-')) return std::nullopt;
  std::optional<int64_t> month = readNumber(text, pos);
  if (!month || !expect(text, pos, '-')) return std::nullopt;
  std::optional<int64_t> day = readNumber(text, pos);
  if (!day) return std::nullopt;
  return daysFromCivil(*year, *month, *day) * 86'400'000;
}

// Checks the query parameters and builds the filter; an error message when one is bad.
struct ListFilter {
  bool includeCompleted = true;
  bool includeRunning = true;
  int64_t minDate = 0, maxDate = 0, minEndDate = 0, maxEndDate = 0;
  size_t limit = std::numeric_limits<size_t>::max();
};

std::optional<std::string> readFilter(const ApiRequest& request, ListFilter& filter) {
  std::vector<std::string> statuses = request.values("status");
  if (!statuses.empty()) {
    filter.includeCompleted = false;
    filter.includeRunning = false;
    for (const std::string& status : statuses) {
      std::string lower = lowercase(status);
      if (lower == "completed") {
        filter.includeCompleted = true;
      } else if (lower == "running") {
        filter.includeRunning = true;
      } else {
        return badValue("status", "one of [completed, running]", status);
      }
    }
  }
  struct DateParameter {
    const char* name;
    const char* fallback;
    int64_t* target;
  };
  for (const DateParameter& date : {DateParameter{"minDate", kDefaultMinDate, &filter.minDate},
                                    DateParameter{"maxDate", kDefaultMaxDate, &filter.maxDate},
                                    DateParameter{"minEndDate", kDefaultMinDate, &filter.minEndDate},
                                    DateParameter{"maxEndDate", kDefaultMaxDate, &filter.maxEndDate}}) {
    std::string text = request.value(date.name, date.fallback);
    std::optional<int64_t> parsed = parseSparkDateParameter(text);
    if (!parsed) return "Couldn't parse date: " + text;  // SimpleDateParam's message
    *date.target = *parsed;
  }
  std::vector<std::string> limits = request.values("limit");
  if (!limits.empty()) {
    const std::string& text = limits.back();
    int64_t limit = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
        limit > std::numeric_limits<int32_t>::max() || limit < std::numeric_limits<int32_t>::min()) {
      return badValue("limit", "integer", text);
    }
    filter.limit = limit < 0 ? 0 : static_cast<size_t>(limit);  // Scala's take(n <= 0) is empty
  }
  return std::nullopt;
}

// ApplicationListResource.isAttemptInRange.
bool attemptInRange(const AppRow& attempt, const ListFilter& filter, bool anyRunning, int64_t nowMs) {
  bool startOk = attempt.startTimeMs >= filter.minDate && attempt.startTimeMs <= filter.maxDate;
  int64_t endTimeMs = ListedApp::endTimeOf(attempt);
  // A running app passes the end-date filter only while maxEndDate is still in the future.
  bool endOkForRunning = anyRunning && filter.maxEndDate > nowMs;
  bool endOkForCompleted = !anyRunning && endTimeMs >= filter.minEndDate && endTimeMs <= filter.maxEndDate;
  return startOk && (endOkForRunning || endOkForCompleted);
}

}  // namespace

std::optional<int64_t> parseSparkDateParameter(const std::string& text) {
  size_t pos = 0;
  std::optional<int64_t> day = readDay(text, pos);
  if (!day) return std::nullopt;
  size_t timePos = pos;
  if (expect(text, timePos, 'T')) {
    std::optional<int64_t> hours = readNumber(text, timePos);
    bool ok = hours && expect(text, timePos, ':');
    std::optional<int64_t> minutes = ok ? readNumber(text, timePos) : std::nullopt;
    ok = ok && minutes && expect(text, timePos, ':');
    std::optional<int64_t> seconds = ok ? readNumber(text, timePos) : std::nullopt;
    ok = ok && seconds && expect(text, timePos, '.');
    std::optional<int64_t> millis = ok ? readNumber(text, timePos) : std::nullopt;
    std::optional<int64_t> zone = ok && millis ? readZone(text, timePos) : std::nullopt;
    if (zone) return *day + *hours * 3'600'000 + *minutes * 60'000 + *seconds * 1000 + *millis - *zone;
  }
  // Not the full form: Spark falls back to the day alone, in GMT, ignoring what follows it.
  return day;
}

ApiResponse answerApplicationList(const Store& store, const ApiRequest& request) {
  ListFilter filter;
  if (std::optional<std::string> error = readFilter(request, filter)) return apiError(400, *error);
  int64_t nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  ApiResponse response;
  response.body = nlohmann::ordered_json::array();
  for (const ListedApp& app : listedApps(store)) {
    if (response.body.size() >= filter.limit) break;
    bool anyRunning = app.anyRunning();
    if (!((!anyRunning && filter.includeCompleted) || (anyRunning && filter.includeRunning))) continue;
    bool inRange = std::any_of(app.attempts.begin(), app.attempts.end(), [&](const AppRow& attempt) {
      return attemptInRange(attempt, filter, anyRunning, nowMs);
    });
    if (inRange) response.body.push_back(appJson(app));
  }
  return response;
}

ApiResponse answerApplication(const Store& store, const std::string& appId) {
  std::vector<ListedApp> apps = listedApps(store, appId);
  if (apps.empty()) return apiError(404, "unknown app: " + appId);
  ApiResponse response;
  response.body = appJson(apps.front());
  return response;
}

ApiResponse answerApplicationAttempt(const Store& store, const std::string& appId, const std::string& attemptId) {
  for (const ListedApp& app : listedApps(store, appId)) {
    for (const AppRow& attempt : app.attempts) {
      if (!attempt.attemptId.empty() && attempt.attemptId == attemptId) {
        ApiResponse response;
        response.body = attemptJson(attempt);
        return response;
      }
    }
  }
  return apiError(404, "unknown app " + appId + ", attempt " + attemptId);
}

}  // namespace jobtuner::collector

#include "core/job_key.h"

#include <string_view>

namespace jobtuner::core {

namespace {

constexpr const char* kJobKeyProperty = "spark.jobtuner.job";

// Digit runs this long are ids, counters or epochs; shorter ones name things ("q72", "etl_v2").
constexpr size_t kMinVolatileDigits = 6;
// Hex runs this long (with letters and digits both) are generated ids: hashes, Kubernetes ids.
constexpr size_t kMinHexIdChars = 16;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool isAlnum(char c) { return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

size_t digitRun(std::string_view s, size_t i) {
  size_t n = 0;
  while (i + n < s.size() && isDigit(s[i + n])) ++n;
  return n;
}

// Returns the value of exactly `width` digits at i, or -1.
int fixedNumber(std::string_view s, size_t i, size_t width) {
  if (i + width > s.size()) return -1;
  int value = 0;
  for (size_t k = 0; k < width; ++k) {
    if (!isDigit(s[i + k])) return -1;
    value = value * 10 + (s[i + k] - '0');
  }
  return value;
}

bool plausibleDate(int year, int month, int day) {
  return year >= 1970 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// Length of a date at i: YYYY-MM-DD (also with '/', '_' or '.') or YYYYMMDD, else 0.
size_t matchDate(std::string_view s, size_t i) {
  int year = fixedNumber(s, i, 4);
  if (year < 0) return 0;
  if (i + 10 <= s.size()) {
    char sep = s[i + 4];
    if ((sep == '-' || sep == '/' || sep == '_' || sep == '.') && s[i + 7] == sep &&
        plausibleDate(year, fixedNumber(s, i + 5, 2), fixedNumber(s, i + 8, 2))) {
      return 10;
    }
  }
  if (plausibleDate(year, fixedNumber(s, i + 4, 2), fixedNumber(s, i + 6, 2))) return 8;
  return 0;
}

bool plausibleClock(int hour, int minute) { return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59; }

// Length of a time of day at i: HH:MM, HH:MM:SS or with a fraction; with `compactAllowed` also
// HHMMSS (ISO 8601 basic format, only after a 'T'). 0 if none.
size_t matchClock(std::string_view s, size_t i, bool compactAllowed) {
  size_t length = 0;
  if (i + 5 <= s.size() && s[i + 2] == ':' && plausibleClock(fixedNumber(s, i, 2), fixedNumber(s, i + 3, 2))) {
    length = 5;
    if (i + 8 <= s.size() && s[i + 5] == ':' && fixedNumber(s, i + 6, 2) >= 0 && fixedNumber(s, i + 6, 2) <= 60) {
      length = 8;
    }
  } else if (compactAllowed && plausibleClock(fixedNumber(s, i, 2), fixedNumber(s, i + 2, 2)) &&
             fixedNumber(s, i + 4, 2) >= 0 && fixedNumber(s, i + 4, 2) <= 60) {
    length = 6;
  }
  if (length >= 6 && i + length + 1 < s.size() && (s[i + length] == '.' || s[i + length] == ',') &&
      isDigit(s[i + length + 1])) {
    length += 1 + digitRun(s, i + length + 1);
  }
  return length;
}

// Length of a zone designator at i: Z, +HH:MM, +HHMM or +HH. 0 if none.
size_t matchZone(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (s[i] == 'Z') return (i + 1 < s.size() && isAlnum(s[i + 1])) ? 0 : 1;
  if (s[i] != '+' && s[i] != '-') return 0;
  if (fixedNumber(s, i + 1, 2) < 0) return 0;
  if (i + 6 <= s.size() && s[i + 3] == ':' && fixedNumber(s, i + 4, 2) >= 0) return 6;
  if (fixedNumber(s, i + 3, 2) >= 0) return 5;
  return 3;
}

// Length of a date followed by a time of day (ISO 8601 'T' or a space), with an optional zone.
size_t matchTimestamp(std::string_view s, size_t i) {
  size_t date = matchDate(s, i);
  if (date == 0 || i + date + 1 >= s.size()) return 0;
  char sep = s[i + date];
  if (sep != 'T' && sep != ' ') return 0;
  size_t clock = matchClock(s, i + date + 1, sep == 'T');
  if (clock == 0) return 0;
  size_t end = i + date + 1 + clock;
  if (isDigit(s[end - 1]) && end < s.size() && isDigit(s[end])) return 0;
  return end - i + matchZone(s, end);
}

bool isHexRun(std::string_view s, size_t i, size_t n) {
  if (i + n > s.size()) return false;
  for (size_t k = 0; k < n; ++k) {
    if (!isHex(s[i + k])) return false;
  }
  return true;
}

size_t matchUuid(std::string_view s, size_t i) {
  constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  size_t at = i;
  for (size_t group = 0; group < 5; ++group) {
    if (!isHexRun(s, at, kGroups[group])) return 0;
    at += kGroups[group];
    if (group < 4) {
      if (at >= s.size() || s[at] != '-') return 0;
      ++at;
    }
  }
  if (at < s.size() && isAlnum(s[at])) return 0;
  return at - i;
}

// A run of hex characters, bounded by non-alphanumerics, holding both digits and letters (a run
// of digits alone is a number, a run of letters alone is a word).
size_t matchHexId(std::string_view s, size_t i) {
  size_t n = 0;
  bool digits = false;
  bool letters = false;
  while (i + n < s.size() && isHex(s[i + n])) {
    (isDigit(s[i + n]) ? digits : letters) = true;
    ++n;
  }
  if (n < kMinHexIdChars || !digits || !letters) return 0;
  if (i + n < s.size() && isAlnum(s[i + n])) return 0;
  return n;
}

}  // namespace

std::string normalizeAppName(const std::string& name) {
  std::string_view s(name);
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);

  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    bool wordStart = i == 0 || !isAlnum(s[i - 1]);
    if (wordStart && isHex(s[i])) {
      if (size_t n = matchUuid(s, i); n > 0) {
        out += "<uuid>";
        i += n;
        continue;
      }
      if (size_t n = matchHexId(s, i); n > 0) {
        out += "<uuid>";
        i += n;
        continue;
      }
    }
    if (!isDigit(s[i])) {
      out += s[i++];
      continue;
    }
    // A digit run: decide for the whole run at once, so a tail of it is never matched alone.
    size_t run = digitRun(s, i);
    if (i > 0 && (isDigit(s[i - 1]) || s[i - 1] == ':')) {
      out.append(s.substr(i, run));
      i += run;
      continue;
    }
    if (size_t n = matchTimestamp(s, i); n > 0) {
      out += "<time>";
      i += n;
    } else if (size_t date = matchDate(s, i); date > 0 && (date == 10 || run == 8) &&
                                              !(i + date < s.size() && isDigit(s[i + date]))) {
      out += "<date>";
      i += date;
    } else if (size_t clock = matchClock(s, i, false); clock > 0 && run == 2 &&
                                                   !(i + clock < s.size() && (isDigit(s[i + clock]) || s[i + clock] == ':'))) {
      out += "<time>";
      i += clock;
    } else if (run == 14 && matchDate(s, i) == 8 && matchClock(s, i + 8, true) == 6) {
      // yyyyMMddHHmmss, as in standalone app ids (app-20161116163331-0000).
      out += "<time>";
      i += run;
    } else if (run >= kMinVolatileDigits) {
      out += "<n>";
      i += run;
    } else {
      out.append(s.substr(i, run));
      i += run;
    }
  }
  return out;
}

std::string sparkJobKey(const std::string& appName,
                        const std::vector<std::pair<std::string, std::string>>& sparkProperties) {
  for (const auto& [key, value] : sparkProperties) {
    if (key != kJobKeyProperty) continue;
    std::string_view trimmed(value);
    while (!trimmed.empty() && isSpace(trimmed.front())) trimmed.remove_prefix(1);
    while (!trimmed.empty() && isSpace(trimmed.back())) trimmed.remove_suffix(1);
    if (!trimmed.empty()) return std::string(trimmed);
  }
  return normalizeAppName(appName);
}

}  // namespace jobtuner::core

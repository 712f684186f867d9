#include "core/redaction.h"

#include <string_view>

namespace jobtuner::core {

namespace {

constexpr std::string_view kCaseInsensitiveFlag = "(?i)";
constexpr const char* kRedactionRegexKey = "spark.redaction.regex";

// libstdc++ matches by recursive backtracking, so for patterns such as ".*secret" the stack
// grows with the length of the text. Property values (class paths, JVM options) can be
// megabytes, so long texts are searched in overlapping windows; a match would have to be longer
// than the overlap to be missed, and no useful redaction pattern matches that much.
constexpr size_t kWindowBytes = 4096;
constexpr size_t kWindowOverlap = 512;

std::regex compile(const std::string& pattern) {
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  std::string body = pattern;
  // Java spells case-insensitivity as an inline flag; std::regex only takes it as an option.
  if (std::string_view(body).starts_with(kCaseInsensitiveFlag)) {
    flags |= std::regex::icase;
    body.erase(0, kCaseInsensitiveFlag.size());
  }
  return std::regex(body, flags);
}

bool searchBounded(const std::regex& regex, std::string_view text) {
  if (text.size() <= kWindowBytes) return std::regex_search(text.begin(), text.end(), regex);
  for (size_t start = 0; start < text.size(); start += kWindowBytes - kWindowOverlap) {
    std::string_view window = text.substr(start, kWindowBytes);
    if (std::regex_search(window.begin(), window.end(), regex)) return true;
    if (start + kWindowBytes >= text.size()) break;
  }
  return false;
}

}  // namespace

Redactor::Redactor(const std::string& pattern) {
  try {
    regex_ = compile(pattern);
  } catch (const std::regex_error&) {
    // The pattern comes from the log itself (spark.redaction.regex); a Java-only construct must
    // not leave secrets unredacted, so the default applies.
    regex_ = compile(kDefaultRedactionPattern);
  }
}

bool Redactor::isSensitive(const std::string& key, const std::string& value) const {
  try {
    return searchBounded(regex_, key) || searchBounded(regex_, value);
  } catch (const std::regex_error&) {
    // A pattern too complex to evaluate: hiding a value is the safe mistake.
    return true;
  }
}

void Redactor::redact(std::vector<std::pair<std::string, std::string>>& properties) const {
  for (auto& [key, value] : properties) {
    if (isSensitive(key, value)) value = kRedactedValue;
  }
}

Redactor redactorFor(const std::vector<std::pair<std::string, std::string>>& sparkProperties) {
  for (const auto& [key, value] : sparkProperties) {
    if (key == kRedactionRegexKey) return Redactor(value);
  }
  return Redactor();
}

}  // namespace jobtuner::core

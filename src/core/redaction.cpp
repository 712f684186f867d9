#include "core/redaction.h"

#include <algorithm>
#include <optional>

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

char asciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// The words of a pattern made only of alternatives of literal text ("secret|password|
// access[.]key"), or nothing when it uses any other regular-expression feature.
std::optional<std::vector<std::string>> literalAlternatives(std::string_view pattern) {
  constexpr std::string_view kSpecial = ".^$*+?()[]{}|\\";
  std::vector<std::string> words(1);
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '|') {
      if (words.back().empty()) return std::nullopt;
      words.emplace_back();
    } else if (pattern.substr(i, 3) == "[.]") {
      words.back() += '.';
      i += 2;
    } else if (c == '\\' && i + 1 < pattern.size() && kSpecial.find(pattern[i + 1]) != std::string_view::npos) {
      words.back() += pattern[++i];
    } else if (kSpecial.find(c) != std::string_view::npos) {
      return std::nullopt;
    } else {
      words.back() += c;
    }
  }
  if (words.back().empty()) return std::nullopt;
  return words;
}

std::regex compile(std::string_view body, bool caseInsensitive) {
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (caseInsensitive) flags |= std::regex::icase;
  return std::regex(body.begin(), body.end(), flags);
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
  std::string_view body(pattern);
  // Java spells case-insensitivity as an inline flag; std::regex only takes it as an option.
  caseInsensitive_ = body.starts_with(kCaseInsensitiveFlag);
  if (caseInsensitive_) body.remove_prefix(kCaseInsensitiveFlag.size());
  if (auto words = literalAlternatives(body)) {
    literals_ = std::move(*words);
    if (caseInsensitive_) {
      for (auto& word : literals_) std::transform(word.begin(), word.end(), word.begin(), asciiLower);
    }
    return;
  }
  try {
    regex_ = compile(body, caseInsensitive_);
    useRegex_ = true;
  } catch (const std::regex_error&) {
    // The pattern comes from the log itself (spark.redaction.regex); a Java-only construct must
    // not leave secrets unredacted, so the default applies.
    *this = Redactor(kDefaultRedactionPattern);
  }
}

bool Redactor::matches(std::string_view text) const {
  if (useRegex_) return searchBounded(regex_, text);
  for (const auto& word : literals_) {
    auto found = caseInsensitive_
                     ? std::search(text.begin(), text.end(), word.begin(), word.end(),
                                   [](char a, char b) { return asciiLower(a) == b; })
                     : std::search(text.begin(), text.end(), word.begin(), word.end());
    if (found != text.end()) return true;
  }
  return false;
}

bool Redactor::isSensitive(const std::string& key, const std::string& value) const {
  try {
    return matches(key) || matches(value);
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

#pragma once

// Redaction of secrets in properties, as Spark's History Server shows them: when the pattern
// (`spark.redaction.regex`, default `(?i)secret|password|token|access[.]key`) matches the key or
// the value, the value becomes "*********(redacted)".

#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jobtuner::core {

inline constexpr const char* kDefaultRedactionPattern = "(?i)secret|password|token|access[.]key";
inline constexpr const char* kRedactedValue = "*********(redacted)";

class Redactor {
 public:
  /// Accepts Java-style patterns with a leading (?i). An invalid pattern falls back to the default.
  explicit Redactor(const std::string& pattern = kDefaultRedactionPattern);

  bool isSensitive(const std::string& key, const std::string& value) const;
  void redact(std::vector<std::pair<std::string, std::string>>& properties) const;

 private:
  bool matches(std::string_view text) const;

  // Patterns that are only alternatives of literal words (the default is) are matched by plain
  // substring search: std::regex is slow, and every job and stage carries properties to check.
  std::vector<std::string> literals_;
  bool caseInsensitive_ = false;
  bool useRegex_ = false;
  std::regex regex_;
};

/// The redactor an app's own properties ask for (its `spark.redaction.regex`), else the default.
Redactor redactorFor(const std::vector<std::pair<std::string, std::string>>& sparkProperties);

}  // namespace jobtuner::core

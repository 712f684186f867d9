#include "core/redaction.h"

#include <catch2/catch.hpp>

using jobtuner::core::kRedactedValue;
using jobtuner::core::Redactor;
using jobtuner::core::redactorFor;

TEST_CASE("default redaction hides values whose key names a secret, ignoring case", "[core][redaction]") {
  Redactor redactor;
  CHECK(redactor.isSensitive("spark.ssl.keyStorePassword", "hunter2"));
  CHECK(redactor.isSensitive("spark.hadoop.fs.s3a.access.key", "AKIA0000"));
  CHECK(redactor.isSensitive("spark.authenticate.SECRET", "x"));
  CHECK(redactor.isSensitive("spark.yarn.token.renewal", "x"));
  CHECK_FALSE(redactor.isSensitive("spark.executor.memory", "4g"));
  // "access[.]key" needs the dot: accesskey alone is not a match.
  CHECK_FALSE(redactor.isSensitive("spark.accesskeys.count", "3"));
}

TEST_CASE("redaction also matches the value, as Spark's Utils.redact does", "[core][redaction]") {
  Redactor redactor;
  CHECK(redactor.isSensitive("spark.driver.extraJavaOptions", "-Ddb.password=hunter2"));
  CHECK(redactor.isSensitive("spark.some.url", "jdbc:x://h/db?Token=abc"));
}

TEST_CASE("redact replaces only the sensitive values and keeps order", "[core][redaction]") {
  std::vector<std::pair<std::string, std::string>> properties = {
      {"spark.app.name", "daily"},
      {"spark.ssl.keyStorePassword", "hunter2"},
      {"spark.executor.extraJavaOptions", "-Dpassword=x"},
      {"spark.master", "yarn"}};
  Redactor().redact(properties);
  CHECK(properties[0].second == "daily");
  CHECK(properties[1].second == kRedactedValue);
  CHECK(properties[2].second == kRedactedValue);
  CHECK(properties[3].second == "yarn");
  CHECK(properties[1].first == "spark.ssl.keyStorePassword");
}

TEST_CASE("a pattern without (?i) is case-sensitive", "[core][redaction]") {
  Redactor redactor("secret");
  CHECK(redactor.isSensitive("my.secret", "x"));
  CHECK_FALSE(redactor.isSensitive("my.SECRET", "x"));
  CHECK_FALSE(redactor.isSensitive("spark.ssl.keyStorePassword", "x"));
}

TEST_CASE("an invalid pattern falls back to the default pattern", "[core][redaction]") {
  Redactor redactor("(?i)([unclosed");
  CHECK(redactor.isSensitive("spark.ssl.keyStorePassword", "x"));
  CHECK_FALSE(redactor.isSensitive("spark.executor.memory", "4g"));
  // Java-only syntax std::regex cannot compile also falls back.
  Redactor javaOnly("(?<name>secret)");
  CHECK(javaOnly.isSensitive("a.password", "x"));
}

TEST_CASE("redactorFor uses the app's own spark.redaction.regex", "[core][redaction]") {
  std::vector<std::pair<std::string, std::string>> sparkProperties = {
      {"spark.redaction.regex", "(?i)internal"}, {"spark.app.name", "x"}};
  Redactor redactor = redactorFor(sparkProperties);
  CHECK(redactor.isSensitive("spark.internal.endpoint", "x"));
  CHECK_FALSE(redactor.isSensitive("spark.ssl.keyStorePassword", "x"));

  Redactor fallback = redactorFor({{"spark.app.name", "x"}});
  CHECK(fallback.isSensitive("spark.ssl.keyStorePassword", "x"));
}

TEST_CASE("redaction finds a secret far inside a very long value", "[core][redaction]") {
  std::string longValue(200000, 'a');
  longValue.replace(150000, 8, "password");
  CHECK(Redactor().isSensitive("java.class.path", longValue));
  CHECK_FALSE(Redactor().isSensitive("java.class.path", std::string(200000, 'a')));
  // A greedy pattern over a long value must not exhaust the stack. (std::regex is quadratic on
  // such a pattern, as Java's is: 20 KB keeps the test quick under the sanitizers.)
  std::string mediumValue(20000, 'a');
  mediumValue.replace(15000, 8, "password");
  CHECK(Redactor("(?i).*password").isSensitive("k", mediumValue));
}

TEST_CASE("literal and regular-expression patterns agree", "[core][redaction]") {
  // "a[.]b|c" is matched by substring search, "a.b|c" (any character) by std::regex.
  Redactor literal("(?i)access[.]key|token");
  Redactor regex("(?i)access.key|token");
  CHECK(literal.isSensitive("fs.s3a.ACCESS.KEY", "x"));
  CHECK(regex.isSensitive("fs.s3a.ACCESS.KEY", "x"));
  CHECK_FALSE(literal.isSensitive("fs.s3a.access_key", "x"));
  CHECK(regex.isSensitive("fs.s3a.access_key", "x"));
  CHECK(Redactor("pass\\.word").isSensitive("a.pass.word", "x"));
  CHECK_FALSE(Redactor("pass\\.word").isSensitive("a.passXword", "x"));
}

TEST_CASE("an empty pattern matches everything, as in Java", "[core][redaction]") {
  CHECK(Redactor("").isSensitive("spark.master", "yarn"));
}

#include "core/key_redaction.h"

#include <catch2/catch.hpp>

using jobtuner::core::hashedKey;

TEST_CASE("a hashed key is stable, distinct and says nothing of the key", "[core]") {
  CHECK(hashedKey("42") == hashedKey("42"));
  CHECK(hashedKey("42") != hashedKey("43"));
  CHECK(hashedKey("42").rfind("key-", 0) == 0);
  CHECK(hashedKey("42").size() == 16);
  CHECK(hashedKey("alice@example.com").find("alice") == std::string::npos);
}

TEST_CASE("redactKeys hides heavy keys and the salting keys of the profile a run used", "[core]") {
  jobtuner::core::AppAttempt app;
  app.shuffleKeys.push_back({0, 1, "alice@example.com", 10, 100});
  app.environment.sparkProperties = {{"spark.jobtuner.step.by-user.salting.keys", "[\"alice@example.com\",\"7\"]"},
                                     {"spark.jobtuner.step.by-user.salting.buckets", "8"},
                                     {"spark.jobtuner.step.other.salting.keys", "not json"}};
  jobtuner::core::redactKeys(app);
  CHECK(app.shuffleKeys[0].key == hashedKey("alice@example.com"));
  CHECK(app.environment.sparkProperties[0].second ==
        "[\"" + hashedKey("alice@example.com") + "\",\"" + hashedKey("7") + "\"]");
  CHECK(app.environment.sparkProperties[1].second == "8");
  CHECK(app.environment.sparkProperties[2].second == hashedKey("not json"));
}

#include "advisor/advisor_config.h"

#include <catch2/catch.hpp>

#include "support/test_support.h"

using namespace jobtuner::advisor;
using jobtuner::core::UserError;

namespace {

UserError parseError(const std::string& text) {
  try {
    parseAdvisorConfig(text, "jobtuner.yaml");
  } catch (const UserError& error) {
    return error;
  }
  FAIL("no error for:\n" << text);
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("an empty configuration gives the documented defaults", "[advisor][config]") {
  AdvisorConfig config = parseAdvisorConfig("", "jobtuner.yaml");
  CHECK(config.targetPartitionBytes == 128LL << 20);
  CHECK(config.limits.maxPartitions == 10'000);
  CHECK(config.prices.coreHour > 0);
  CHECK(describeAdvisorConfig().find("max_executor_memory: 64.0 GB") != std::string::npos);
  CHECK(loadAdvisorConfig("/nonexistent/jobtuner.yaml", false).limits.maxExecutors == 64);
  CHECK_THROWS_AS(loadAdvisorConfig("/nonexistent/jobtuner.yaml", true), UserError);
}

TEST_CASE("the advisor section sets limits, prices and targets; other sections are left alone", "[advisor][config]") {
  AdvisorConfig config = parseAdvisorConfig(
      "daemon: {anything: 1}\n"
      "advisor:\n"
      "  target_partition_bytes: 256m\n"
      "  prices: {core_hour: 0.1, memory_gb_hour: 0.01, currency: EUR}\n"
      "  limits:\n"
      "    max_executor_memory: 8g\n"
      "    max_partitions: 400\n",
      "jobtuner.yaml");
  CHECK(config.targetPartitionBytes == 256LL << 20);
  CHECK(config.prices.coreHour == Approx(0.1));
  CHECK(config.prices.currency == "EUR");
  CHECK(config.limits.maxExecutorMemoryBytes == 8LL << 30);
  CHECK(config.limits.maxPartitions == 400);
}

TEST_CASE("bad advisor settings are named with their place and the fix", "[advisor][config]") {
  UserError unknown = parseError("advisor:\n  limits:\n    max_partition: 5\n");
  CHECK(unknown.location().toString() == "jobtuner.yaml:3:5");
  CHECK(std::string(unknown.message()).find("did you mean 'max_partitions'") != std::string::npos);

  UserError section = parseError("advisr:\n  noise: 0.1\n");
  CHECK(std::string(section.message()).find("did you mean 'advisor'") != std::string::npos);

  UserError size = parseError("advisor:\n  limits:\n    max_executor_memory: lots\n");
  CHECK(size.location().line == 3);
  CHECK(std::string(size.message()).find("not a size") != std::string::npos);

  UserError fraction = parseError("advisor:\n  noise: 2\n");
  CHECK(std::string(fraction.message()).find("between 0 and 1") != std::string::npos);

  UserError contradiction = parseError("advisor:\n  limits: {min_partitions: 50, max_partitions: 10}\n");
  CHECK(std::string(contradiction.message()).find("min_partitions is above max_partitions") != std::string::npos);
}

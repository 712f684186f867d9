#pragma once

// The command line of jobtuner_eventlog_generator.

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace jobtuner::bench {

struct Options {
  std::string output;
  int64_t sizeBytes = 100LL << 20;
  int64_t tasks = 0;  // 0: size-driven
  int32_t stages = 100;
  int32_t executors = 50;
  uint64_t seed = 42;
  std::string appId = "app-20240611093000-0042";
  std::string appName = "nightly_sales_rollup";
};

class UsageError : public std::exception {
 public:
  explicit UsageError(std::string message) : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

/// The usage text printed with --help and after a usage error.
const char* generatorUsage();

/// Parses argv; throws UsageError naming the bad flag. Exits 0 after printing --help.
Options parseOptions(int argc, char** argv);

}  // namespace jobtuner::bench

#include "generator_options.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace jobtuner::bench {

namespace {

constexpr const char* kUsage =
    "usage: jobtuner_eventlog_generator --output PATH [--size-mb N | --tasks N] [--stages N] [--executors N]\n"
    "                                   [--seed S] [--app-id ID] [--app-name NAME]\n"
    "  --size-mb N     stop near N MiB of log (default 100)\n"
    "  --tasks N       generate N task indices instead (retries add a few more TaskEnd events)\n"
    "  --stages N      stages in total (default 100)\n"
    "  --executors N   executors at start, 4 cores each (default 50)\n";

int64_t parseCount(const char* flag, const char* text, int64_t minimum) {
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < minimum) {
    throw UsageError(std::string(flag) + ": '" + text + "' is not a whole number >= " + std::to_string(minimum));
  }
  return value;
}

}  // namespace

const char* generatorUsage() { return kUsage; }

Options parseOptions(int argc, char** argv) {
  Options options;
  bool sizeGiven = false;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (i + 1 >= argc) throw UsageError(flag + " needs a value");
    const char* value = argv[++i];
    if (flag == "--output") options.output = value;
    else if (flag == "--size-mb") {
      options.sizeBytes = parseCount("--size-mb", value, 1) << 20;
      sizeGiven = true;
    } else if (flag == "--tasks") options.tasks = parseCount("--tasks", value, 1);
    else if (flag == "--stages") options.stages = static_cast<int32_t>(parseCount("--stages", value, 1));
    else if (flag == "--executors") options.executors = static_cast<int32_t>(parseCount("--executors", value, 2));
    else if (flag == "--seed") options.seed = static_cast<uint64_t>(parseCount("--seed", value, 0));
    else if (flag == "--app-id") options.appId = value;
    else if (flag == "--app-name") options.appName = value;
    else throw UsageError("unknown option '" + flag + "'");
  }
  if (options.output.empty()) throw UsageError("--output PATH is required");
  if (sizeGiven && options.tasks > 0) throw UsageError("give --size-mb or --tasks, not both");
  if (options.stages > 1000000 || options.executors > 100000) throw UsageError("--stages or --executors is too large");
  return options;
}


}  // namespace jobtuner::bench

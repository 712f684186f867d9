// Feeds arbitrary YAML to the job loader and checker (after ${NAME} expansion with a fixed
// environment). Any bad input must end in a UserError naming the place, never a crash.

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "core/job_checker.h"
#include "core/job_loader.h"

using namespace jobtuner::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  EnvironmentLookup lookup = [](const std::string& name) -> std::optional<std::string> {
    if (name == "DATA_DIR") return std::string("/data");
    return std::nullopt;
  };
  try {
    JobSpec job = parseJob(expandEnvironment(text, "fuzz.yaml", lookup), "fuzz.yaml");
    std::map<std::string, Schema> schemas;
    for (const SourceSpec& source : job.sources) {
      schemas[source.name] = source.schema ? *source.schema
                                           : Schema({{"a", DataType::int64()}, {"b", DataType::string()},
                                                     {"c", DataType::decimal(10, 2)}});
    }
    checkJob(std::move(job), schemas);
  } catch (const UserError&) {
    // Rejected with a message: fine.
  }
  return 0;
}

#include "runtime/driver_log.h"

#include <nlohmann/json.hpp>

#include "runtime/clock.h"

namespace jobtuner::runtime {

DriverLog::DriverLog(const std::filesystem::path& path) : out_(path, std::ios::app) {}

void DriverLog::write(std::string_view level, std::string_view message) {
  nlohmann::json line = {{"ts", nowMs()}, {"level", level}, {"message", message}};
  std::lock_guard lock(mutex_);
  // Flushed at once: the log matters most when the driver is about to die.
  out_ << line.dump() << std::endl;
}

}  // namespace jobtuner::runtime

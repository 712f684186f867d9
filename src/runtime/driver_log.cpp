#include "runtime/driver_log.h"

#include "runtime/clock.h"

namespace jobtuner::runtime {

std::string jsonLogLine(std::string_view level, std::string_view message, const nlohmann::json& fields) {
  nlohmann::json line = fields;
  line["ts"] = nowMs();
  line["level"] = level;
  line["message"] = message;
  return line.dump();
}

DriverLog::DriverLog(const std::filesystem::path& path) : out_(path, std::ios::app) {}

void DriverLog::write(std::string_view level, std::string_view message) {
  std::string line = jsonLogLine(level, message);
  std::lock_guard lock(mutex_);
  // Flushed at once: the log matters most when the driver is about to die.
  out_ << line << std::endl;
}

}  // namespace jobtuner::runtime

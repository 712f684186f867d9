#pragma once

// The driver's log: JSON lines in the run directory ({"ts":..., "level":"info", "message":...}),
// so tools can read it and a person can grep it.

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace jobtuner::runtime {

/// One line of the run's JSON-lines logs (driver, executors, collector sidecar): {"ts", "level",
/// "message"} and the `fields` given, without the newline.
std::string jsonLogLine(std::string_view level, std::string_view message,
                        const nlohmann::json& fields = nlohmann::json::object());

class DriverLog {
 public:
  explicit DriverLog(const std::filesystem::path& path);
  void info(std::string_view message) { write("info", message); }
  void warn(std::string_view message) { write("warn", message); }
  void error(std::string_view message) { write("error", message); }

 private:
  void write(std::string_view level, std::string_view message);

  std::mutex mutex_;
  std::ofstream out_;
};

}  // namespace jobtuner::runtime

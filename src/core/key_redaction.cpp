#include "core/key_redaction.h"

#include <fmt/format.h>

#include <cstdint>
#include <nlohmann/json.hpp>

namespace jobtuner::core {

std::string hashedKey(const std::string& key) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return fmt::format("key-{:012x}", hash & 0xffffffffffffULL);
}

void redactKeys(AppAttempt& app) {
  for (ShuffleKey& key : app.shuffleKeys) key.key = hashedKey(key.key);
  for (auto& [name, value] : app.environment.sparkProperties) {
    if (!name.ends_with(".salting.keys")) continue;
    nlohmann::json keys = nlohmann::json::parse(value, nullptr, false);
    if (!keys.is_array()) {
      value = hashedKey(value);  // not a list as we write it: hide it whole
      continue;
    }
    for (auto& key : keys) key = hashedKey(key.is_string() ? key.get<std::string>() : key.dump());
    value = keys.dump();
  }
}

}  // namespace jobtuner::core

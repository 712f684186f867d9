#pragma once

#include <string>
#include <string_view>

namespace jobtuner::cli {

/// Makes untrusted text (app names, failure reasons from event logs) safe to print on a terminal:
/// control characters, escape sequences among them, become \xNN; newlines become spaces.
std::string terminalSafe(std::string_view text, size_t maxLength = 200);

}  // namespace jobtuner::cli

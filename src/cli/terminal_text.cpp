#include "cli/terminal_text.h"

#include <fmt/format.h>

namespace jobtuner::cli {

std::string terminalSafe(std::string_view text, size_t maxLength) {
  std::string safe;
  safe.reserve(std::min(text.size(), maxLength) + 8);
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      safe += ' ';
    } else if (byte < 0x20 || byte == 0x7f) {
      safe += fmt::format("\\x{:02x}", byte);
    } else {
      safe += c;
    }
    if (safe.size() >= maxLength) {
      safe += "...";
      break;
    }
  }
  return safe;
}

}  // namespace jobtuner::cli

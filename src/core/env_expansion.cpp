#include "core/env_expansion.h"

#include <fmt/format.h>

#include <cstdlib>

#include "core/errors.h"

namespace jobtuner::core {

namespace {

bool isNameChar(char c, bool first) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
}

}  // namespace

std::string expandEnvironment(std::string_view text, const std::string& file, const EnvironmentLookup& lookup) {
  auto get = [&](const std::string& name) -> std::optional<std::string> {
    if (lookup) return lookup(name);
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  std::string out;
  out.reserve(text.size());
  int64_t line = 1;
  int64_t column = 1;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == '$' && i + 2 < text.size() && text[i + 1] == '$' && text[i + 2] == '{') {
      out += "${";
      i += 3;
      column += 3;
      continue;
    }
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      size_t close = text.find('}', i + 2);
      size_t newline = text.find('\n', i + 2);
      SourceLocation where{file, line, column};
      if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
        throw UserError(where, "'${' is not closed by '}' on the same line", "write ${NAME}, or $${ for a literal ${");
      }
      std::string_view inside = text.substr(i + 2, close - i - 2);
      std::string_view name = inside;
      std::optional<std::string_view> fallback;
      if (size_t dash = inside.find(":-"); dash != std::string_view::npos) {
        name = inside.substr(0, dash);
        fallback = inside.substr(dash + 2);
      }
      bool valid = !name.empty();
      for (size_t k = 0; k < name.size(); ++k) valid = valid && isNameChar(name[k], k == 0);
      if (!valid) {
        throw UserError(where, fmt::format("'${{{}}}' is not a variable name", inside),
                        "names are letters, digits and _ (not starting with a digit); $${ writes a literal ${");
      }
      std::optional<std::string> value = get(std::string(name));
      if (!value || (fallback && value->empty())) {
        if (!fallback) {
          throw UserError(where, fmt::format("the environment variable {} is not set", name),
                          fmt::format("set it (e.g. {}=/path jobtuner run ...) or write ${{{}:-default}}", name, name));
        }
        value = std::string(*fallback);
      }
      out += *value;
      column += static_cast<int64_t>(close + 1 - i);
      i = close + 1;
      continue;
    }
    out.push_back(c);
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    ++i;
  }
  return out;
}

}  // namespace jobtuner::core

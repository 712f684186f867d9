#pragma once

// ${NAME} in job files: replaced by the environment variable NAME before the YAML is read, so it
// works anywhere in the file. ${NAME:-default} falls back to the default when NAME is unset or
// empty; $${ writes a literal ${.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace jobtuner::core {

using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Expands `text` read from `file`. An unset variable without a default is a UserError at its
/// line and column. `lookup` defaults to the process environment.
std::string expandEnvironment(std::string_view text, const std::string& file, const EnvironmentLookup& lookup = {});

}  // namespace jobtuner::core

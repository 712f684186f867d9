#pragma once

// The YAML files users write (jobs, profiles, rules, catalogues, suppressions) all read and place
// their errors the same way.

#include <yaml-cpp/yaml.h>

#include <string>

#include "core/errors.h"

namespace jobtuner::core {

/// Where a YAML mark is in `file` (1-based line and column); the file alone when it is unknown.
SourceLocation yamlLocation(const std::string& file, const YAML::Mark& mark);

/// Parses one YAML document. A syntax error becomes a UserError at its place.
YAML::Node loadYaml(const std::string& text, const std::string& file);

}  // namespace jobtuner::core

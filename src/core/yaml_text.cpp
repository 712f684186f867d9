#include "core/yaml_text.h"

namespace jobtuner::core {

SourceLocation yamlLocation(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return SourceLocation{file};
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

YAML::Node loadYaml(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw UserError(yamlLocation(file, error.mark), "YAML syntax error: " + error.msg,
                    "check the indentation and quoting near this place");
  }
}

}  // namespace jobtuner::core

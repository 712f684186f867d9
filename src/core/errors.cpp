#include "core/errors.h"

namespace jobtuner::core {

std::string SourceLocation::toString() const {
  std::string text = file;
  if (line > 0) {
    text += ":" + std::to_string(line);
    if (column > 0) text += ":" + std::to_string(column);
  }
  return text;
}

UserError::UserError(SourceLocation location, const std::string& message, std::string hint)
    : std::runtime_error(location.file.empty() ? message : location.toString() + ": " + message),
      location_(std::move(location)),
      message_(message),
      hint_(std::move(hint)) {}

std::string UserError::render() const {
  std::string text = what();
  if (!hint_.empty()) text += "\n  " + hint_;
  return text;
}

}  // namespace jobtuner::core

#pragma once

// The report templates (reports/templates/: Mustache pages and partials, the stylesheet and the
// script), compiled into the binary by cmake/EmbedTextFiles.cmake.

#include <string>
#include <vector>

namespace jobtuner::reports {

struct TemplateText {
  std::string name;  // the file name under reports/templates/: "run_report.mustache", "report.css"
  std::string text;
};

/// Every template file, sorted by name.
const std::vector<TemplateText>& reportTemplateFiles();

}  // namespace jobtuner::reports

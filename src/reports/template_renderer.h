#pragma once

// Renders a report page: a Mustache template from reports/templates/ filled from a JSON context.
// Every {{value}} is escaped for HTML text and attributes alike (also in inline SVG), so values
// from event logs and job files cannot open a tag or leave an attribute. Every page gets the
// stylesheet and script as {{{style}}} and {{{script}}} and the Content-Security-Policy that allows
// exactly those two blocks as {{csp}}.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace jobtuner::reports {

/// Escapes & < > " ' ` = for HTML text and quoted or unquoted attribute values.
std::string escapeHtml(std::string_view text);

/// Renders `page` ("run_report.mustache") with the partials (every other .mustache file, by its
/// name without the extension). Numbers render as JSON writes them; null, "", false and 0 are false in a section.
std::string renderPage(const std::string& page, const nlohmann::ordered_json& context);

}  // namespace jobtuner::reports

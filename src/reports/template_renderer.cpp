#include "reports/template_renderer.h"

#include <mstch/mstch.hpp>

#include <climits>
#include <map>
#include <stdexcept>

#include "reports/content_security_policy.h"
#include "reports/report_templates.h"

namespace jobtuner::reports {

namespace {

const std::string& templateText(const std::string& name) {
  for (const TemplateText& file : reportTemplateFiles()) {
    if (file.name == name) return file.text;
  }
  throw std::logic_error("no report template " + name);
}

std::map<std::string, std::string> partials() {
  std::map<std::string, std::string> result;
  const std::string extension = ".mustache";
  for (const TemplateText& file : reportTemplateFiles()) {
    if (file.name.size() > extension.size() && file.name.ends_with(extension)) {
      result[file.name.substr(0, file.name.size() - extension.size())] = file.text;
    }
  }
  return result;
}

mstch::node toNode(const nlohmann::ordered_json& value) {
  switch (value.type()) {
    case nlohmann::ordered_json::value_t::object: {
      mstch::map map;
      for (const auto& [key, item] : value.items()) map.emplace(key, toNode(item));
      return map;
    }
    case nlohmann::ordered_json::value_t::array: {
      mstch::array array;
      array.reserve(value.size());
      for (const auto& item : value) array.push_back(toNode(item));
      return array;
    }
    case nlohmann::ordered_json::value_t::string:
      return value.get<std::string>();
    case nlohmann::ordered_json::value_t::boolean:
      return value.get<bool>();
    case nlohmann::ordered_json::value_t::null:
      return std::string();
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
      // As an integer node, 0 is false in a section ({{#failed}}...{{/failed}}), as in Mustache.
      if (value.get<int64_t>() >= INT32_MIN && value.get<int64_t>() <= INT32_MAX) return static_cast<int>(value.get<int64_t>());
      return value.dump();
    default:
      return value.dump();  // other numbers: as JSON writes them
  }
}

}  // namespace

std::string escapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '`': out += "&#96;"; break;
      case '=': out += "&#61;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string renderPage(const std::string& page, const nlohmann::ordered_json& context) {
  // mstch's own escape leaves = and ` alone; ours covers unquoted attributes too.
  mstch::config::escape = [](const std::string& text) { return escapeHtml(text); };
  const std::string& style = templateText("report.css");
  const std::string& script = templateText("report.js");
  nlohmann::ordered_json full = context;
  full["style"] = style;
  full["script"] = script;
  full["csp"] = contentSecurityPolicy(script, style);
  return mstch::render(templateText(page), toNode(full), partials());
}

}  // namespace jobtuner::reports

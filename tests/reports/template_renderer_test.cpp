#include "reports/template_renderer.h"

#include <catch2/catch.hpp>

#include "reports/content_security_policy.h"
#include "reports/report_templates.h"
#include "reports/svg_chart.h"

using jobtuner::reports::escapeHtml;
using jobtuner::reports::renderPage;
using json = nlohmann::ordered_json;

TEST_CASE("escapeHtml leaves no character that could open a tag or leave an attribute", "[reports]") {
  std::string escaped = escapeHtml("\"><img src=x onerror=alert(2)> </title><script>alert('3')</script> `a` & b");
  for (char c : std::string("<>\"'`=")) {
    INFO(c);
    CHECK(escaped.find(c) == std::string::npos);
  }
  CHECK(escaped == "&quot;&gt;&lt;img src&#61;x onerror&#61;alert(2)&gt; &lt;/title&gt;&lt;script&gt;alert(&#39;3&#39;)&lt;/script&gt; "
                   "&#96;a&#96; &amp; b");
  CHECK(escapeHtml("plain text, 1.5 GiB") == "plain text, 1.5 GiB");
}

TEST_CASE("a chart renders every value escaped, in SVG text and hover titles", "[reports]") {
  json chart = {{"id", "chart-x"},
                {"title", "<b>t</b>"},
                {"caption", "c"},
                {"width", "100"},
                {"height", "50"},
                {"empty", false},
                {"emptyText", ""},
                {"rects", json::array({{{"x", "1"}, {"y", "2"}, {"w", "3"}, {"h", "4"}, {"cls", "c1"}, {"title", "key \"><script>"}}})},
                {"lines", json::array()},
                {"texts", json::array({{{"x", "0"}, {"y", "0"}, {"anchor", "start"}, {"cls", "label"}, {"text", "</text><script>"}}})},
                {"circles", json::array()},
                {"legend", json::array({{{"cls", "c1"}, {"text", "stage <1>"}}})},
                {"hasLegend", true}};
  std::string svg = renderPage("chart.mustache", chart);
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(svg.find("<title>key &quot;&gt;&lt;script&gt;</title>") != std::string::npos);
  CHECK(svg.find("&lt;/text&gt;&lt;script&gt;") != std::string::npos);
  CHECK(svg.find("stage &lt;1&gt;") != std::string::npos);
  CHECK(svg.find("<rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" class=\"c1\">") != std::string::npos);
}

TEST_CASE("a page's policy hashes exactly the style and script it inlines", "[reports]") {
  std::string css, js;
  for (const auto& file : jobtuner::reports::reportTemplateFiles()) {
    if (file.name == "report.css") css = file.text;
    if (file.name == "report.js") js = file.text;
  }
  REQUIRE_FALSE(css.empty());
  REQUIRE_FALSE(js.empty());
  std::string page = renderPage("page_head.mustache", json{{"pageTitle", "t"}, {"version", "1"}});
  CHECK(page.find("<style>" + css + "</style>") != std::string::npos);
  CHECK(page.find(escapeHtml(jobtuner::reports::contentSecurityPolicy(js, css))) != std::string::npos);
}

TEST_CASE("the stylesheet styles every class a chart may use", "[reports]") {
  std::string css;
  for (const auto& file : jobtuner::reports::reportTemplateFiles()) {
    if (file.name == "report.css") css = file.text;
  }
  for (std::string_view name : jobtuner::reports::kChartClasses) {
    INFO(name);
    CHECK(css.find("." + std::string(name) + "{") != std::string::npos);
  }
}

#pragma once

// A chart of a report as data: the geometry of an inline SVG (rectangles, lines, texts, circles in
// a viewBox), computed here and drawn by the report's template, which writes the markup and
// escapes every text. No markup is built in C++.
//
// Colours are CSS classes the template's stylesheet defines (kChartClasses); every class a chart
// colours with is named in words in its legend, so no meaning rests on colour alone.

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace jobtuner::reports {

struct SvgChart {
  struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    std::string cls;
    std::string title;  // hover text; may be empty
  };
  struct Line {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    std::string cls;
  };
  struct Text {
    double x = 0, y = 0;
    std::string anchor = "start";  // "start", "middle" or "end" (SVG text-anchor)
    std::string cls;
    std::string text;
  };
  struct Circle {
    double cx = 0, cy = 0, r = 0;
    std::string cls;
    std::string title;
  };
  struct LegendItem {
    std::string cls;
    std::string text;
  };

  std::string id;       // the HTML id findings link to ("chart-timeline", "chart-partitions-3")
  std::string title;    // "Executor timeline"
  std::string caption;  // what it shows, and how it was aggregated when it was
  double width = 960;   // the viewBox
  double height = 0;
  std::vector<Rect> rects;
  std::vector<Line> lines;
  std::vector<Text> texts;
  std::vector<Circle> circles;
  std::vector<LegendItem> legend;
  std::string emptyText;  // non-empty when there is nothing to draw ("no task ran")
};

/// Every CSS class a chart may use; the template's stylesheet styles each of them.
inline constexpr std::array<std::string_view, 33> kChartClasses = {
    // Stages, by stageClass().
    "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9",
    // Tasks: failed or killed (red outline), speculative (dashed outline), no end recorded.
    "failed", "speculative", "unfinished",
    // Frame.
    "axis", "grid", "label", "tick",
    // Marks.
    "limit", "box", "whisker", "median", "outlier", "bar", "hot", "spill-memory", "spill-disk", "gc", "peak",
    // An executor's end: lost against the app's will, or removed on purpose before the app ended.
    "lost", "removed",
    // Sparklines: the trend line, a run, the latest run.
    "trend", "point", "last-point"};

/// The categorical colour of a stage, "c0".."c9", so a stage has one colour in every chart.
std::string stageClass(int32_t stageId);

/// `text` made safe to show: valid UTF-8 (a bad byte becomes U+FFFD), control characters as spaces
/// (newlines kept when `keepNewlines`, for hover titles), and at most `maxCharacters` characters,
/// cut with "…". Names from event logs and keys from data pass through here.
std::string chartText(std::string_view text, size_t maxCharacters, bool keepNewlines = false);

/// A coordinate as the page carries it: at most one decimal, no trailing ".0", "0" for NaN or
/// infinity (which a chart never means to draw).
std::string svgNumber(double value);

/// The chart as the template reads it: numbers as svgNumber strings, texts as valid UTF-8 without
/// control characters (newlines in hover titles are kept), and "empty" true when emptyText is set.
nlohmann::ordered_json toJson(const SvgChart& chart);

}  // namespace jobtuner::reports

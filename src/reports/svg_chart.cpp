#include "reports/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace jobtuner::reports {

namespace {

// Any text longer than this is cut in the page, whatever the chart asked: a hover title listing
// a whole stage's details must not make the page grow without bound.
constexpr size_t kMaxTextCharacters = 2000;

/// The length of the valid UTF-8 sequence at the start of `text` (rejecting overlong forms,
/// surrogates and code points past U+10FFFF), or 0 when it is not one.
size_t validSequenceLength(std::string_view text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

nlohmann::ordered_json number(double value) { return svgNumber(value); }

}  // namespace

std::string stageClass(int32_t stageId) { return "c" + std::to_string(((stageId % 10) + 10) % 10); }

std::string chartText(std::string_view text, size_t maxCharacters, bool keepNewlines) {
  std::string safe;
  safe.reserve(std::min(text.size(), maxCharacters * 4));
  size_t characters = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (characters == maxCharacters) {
      // The last character gives way to the ellipsis, so the result keeps maxCharacters.
      if (maxCharacters > 0) {
        size_t cut = safe.size();
        while (cut > 0 && (static_cast<unsigned char>(safe[cut - 1]) & 0xC0) == 0x80) --cut;
        safe.resize(cut > 0 ? cut - 1 : 0);
      }
      safe += "…";
      break;
    }
    size_t length = validSequenceLength(text.substr(i));
    if (length == 0) {
      safe += "\uFFFD";
      ++i;
    } else {
      unsigned char c = static_cast<unsigned char>(text[i]);
      bool control = length == 1 && (c < 0x20 || c == 0x7F);
      // C1 controls (U+0080..U+009F) are as invisible as C0 ones.
      bool c1Control = length == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
      if (control && c == '\n' && keepNewlines) {
        safe += '\n';
      } else if (control || c1Control) {
        safe += ' ';
      } else {
        safe.append(text.substr(i, length));
      }
      i += length;
    }
    ++characters;
  }
  return safe;
}

std::string svgNumber(double value) {
  if (!std::isfinite(value)) return "0";
  // Coordinates live in a viewBox of a few thousand units; anything past this is a bug upstream
  // and is pinned rather than written with twenty digits.
  constexpr double kLimit = 1e9;
  value = std::clamp(value, -kLimit, kLimit);
  double tenths = std::round(value * 10.0);
  if (tenths == 0) return "0";  // also turns -0.04 into "0", not "-0"
  std::string text = fmt::format("{:.1f}", tenths / 10.0);
  if (text.ends_with(".0")) text.resize(text.size() - 2);
  return text;
}

nlohmann::ordered_json toJson(const SvgChart& chart) {
  auto text = [](const std::string& value) { return chartText(value, kMaxTextCharacters); };
  auto title = [](const std::string& value) { return chartText(value, kMaxTextCharacters, true); };
  nlohmann::ordered_json out;
  out["id"] = text(chart.id);
  out["title"] = text(chart.title);
  out["caption"] = text(chart.caption);
  out["width"] = number(chart.width);
  out["height"] = number(chart.height);
  nlohmann::ordered_json rects = nlohmann::ordered_json::array();
  for (const SvgChart::Rect& r : chart.rects) {
    rects.push_back({{"x", number(r.x)}, {"y", number(r.y)}, {"w", number(r.w)}, {"h", number(r.h)},
                     {"cls", text(r.cls)}, {"title", title(r.title)}});
  }
  out["rects"] = std::move(rects);
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const SvgChart::Line& l : chart.lines) {
    lines.push_back({{"x1", number(l.x1)}, {"y1", number(l.y1)}, {"x2", number(l.x2)}, {"y2", number(l.y2)},
                     {"cls", text(l.cls)}});
  }
  out["lines"] = std::move(lines);
  nlohmann::ordered_json texts = nlohmann::ordered_json::array();
  for (const SvgChart::Text& t : chart.texts) {
    texts.push_back({{"x", number(t.x)}, {"y", number(t.y)}, {"anchor", text(t.anchor)}, {"cls", text(t.cls)},
                     {"text", text(t.text)}});
  }
  out["texts"] = std::move(texts);
  nlohmann::ordered_json circles = nlohmann::ordered_json::array();
  for (const SvgChart::Circle& c : chart.circles) {
    circles.push_back({{"cx", number(c.cx)}, {"cy", number(c.cy)}, {"r", number(c.r)}, {"cls", text(c.cls)},
                       {"title", title(c.title)}});
  }
  out["circles"] = std::move(circles);
  nlohmann::ordered_json legend = nlohmann::ordered_json::array();
  for (const SvgChart::LegendItem& item : chart.legend) legend.push_back({{"cls", text(item.cls)}, {"text", text(item.text)}});
  out["legend"] = std::move(legend);
  out["empty"] = !chart.emptyText.empty();
  out["emptyText"] = text(chart.emptyText);
  return out;
}

}  // namespace jobtuner::reports

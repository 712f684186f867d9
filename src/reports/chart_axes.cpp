#include "reports/chart_axes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "reports/chart_labels.h"

namespace jobtuner::reports {

namespace {

constexpr double kSecond = 1000;
constexpr double kMinute = 60 * kSecond;
constexpr double kHour = 60 * kMinute;
constexpr double kDay = 24 * kHour;

// Room under an axis for its tick labels, and for its title below them.
constexpr double kTickLabelDrop = 13;
constexpr double kAxisTitleDrop = 26;

double finiteOr(double value, double fallback) { return std::isfinite(value) ? value : fallback; }

/// The smallest step of `steps` that reaches maxValue in at most most - 1 steps; past the last
/// (absurd values from a damaged log), an even split, so the tick count stays bounded.
double firstStepThatFits(const std::vector<double>& steps, double maxValue, size_t most) {
  const double intervals = static_cast<double>(std::max<size_t>(most, 2) - 1);
  for (double step : steps) {
    if (maxValue / step <= intervals) return step;
  }
  return maxValue / intervals;
}

/// Ticks at 0, step, 2 step, ... up to the first at or past maxValue.
template <typename Label>
std::vector<Tick> evenTicks(double maxValue, double step, Label label) {
  std::vector<Tick> ticks;
  const double last = std::max(step, std::ceil(maxValue / step - 1e-9) * step);
  for (int i = 0; static_cast<double>(i) * step <= last + step * 1e-9; ++i) {
    double value = static_cast<double>(i) * step;
    ticks.push_back({value, value == 0 ? "0" : label(value)});
  }
  return ticks;
}

/// A duration in the unit of the axis's step, so ticks 15 s apart read "60 s", "75 s" rather than
/// "1 min", "1.2 min".
std::string durationInUnitOf(double ms, double step) {
  struct Unit {
    double ms;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{kDay, "d"}, {kHour, "h"}, {kMinute, "min"}, {kSecond, "s"}, {1, "ms"}};
  for (const Unit& unit : kUnits) {
    if (step >= unit.ms) {
      std::string text = fmt::format("{:.1f}", ms / unit.ms);
      if (text.ends_with(".0")) text.resize(text.size() - 2);
      return text + " " + unit.name;
    }
  }
  return shortDuration(ms);
}

/// 1, 2, 5, 10, 20, 50, ... times `unit`, up to the factor `upTo`.
void addDecades(std::vector<double>& steps, double unit, double upTo) {
  for (double decade = 1; decade <= upTo; decade *= 10) {
    for (double factor : {1.0, 2.0, 5.0}) {
      if (decade * factor <= upTo) steps.push_back(unit * decade * factor);
    }
  }
}

std::string countLabel(double value) { return formatCount(static_cast<int64_t>(std::llround(value))); }

}  // namespace

Scale::Scale(bool logarithmic, double domainMin, double domainMax, double pixelStart, double pixelEnd)
    : logarithmic_(logarithmic),
      domainMin_(finiteOr(domainMin, 0)),
      domainMax_(finiteOr(domainMax, 1)),
      pixelStart_(finiteOr(pixelStart, 0)),
      pixelEnd_(finiteOr(pixelEnd, 0)) {
  if (logarithmic_) domainMin_ = std::max(domainMin_, 1e-9);
  // An empty domain (every value alike) maps to the start rather than dividing by zero.
  if (!(domainMax_ > domainMin_)) domainMax_ = logarithmic_ ? domainMin_ * 10 : domainMin_ + 1;
}

Scale Scale::linear(double domainMin, double domainMax, double pixelStart, double pixelEnd) {
  return Scale(false, domainMin, domainMax, pixelStart, pixelEnd);
}

Scale Scale::logarithmic(double domainMin, double domainMax, double pixelStart, double pixelEnd) {
  return Scale(true, domainMin, domainMax, pixelStart, pixelEnd);
}

double Scale::operator()(double value) const {
  if (std::isnan(value)) value = domainMin_;
  value = std::clamp(value, domainMin_, domainMax_);
  double share = logarithmic_ ? std::log10(value / domainMin_) / std::log10(domainMax_ / domainMin_)
                              : (value - domainMin_) / (domainMax_ - domainMin_);
  return pixelStart_ + share * (pixelEnd_ - pixelStart_);
}

std::vector<Tick> durationTicks(double maxMs, size_t most) {
  static const std::vector<double> kSteps = [] {
    std::vector<double> steps;
    addDecades(steps, 1, 500);  // 1 ms .. 500 ms
    for (double s : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0}) steps.push_back(s * kSecond);
    for (double m : {1.0, 2.0, 5.0, 10.0, 15.0, 30.0}) steps.push_back(m * kMinute);
    for (double h : {1.0, 2.0, 3.0, 6.0, 12.0}) steps.push_back(h * kHour);
    addDecades(steps, kDay, 1e9);
    return steps;
  }();
  maxMs = std::max(1.0, finiteOr(maxMs, 1));
  const double step = firstStepThatFits(kSteps, maxMs, most);
  return evenTicks(maxMs, step, [step](double ms) { return durationInUnitOf(ms, step); });
}

std::vector<Tick> logDurationTicks(double minMs, double maxMs) {
  static const std::vector<double> kMarks = [] {
    std::vector<double> marks = {1, 10, 100, kSecond, 10 * kSecond, kMinute, 10 * kMinute, kHour, 10 * kHour};
    for (double days = 1; days <= 1e9; days *= 10) marks.push_back(days * kDay);
    return marks;
  }();
  std::vector<Tick> ticks;
  for (double mark : kMarks) {
    // A little slack, so a domain that starts at 1.0001 ms still shows its 1 ms tick.
    if (mark >= minMs * 0.999 && mark <= maxMs * 1.001) ticks.push_back({mark, shortDuration(mark)});
  }
  return ticks;
}

std::vector<Tick> byteTicks(double maxBytes, size_t most) {
  static const std::vector<double> kSteps = [] {
    std::vector<double> steps;
    for (double unit = 1; unit <= 1e18; unit *= 1024) addDecades(steps, unit, 500);
    return steps;
  }();
  maxBytes = std::max(1.0, finiteOr(maxBytes, 1));
  return evenTicks(maxBytes, firstStepThatFits(kSteps, maxBytes, most), [](double bytes) { return shortBytes(bytes); });
}

std::vector<Tick> countTicks(double maxCount, size_t most) {
  static const std::vector<double> kSteps = [] {
    std::vector<double> steps;
    addDecades(steps, 1, 1e18);
    return steps;
  }();
  maxCount = std::max(1.0, finiteOr(maxCount, 1));
  return evenTicks(maxCount, firstStepThatFits(kSteps, maxCount, most), countLabel);
}

void drawBottomAxis(SvgChart& chart, const Scale& x, const std::vector<Tick>& ticks, double gridTop, double axisY,
                    const std::string& title) {
  const double left = std::min(x.pixelStart(), x.pixelEnd());
  const double right = std::max(x.pixelStart(), x.pixelEnd());
  for (const Tick& tick : ticks) {
    double at = x(tick.value);
    // Without a grid (gridTop at the axis), a short mark under the axis shows where the tick is.
    if (gridTop < axisY) {
      chart.lines.push_back({at, gridTop, at, axisY, "grid"});
    } else {
      chart.lines.push_back({at, axisY, at, axisY + 4, "tick"});
    }
    // Labels at the plot's ends lean inwards, so none runs past the chart.
    std::string anchor = at <= left + 1 ? "start" : at >= right - 1 ? "end" : "middle";
    chart.texts.push_back({at, axisY + kTickLabelDrop, anchor, "label", tick.label});
  }
  chart.lines.push_back({left, axisY, right, axisY, "axis"});
  if (!title.empty()) chart.texts.push_back({right, axisY + kAxisTitleDrop, "end", "label", title});
}

void drawLeftAxis(SvgChart& chart, const Scale& y, const std::vector<Tick>& ticks, double axisX, double gridRight) {
  for (const Tick& tick : ticks) {
    double at = y(tick.value);
    chart.lines.push_back({axisX, at, gridRight, at, "grid"});
    chart.texts.push_back({axisX - 4, at + 4, "end", "label", tick.label});
  }
  chart.lines.push_back({axisX, std::min(y.pixelStart(), y.pixelEnd()), axisX, std::max(y.pixelStart(), y.pixelEnd()), "axis"});
}

}  // namespace jobtuner::reports

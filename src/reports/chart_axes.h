#pragma once

// Scales and axes shared by the charts: how a value becomes a pixel, where ticks go (at steps a
// person reads: 30 s, 1 min, 512 MB) and how an axis is drawn into an SvgChart.

#include <string>
#include <vector>

#include "reports/svg_chart.h"

namespace jobtuner::reports {

/// Maps values onto pixels along one axis, linearly or in base-10 logarithm. Values outside the
/// domain are pinned to its ends and NaN goes to the start, so nothing is drawn outside the plot.
/// The pixel range may run backwards (a vertical axis growing upwards).
class Scale {
 public:
  static Scale linear(double domainMin, double domainMax, double pixelStart, double pixelEnd);
  /// domainMin is raised to a positive value if it is not one.
  static Scale logarithmic(double domainMin, double domainMax, double pixelStart, double pixelEnd);

  double operator()(double value) const;
  bool isLogarithmic() const { return logarithmic_; }
  double domainMin() const { return domainMin_; }
  double domainMax() const { return domainMax_; }
  double pixelStart() const { return pixelStart_; }
  double pixelEnd() const { return pixelEnd_; }

 private:
  Scale(bool logarithmic, double domainMin, double domainMax, double pixelStart, double pixelEnd);
  bool logarithmic_ = false;
  double domainMin_ = 0, domainMax_ = 1, pixelStart_ = 0, pixelEnd_ = 1;
};

struct Tick {
  double value = 0;
  std::string label;
};

/// Ticks from 0 to at least maxMs at a human step (100 ms, 1 s, 15 s, 1 min, 5 min, 1 h, ...),
/// at most `most` of them, labelled in the step's unit ("45 s", "60 s", "75 s"). The last tick is the first step at or past
/// maxMs, so a scale's domain can end on it.
std::vector<Tick> durationTicks(double maxMs, size_t most = 8);

/// Ticks for a logarithmic duration scale: 1 ms, 10 ms, 100 ms, 1 s, 10 s, 1 min, 10 min, 1 h,
/// 10 h, ... within [minMs, maxMs].
std::vector<Tick> logDurationTicks(double minMs, double maxMs);

/// Ticks from 0 to at least maxBytes at 1, 2 or 5 times a power of 1024's unit (KB, MB, GB, ...).
std::vector<Tick> byteTicks(double maxBytes, size_t most = 6);

/// Ticks from 0 to at least maxCount at 1, 2 or 5 times a power of ten, labelled "1,000".
std::vector<Tick> countTicks(double maxCount, size_t most = 6);

/// A horizontal axis along the bottom of a plot: a grid line per tick from `gridTop` down to
/// `axisY` (a short mark under the axis instead when gridTop is not above it), the axis line, tick
/// labels under it and, when given, the axis's title at its right end.
void drawBottomAxis(SvgChart& chart, const Scale& x, const std::vector<Tick>& ticks, double gridTop, double axisY,
                    const std::string& title = "");

/// A vertical axis along the left of a plot: a grid line per tick from `axisX` to `gridRight`, the
/// axis line and tick labels left of it.
void drawLeftAxis(SvgChart& chart, const Scale& y, const std::vector<Tick>& ticks, double axisX, double gridRight);

}  // namespace jobtuner::reports

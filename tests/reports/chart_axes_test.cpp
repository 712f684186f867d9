#include "reports/chart_axes.h"

#include <catch2/catch.hpp>

#include <limits>

using namespace jobtuner::reports;

namespace {

std::vector<std::string> labels(const std::vector<Tick>& ticks) {
  std::vector<std::string> out;
  for (const Tick& tick : ticks) out.push_back(tick.label);
  return out;
}

}  // namespace

TEST_CASE("a scale maps its domain onto its pixels and pins what lies outside", "[reports]") {
  Scale linear = Scale::linear(0, 100, 10, 210);
  CHECK(linear(0) == 10);
  CHECK(linear(50) == 110);
  CHECK(linear(100) == 210);
  CHECK(linear(-5) == 10);
  CHECK(linear(1e30) == 210);
  CHECK(linear(std::numeric_limits<double>::quiet_NaN()) == 10);

  Scale upwards = Scale::linear(0, 10, 100, 0);  // a vertical axis: larger values higher
  CHECK(upwards(10) == 0);
  CHECK(upwards(5) == 50);

  Scale log = Scale::logarithmic(1, 1000, 0, 300);
  CHECK(log(1) == Approx(0));
  CHECK(log(10) == Approx(100));
  CHECK(log(1000) == Approx(300));
  CHECK(log(0) == Approx(0));  // zero has no logarithm: pinned to the start

  Scale flat = Scale::linear(5, 5, 0, 100);  // every value alike
  CHECK(flat(5) == 0);
}

TEST_CASE("duration ticks fall on steps people read, labelled in the step's unit", "[reports]") {
  CHECK(labels(durationTicks(95'000)) == std::vector<std::string>{"0", "15 s", "30 s", "45 s", "60 s", "75 s", "90 s", "105 s"});
  CHECK(labels(durationTicks(10 * 60'000.0, 6)) == std::vector<std::string>{"0", "2 min", "4 min", "6 min", "8 min", "10 min"});
  CHECK(durationTicks(0).size() >= 2);
  // A damaged log's absurd span still gives a handful of ticks.
  CHECK(durationTicks(1e300, 8).size() <= 9);
  CHECK(labels(logDurationTicks(3, 200'000)) == std::vector<std::string>{"10 ms", "100 ms", "1 s", "10 s", "1 min"});
}

TEST_CASE("byte and count ticks", "[reports]") {
  const double gib = 1024.0 * 1024 * 1024;
  CHECK(labels(byteTicks(3 * gib)) == std::vector<std::string>{"0", "1 GB", "2 GB", "3 GB"});
  CHECK(byteTicks(900.0 * 1024 * 1024).back().value >= 900.0 * 1024 * 1024);
  CHECK(labels(countTicks(1000, 6)) == std::vector<std::string>{"0", "200", "400", "600", "800", "1,000"});
}

TEST_CASE("a bottom axis draws its grid, its line and labels that stay inside the plot", "[reports]") {
  SvgChart chart;
  chart.height = 100;
  Scale x = Scale::linear(0, 60'000, 100, 900);
  drawBottomAxis(chart, x, durationTicks(60'000, 4), 10, 80, "time");
  REQUIRE(chart.texts.size() == 4);  // 0, 30 s, 60 s and the title
  CHECK(chart.texts.front().anchor == "start");
  CHECK(chart.texts[1].anchor == "middle");
  CHECK(chart.texts[1].text == "30 s");
  CHECK(chart.texts[2].anchor == "end");
  CHECK(chart.texts[2].x == 900);
  CHECK(chart.texts.back().text == "time");
  CHECK(chart.lines.back().cls == "axis");
}

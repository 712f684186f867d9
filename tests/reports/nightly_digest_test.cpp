#include "reports/nightly_digest.h"

#include <catch2/catch.hpp>

#include "reports/trend_sparkline.h"

using jobtuner::reports::isRegression;

TEST_CASE("a run regresses when it fails after a success or runs well over the earlier median", "[reports]") {
  CHECK(isRegression({10, 11, 12}, true, 20, true));
  CHECK_FALSE(isRegression({10, 11, 12}, true, 13, true));   // within 25% of the median (11)
  CHECK_FALSE(isRegression({10}, true, 30, true));           // one earlier run says too little
  CHECK(isRegression({10}, true, 5, false));                 // failed after a success
  CHECK_FALSE(isRegression({}, false, 5, false));            // it never succeeded
}

TEST_CASE("a sparkline spreads the runs over its width, oldest first, and marks the last", "[reports]") {
  auto chart = jobtuner::reports::trendSparkline({{10, "a: 10 s", false}, {20, "b: 20 s", false}, {5, "c: 5 s", true}}, "t", "wall time");
  REQUIRE(chart.circles.size() == 3);
  REQUIRE(chart.lines.size() == 2);
  CHECK(chart.circles[0].cx < chart.circles[1].cx);
  CHECK(chart.circles[1].cy < chart.circles[0].cy);  // higher value, higher up
  CHECK(chart.circles[2].cls == "outlier");           // a failed run
  CHECK(chart.circles[1].title == "b: 20 s");
  for (const auto& circle : chart.circles) {
    CHECK(circle.cx >= 0);
    CHECK(circle.cx <= chart.width);
    CHECK(circle.cy >= 0);
    CHECK(circle.cy <= chart.height);
  }
  CHECK_FALSE(jobtuner::reports::trendSparkline({}, "t", "cost").emptyText.empty());
}

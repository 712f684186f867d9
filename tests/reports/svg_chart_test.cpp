#include "reports/svg_chart.h"

#include <catch2/catch.hpp>

#include <limits>

#include "reports/chart_labels.h"

using namespace jobtuner::reports;

TEST_CASE("svgNumber writes at most one decimal and never NaN or infinity", "[reports]") {
  CHECK(svgNumber(2.0) == "2");
  CHECK(svgNumber(12.34) == "12.3");
  CHECK(svgNumber(12.36) == "12.4");
  CHECK(svgNumber(959.96) == "960");
  CHECK(svgNumber(-3.14) == "-3.1");
  CHECK(svgNumber(-0.04) == "0");
  CHECK(svgNumber(0.0) == "0");
  CHECK(svgNumber(std::numeric_limits<double>::quiet_NaN()) == "0");
  CHECK(svgNumber(std::numeric_limits<double>::infinity()) == "0");
  CHECK(svgNumber(-std::numeric_limits<double>::infinity()) == "0");
  CHECK(svgNumber(1e300) == "1000000000");
}

TEST_CASE("stageClass gives a stage one of ten colours", "[reports]") {
  CHECK(stageClass(0) == "c0");
  CHECK(stageClass(13) == "c3");
  CHECK(stageClass(-1) == "c9");
}

TEST_CASE("chartText makes untrusted names safe to show", "[reports]") {
  SECTION("invalid UTF-8 becomes the replacement character") {
    CHECK(chartText("a\xff" "b", 10) == "a\uFFFD" "b");
    CHECK(chartText("\xc3", 10) == "\uFFFD");          // cut sequence
    CHECK(chartText("\xed\xa0\x80", 10) == "\uFFFD\uFFFD\uFFFD");  // a surrogate
    CHECK(chartText("\xc0\xaf", 10) == "\uFFFD\uFFFD");  // overlong '/'
  }
  SECTION("control characters become spaces; newlines only where asked") {
    CHECK(chartText("a\x1b[31mb", 20) == "a [31mb");
    CHECK(chartText("a\nb", 10) == "a b");
    CHECK(chartText("a\nb", 10, true) == "a\nb");
    CHECK(chartText("a\xc2\x85" "b", 10) == "a b");  // U+0085, a C1 control
  }
  SECTION("long text is cut on a character with an ellipsis") {
    CHECK(chartText("abcdef", 4) == "abc…");
    CHECK(chartText("ééééé", 3) == "éé…");
    CHECK(chartText("abc", 3) == "abc");
    CHECK(chartText("日本語テキスト", 4) == "日本語…");
  }
}

TEST_CASE("toJson carries the chart as the template reads it", "[reports]") {
  SvgChart chart;
  chart.id = "chart-x";
  chart.title = "X";
  chart.caption = "what it shows";
  chart.height = 100.04;
  chart.rects.push_back({1.25, 2, 3.5, 4, "c1 failed", "task 1\nstage \xff"});
  chart.lines.push_back({0, 1, 2, 3, "grid"});
  chart.texts.push_back({5, 6, "end", "label", "exec 1"});
  chart.circles.push_back({7, 8, 3, "outlier", "slow"});
  chart.legend.push_back({"c1", "stage 1"});
  nlohmann::ordered_json json = toJson(chart);

  std::vector<std::string> keys;
  for (const auto& [key, value] : json.items()) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{"id", "title", "caption", "width", "height", "rects", "lines", "texts", "circles",
                                         "legend", "empty", "emptyText"});
  CHECK(json["width"] == "960");
  CHECK(json["height"] == "100");
  CHECK(json["rects"][0]["x"] == "1.3");  // 12.5 tenths round away from zero
  CHECK(json["rects"][0]["cls"] == "c1 failed");
  CHECK(json["rects"][0]["title"] == "task 1\nstage \uFFFD");
  CHECK(json["lines"][0] == nlohmann::ordered_json{{"x1", "0"}, {"y1", "1"}, {"x2", "2"}, {"y2", "3"}, {"cls", "grid"}});
  CHECK(json["texts"][0]["anchor"] == "end");
  CHECK(json["circles"][0]["r"] == "3");
  CHECK(json["legend"][0]["text"] == "stage 1");
  CHECK(json["empty"] == false);
  CHECK_NOTHROW(json.dump());

  chart.emptyText = "no task ran";
  CHECK(toJson(chart)["empty"] == true);
}

TEST_CASE("chart labels read the same everywhere", "[reports]") {
  CHECK(shortBytes(1024.0 * 1024 * 1024) == "1 GB");
  CHECK(shortBytes(1.5 * 1024 * 1024 * 1024) == "1.5 GB");
  CHECK(shortBytes(512) == "512 B");
  CHECK(shortDuration(2300) == "2.3 s");
  CHECK(shortDuration(240'000) == "4 min");
  CHECK(shortDuration(850) == "850 ms");
  CHECK(formatCount(100000) == "100,000");
  CHECK(formatCount(999) == "999");
  CHECK(formatCount(-1234) == "-1,234");
  CHECK(countOf(1, "task") == "1 task");
  CHECK(countOf(2500, "task") == "2,500 tasks");
  CHECK(executorIdLess("driver", "1"));
  CHECK(executorIdLess("2", "10"));
  CHECK(executorIdLess("10", "abc"));
  CHECK(!executorIdLess("10", "2"));
  CHECK(executorIdLess("007", "7") != executorIdLess("7", "007"));  // two executors, not one
}

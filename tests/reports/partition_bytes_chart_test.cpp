#include "reports/partition_bytes_chart.h"

#include <catch2/catch.hpp>

#include "reports/chart_samples.h"

using namespace jobtuner;
using namespace jobtuner::reports;
using namespace jobtuner::reports::samples;

namespace {

constexpr int64_t kMiB = 1024 * 1024;

/// A map stage 2 writing 100 MiB, and its reduce stage 3 of `partitions` partitions reading 1 MiB
/// each but partition `hot`, which reads `hotBytes`.
struct SkewedShuffle {
  core::AppAttempt app = sampleApp(2, 4);
  std::vector<core::TaskAttempt> tasks;

  SkewedShuffle(int partitions, int hot, int64_t hotBytes) {
    app.stages.push_back(sampleStage(2, "map at Orders.scala:10"));
    app.stages.push_back(sampleStage(3, "reduce at Orders.scala:20", {2}));
    app.shuffleKeys = {{0, 2, "customer-7", 10, 2 * kMiB}, {0, 2, "customer-42", 1000, 51 * kMiB}, {0, 9, "elsewhere", 1, 90 * kMiB}};
    int64_t id = 0;
    for (int i = 0; i < 10; ++i) {
      core::TaskAttempt map = sampleTask(id++, 2, i, "1", 0, 1'000);
      map.metrics.shuffleBytesWritten = 10 * kMiB;
      tasks.push_back(map);
    }
    for (int i = 0; i < partitions; ++i) {
      core::TaskAttempt reduce = sampleTask(id++, 3, i, std::to_string(i % 2 + 1), 2'000, 1'000);
      reduce.metrics.shuffleLocalBytesRead = i == hot ? hotBytes : kMiB;
      tasks.push_back(reduce);
    }
  }
};

}  // namespace

TEST_CASE("the hot partition is marked and the key behind it named", "[reports]") {
  SkewedShuffle shuffle(20, 13, 60 * kMiB);
  // A failed first attempt of partition 5 does not count: its retry does.
  core::TaskAttempt failed = sampleTask(500, 3, 5, "2", 2'000, 100);
  failed.status = core::TaskStatus::Failed;
  failed.metrics.shuffleLocalBytesRead = 99 * kMiB;
  shuffle.tasks.push_back(failed);

  SvgChart chart = partitionBytesChart(shuffle.app, shuffle.tasks, 3, 0);
  checkChartInvariants(chart);
  CHECK(chart.id == "chart-partitions-3");
  CHECK(chart.title == "Shuffle read per partition, stage 3.0 (reduce at Orders.scala:20)");
  REQUIRE(chart.rects.size() == 20);
  std::vector<SvgChart::Rect> hot = rectsWith(chart, "hot");
  REQUIRE(hot.size() == 1);
  CHECK(hot[0].cls == "bar hot");
  CHECK(hot[0].title.starts_with("partition 13: 60 MB (60.0× the median)"));
  // The hot bar is the tallest, the others all alike.
  for (const SvgChart::Rect& r : chart.rects) {
    if (r.cls == "bar") CHECK(r.h < hot[0].h / 50);
  }
  // Keys of the shuffle stage 3 reads (written by stage 2), heaviest first; 51 MiB of the 100 MiB
  // stage 2 wrote (more than the 79 MiB stage 3 read).
  const std::string keys = "heaviest keys: customer-42 (51% of the shuffle's bytes), customer-7 (2%)";
  CHECK(anyTextContains(chart, keys));
  CHECK(chart.caption.find(keys) != std::string::npos);
  CHECK(chart.caption.find("elsewhere") == std::string::npos);
  CHECK(chart.caption.find("20 partitions, median 1 MB, largest 60 MB (partition 13); 1 hot.") != std::string::npos);
  CHECK(anyTextContains(chart, "median 1 MB"));
}

TEST_CASE("past 300 partitions, neighbours share a bar that keeps the largest", "[reports]") {
  SkewedShuffle shuffle(2'000, 1'234, 80 * kMiB);
  SvgChart chart = partitionBytesChart(shuffle.app, shuffle.tasks, 3, 0);
  checkChartInvariants(chart);
  CHECK(chart.rects.size() <= 300);
  CHECK(chart.caption.find("Partitions grouped 7 to a bar") != std::string::npos);
  std::vector<SvgChart::Rect> hot = rectsWith(chart, "hot");
  REQUIRE(hot.size() == 1);
  CHECK(hot[0].title.find("largest 80 MB (partition 1234") != std::string::npos);
  CHECK(hot[0].title.starts_with("partitions 1232 to 1238"));
}

TEST_CASE("a partition without a successful task leaves a gap at its index", "[reports]") {
  SkewedShuffle shuffle(10, 3, 5 * kMiB);
  std::erase_if(shuffle.tasks, [](const core::TaskAttempt& t) { return t.stageId == 3 && t.index == 6; });
  core::TaskAttempt lost = sampleTask(900, 3, 6, "1", 2'000, 10);
  lost.status = core::TaskStatus::Killed;
  shuffle.tasks.push_back(lost);
  SvgChart chart = partitionBytesChart(shuffle.app, shuffle.tasks, 3, 0);
  checkChartInvariants(chart);
  REQUIRE(chart.rects.size() == 9);
  CHECK(chart.caption.find("1 partition without a successful task not drawn") != std::string::npos);
  // Partition 7 stands where 7 belongs, one slot of ten past the gap.
  const double slot = (chart.rects[1].x - chart.rects[0].x);
  CHECK(chart.rects[6].title.starts_with("partition 7:"));
  CHECK(chart.rects[6].x == Approx(chart.rects[0].x + 7 * slot));
}

TEST_CASE("a stage that read no shuffle has no partition chart", "[reports]") {
  SkewedShuffle shuffle(4, 0, kMiB);
  SvgChart map = partitionBytesChart(shuffle.app, shuffle.tasks, 2, 0);
  CHECK(map.emptyText == "stage 2.0 read no shuffle data");
  checkChartInvariants(map);
  CHECK(partitionBytesChart(shuffle.app, shuffle.tasks, 7, 0).emptyText == "no task of stage 7.0 ran");
  CHECK(partitionBytesChart(shuffle.app, {}, 3, 0).id == "chart-partitions-3");
}

TEST_CASE("keys from a damaged sketch are shown safely", "[reports]") {
  SkewedShuffle shuffle(5, 1, 30 * kMiB);
  shuffle.app.shuffleKeys = {{0, 2, std::string("bad\xff\n<script>") + std::string(200, 'x'), 1, 40 * kMiB}};
  SvgChart chart = partitionBytesChart(shuffle.app, shuffle.tasks, 3, 0);
  checkChartInvariants(chart);
  CHECK(anyTextContains(chart, "heaviest key: bad\uFFFD <script>xxx"));
  CHECK_NOTHROW(toJson(chart).dump());
}

TEST_CASE("100,000 partitions make a bounded partition chart", "[reports]") {
  SkewedShuffle shuffle(100'000, 77'777, 500 * kMiB);
  SvgChart chart = partitionBytesChart(shuffle.app, shuffle.tasks, 3, 0);
  checkChartInvariants(chart);
  CHECK(chart.rects.size() <= 300);
  CHECK(rectsWith(chart, "hot").size() == 1);
  CHECK(toJson(chart).dump().size() < 100'000);
}

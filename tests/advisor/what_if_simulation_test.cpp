#include "advisor/what_if_simulation.h"

#include <catch2/catch.hpp>

using namespace jobtuner::advisor;

TEST_CASE("the replay runs a stage's tasks on the free slots, first come first served", "[advisor][simulation]") {
  std::vector<SimulatedStage> stages = {{0, {}, {100, 100, 100, 100}}};
  CHECK(simulateStages(stages, 1).wallMs == Approx(400));
  CHECK(simulateStages(stages, 2).wallMs == Approx(200));
  CHECK(simulateStages(stages, 8).wallMs == Approx(100));
  SimulationResult two = simulateStages(stages, 2);
  CHECK(two.busySlotMs == Approx(400));
  CHECK(two.reservedSlotMs == Approx(400));
  CHECK(simulateStages(stages, 8).idleFraction() == Approx(0.5));
}

TEST_CASE("a stage starts when its parents end; independent stages share the slots", "[advisor][simulation]") {
  // 0 and 1 are independent maps; 2 reads both.
  std::vector<SimulatedStage> stages = {{0, {}, {300}}, {1, {}, {100, 100}}, {2, {0, 1}, {50, 50}}};
  SimulationResult result = simulateStages(stages, 2);
  CHECK(result.stageEndMs.at(1) == Approx(200));
  CHECK(result.stageEndMs.at(0) == Approx(300));
  CHECK(result.wallMs == Approx(350));
  // A skewed stage: one long task holds the stage however many slots there are.
  std::vector<SimulatedStage> skewed = {{0, {}, {1000, 10, 10, 10}}};
  CHECK(simulateStages(skewed, 4).wallMs == Approx(1000));
  CHECK(simulateStages(skewed, 1).wallMs == Approx(1030));
}

TEST_CASE("unknown parents count as done and empty stages pass through", "[advisor][simulation]") {
  std::vector<SimulatedStage> stages = {{5, {99}, {}}, {6, {5}, {10}}};
  CHECK(simulateStages(stages, 1).wallMs == Approx(10));
}

TEST_CASE("the executor sweep stops when slots outnumber tasks and picks the fewest near the best", "[advisor][simulation]") {
  std::vector<SimulatedStage> stages = {{0, {}, std::vector<double>(8, 1000)}};
  std::vector<WhatIfPoint> points = sweepExecutors(stages, 2, 1, 64, 1'000'000, 500, 1.0, 0.1, 0.01);
  REQUIRE(points.size() == 4);  // 2, 4, 6 and 8 slots
  CHECK(points[0].wallMs == Approx(4500));
  CHECK(points[3].wallMs == Approx(1500));
  CHECK(points[3].wastedCoreHours == Approx((8 * 1500.0 - 8000) / 3'600'000.0));
  const WhatIfPoint* pick = smallestNearBest(points, 0.05);
  REQUIRE(pick);
  CHECK(pick->executors == 4);
  // A machine with 2 cores: more executors than that do not run at once.
  std::vector<WhatIfPoint> capped = sweepExecutors(stages, 1, 4, 64, 2, 0, 1.0, 0.1, 0.01);
  CHECK(capped.size() == 4);
  CHECK(capped[3].wallMs == Approx(capped[1].wallMs));
  CHECK(smallestNearBest(capped, 0.05)->executors == 2);
}

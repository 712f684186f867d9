#pragma once

// A reduce task that cannot read a map output — its files are missing, or a block fails its
// checksum — ends with a fetch failure naming the map task, as Spark's FetchFailedException does.
// The driver then fails the reading stage's attempt, recomputes that map task (a new attempt of
// the map stage) and resubmits the reading stage for its missing partitions.

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace jobtuner::runtime {

struct FetchFailure {
  int shuffleId = -1;  // -1: none
  int mapId = -1;
  std::string message;

  bool any() const { return shuffleId >= 0; }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(FetchFailure, shuffleId, mapId, message)

class FetchFailedError : public std::runtime_error {
 public:
  explicit FetchFailedError(FetchFailure failure)
      : std::runtime_error(failure.message), failure_(std::move(failure)) {}
  const FetchFailure& failure() const { return failure_; }

 private:
  FetchFailure failure_;
};

}  // namespace jobtuner::runtime

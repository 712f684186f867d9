#include "core/nearest_name.h"

#include <algorithm>
#include <cctype>

namespace jobtuner::core {

namespace {

char folded(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

size_t editDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment over three rows: the previous two and the current one.
  std::vector<size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = folded(a[i - 1]) == folded(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && folded(a[i - 1]) == folded(b[j - 2]) && folded(a[i - 2]) == folded(b[j - 1])) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string> nearestName(std::string_view name, const std::vector<std::string>& candidates) {
  size_t allowed = std::max<size_t>(1, name.size() / 3);
  std::optional<std::string> best;
  size_t bestDistance = allowed + 1;
  for (const std::string& candidate : candidates) {
    size_t distance = editDistance(name, candidate);
    bool prefix = name.size() >= 3 && candidate.size() > name.size() &&
                  editDistance(name, std::string_view(candidate).substr(0, name.size())) == 0;
    if (prefix) distance = std::min(distance, allowed);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  std::optional<std::string> nearest = nearestName(name, candidates);
  return nearest ? " (did you mean '" + *nearest + "'?)" : std::string();
}

}  // namespace jobtuner::core

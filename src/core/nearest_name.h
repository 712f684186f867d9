#pragma once

// "Did you mean ...?" for unknown keys, steps, columns and functions in files users write.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jobtuner::core {

/// Edit distance (insertions, deletions, substitutions, and swaps of two neighbours), ASCII
/// case ignored.
size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `name`, if it is close enough to be what the user meant: at most a
/// third of the name's length in edits (at least one), or the candidate starts with the name.
/// Ties go to the earliest candidate.
std::optional<std::string> nearestName(std::string_view name, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" for the nearest candidate, or "" when none is close.
std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace jobtuner::core

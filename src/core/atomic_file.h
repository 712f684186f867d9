#pragma once

// Files users read (profiles, reports, advice) are written to a temporary name beside the target
// and renamed over it: a crash leaves the old file or the new one, never half of one.

#include <filesystem>
#include <string_view>

namespace jobtuner::core {

/// Writes `content` to `path` atomically. Throws UserError naming the path when its directory is
/// missing or not writable.
void writeFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace jobtuner::core

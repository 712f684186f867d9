#pragma once

// Reads a job file: ${NAME} expansion, YAML, then the structure of job_spec.h. Every problem is a
// core::UserError naming the file, line and column, and for an unknown key or name the nearest
// valid one. Types and columns are checked later, against the sources' schemas (job_checker.h).

#include <filesystem>
#include <string>
#include <string_view>

#include "core/env_expansion.h"
#include "core/job_spec.h"

namespace jobtuner::core {

/// The largest job file read: a job is a page of YAML, not data.
constexpr uintmax_t kMaxJobFileBytes = 1 << 20;

/// Reads, expands and parses the job at `path`; `expandedText` receives the text after expansion
/// (what executors are sent) when given.
JobSpec loadJob(const std::filesystem::path& path, std::string* expandedText = nullptr,
                const EnvironmentLookup& lookup = {});

/// Parses job YAML that is already expanded; `file` names it in errors.
JobSpec parseJob(std::string_view yamlText, const std::string& file);

}  // namespace jobtuner::core

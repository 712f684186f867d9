#pragma once

// Everything a run knows before it starts: the job as read (after ${NAME} expansion), its sources
// resolved to files and schemas, the checked steps and the physical plan. The driver prepares it
// from the files; each executor rebuilds it from what the driver sends, without touching the
// job file or inferring anything again.

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/job_checker.h"
#include "core/profile.h"
#include "runtime/driver_protocol.h"
#include "runtime/physical_plan.h"

namespace jobtuner::runtime {

struct PreparedJob {
  std::string jobFile;
  std::string jobText;                             // after ${NAME} expansion
  std::unique_ptr<core::CheckedJob> checked;
  std::map<std::string, ResolvedSource> sources;
  PhysicalPlan plan;
  std::string name;                                // the job's name
  std::string sinkFormat = "csv";
  std::filesystem::path sinkPath;                  // empty when the job names none
};

/// Reads, expands, checks and plans the job. Throws core::UserError for anything wrong with the
/// job, the profile's step overrides or the inputs (a missing file, a header without a declared
/// column), located in the job file where possible.
PreparedJob prepareJob(const std::filesystem::path& jobFile, const core::Profile& profile);

/// The executor's side: the same plan from the driver's setup message.
PreparedJob prepareFromSetup(const ExecutorSetup& setup);

}  // namespace jobtuner::runtime

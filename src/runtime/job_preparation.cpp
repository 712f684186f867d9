#include "runtime/job_preparation.h"

#include <fmt/format.h>

#include "core/errors.h"
#include "core/job_loader.h"
#include "core/nearest_name.h"
#include "runtime/column_pruning.h"
#include "runtime/input_files.h"
#include "runtime/planner.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

namespace {

/// Step overrides in the profile must name steps of this job: a typo would silently do nothing.
void checkStepOverrides(const core::JobSpec& spec, const core::Profile& profile) {
  std::vector<std::string> names;
  for (const core::StepSpec* step : spec.allSteps()) names.push_back(step->stableName);
  for (const auto& [name, override] : profile.steps) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    throw core::UserError(core::SourceLocation{profile.files.empty() ? std::string("--set") : profile.files.front().string()},
                          fmt::format("the profile overrides step '{}', which job '{}' does not have{}", name, spec.name,
                                      core::didYouMean(name, names)),
                          "steps of this job: " + fmt::format("{}", fmt::join(names, ", ")));
  }
}

PreparedJob plan(PreparedJob job, const core::Profile& profile) {
  std::map<std::string, core::Schema> schemas;
  for (const auto& [name, source] : job.sources) schemas[name] = source.schema;
  job.checked = std::make_unique<core::CheckedJob>(core::checkJob(std::move(job.checked->spec), schemas));
  // Checked against the full schemas (so every error is found), planned against the columns used.
  // Narrowing is idempotent: executors, given the narrowed sources, plan the same stages.
  bool narrowed = false;
  for (const auto& [name, needed] : neededSourceColumns(*job.checked, schemas)) {
    core::Schema narrow = narrowSchema(schemas.at(name), needed);
    if (narrow.numFields() == schemas.at(name).numFields()) continue;
    schemas[name] = narrow;
    job.sources.at(name).schema = std::move(narrow);
    narrowed = true;
  }
  if (narrowed) job.checked = std::make_unique<core::CheckedJob>(core::checkJob(std::move(job.checked->spec), schemas));
  const core::JobSpec& spec = job.checked->spec;
  checkStepOverrides(spec, profile);
  job.name = spec.name;
  job.sinkFormat = spec.sink.format;
  job.sinkPath = spec.sink.path;
  job.plan = planJob(*job.checked, profile, job.sources);
  return job;
}

}  // namespace

PreparedJob prepareJob(const fs::path& jobFile, const core::Profile& profile) {
  PreparedJob job;
  job.jobFile = jobFile.string();
  core::JobSpec spec = core::loadJob(jobFile, &job.jobText);
  for (const core::SourceSpec& source : spec.sources) {
    ResolvedSource resolved;
    std::vector<fs::path> files = resolveInputFiles(source.path, source.pathLocation);
    for (const fs::path& file : files) resolved.files.emplace_back(file.string(), static_cast<int64_t>(fs::file_size(file)));
    if (source.schema) {
      resolved.schema = *source.schema;
    } else {
      resolved.schema = source.format == "jsonl" ? inferJsonlSchema(files.front()) : inferCsvSchema(files.front(), source.delimiter);
    }
    job.sources.emplace(source.name, std::move(resolved));
  }
  job.checked = std::make_unique<core::CheckedJob>();
  job.checked->spec = std::move(spec);
  return plan(std::move(job), profile);
}

PreparedJob prepareFromSetup(const ExecutorSetup& setup) {
  PreparedJob job;
  job.jobFile = setup.jobFile;
  job.jobText = setup.jobText;
  job.sources = setup.sources;
  job.checked = std::make_unique<core::CheckedJob>();
  job.checked->spec = core::parseJob(setup.jobText, setup.jobFile);
  return plan(std::move(job), setup.profile);
}

}  // namespace jobtuner::runtime

// jobtuner validate FILE... : checks the files users write without running anything. What a file
// is (a profile; later a job, a rule file, the daemon's configuration) is judged by its content,
// not its name, so a misplaced file is still checked as what it is.

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "advisor/advisor_config.h"
#include "analyzers/rule_loader.h"
#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "core/errors.h"
#include "core/job_checker.h"
#include "core/job_loader.h"
#include "runtime/input_files.h"
#include "core/nearest_name.h"
#include "core/profile.h"
#include "core/settings_catalog.h"

namespace jobtuner::cli {

namespace {

namespace fs = std::filesystem;

// Larger files are none of the kinds validate knows; they are not read whole into memory.
constexpr uintmax_t kMaxFileBytes = 4 << 20;

enum class FileKind { kProfile, kJob, kRules, kDaemonConfig, kUnknown };

struct Recognition {
  FileKind kind = FileKind::kUnknown;
  std::string evidence;  // what made us think so: "keys sources, sink"
};

bool hasKey(const YAML::Node& map, const char* key) {
  for (auto entry = map.begin(); entry != map.end(); ++entry) {
    if (entry->first.IsScalar() && entry->first.Scalar() == key) return true;
  }
  return false;
}

Recognition recognise(const YAML::Node& root) {
  if (root.IsSequence()) {
    // Rule files are lists of rules, each with an id and a condition (DESIGN.md).
    for (const YAML::Node& item : root) {
      if (item.IsMap() && (hasKey(item, "id") || hasKey(item, "when") || hasKey(item, "override"))) {
        return {FileKind::kRules, "a list of rules"};
      }
    }
    return {};
  }
  if (!root.IsMap()) return {};
  // A job's steps are a list, a profile's steps a map of step names.
  if (hasKey(root, "sources") || hasKey(root, "sink") || (root["steps"] && root["steps"].IsSequence())) {
    return {FileKind::kJob, "keys such as sources, steps and sink"};
  }
  std::vector<std::string> profileKeys = core::profileKeyNames();
  std::vector<std::string> keys;
  for (auto entry = root.begin(); entry != root.end(); ++entry) {
    if (entry->first.IsScalar()) keys.push_back(entry->first.Scalar());
  }
  // A profile key, a near miss of one (reported then as an unknown key with the nearest name) or
  // the Spark property of one.
  for (const std::string& key : keys) {
    if (std::find(profileKeys.begin(), profileKeys.end(), key) != profileKeys.end() ||
        core::nearestName(key, profileKeys) || core::findProfileSettingBySparkKey(key)) {
      return {FileKind::kProfile, "profile keys"};
    }
  }
  for (const char* key : {"advisor", "schedule", "webhooks", "retention", "watch"}) {
    if (hasKey(root, key)) return {FileKind::kDaemonConfig, std::string("the key ") + key};
  }
  return {};
}

std::string_view kindName(FileKind kind) {
  switch (kind) {
    case FileKind::kProfile: return "profile";
    case FileKind::kJob: return "job";
    case FileKind::kRules: return "rule file";
    case FileKind::kDaemonConfig: return "daemon configuration";
    case FileKind::kUnknown: return "unknown";
  }
  return "unknown";
}

void printProblem(const core::UserError& problem) {
  std::cout << terminalSafe(problem.what(), 2000) << "\n";
  if (!problem.hint().empty()) std::cout << "  " << terminalSafe(problem.hint(), 2000) << "\n";
}

/// Prints the problems of a failed file; returns how many there were.
size_t printProblems(const core::UserError& error) {
  if (const auto* several = dynamic_cast<const core::ProfileErrors*>(&error)) {
    for (const core::UserError& problem : several->problems()) printProblem(problem);
    return several->problems().size();
  }
  printProblem(error);
  return 1;
}

void printInvalid(const std::string& file, std::string_view kind, size_t problems) {
  std::cout << terminalSafe(file, 1000) << ": invalid (" << kind << ", " << problems
            << (problems == 1 ? " problem" : " problems") << ")\n";
}

/// Reads the file's YAML, or throws the UserError that says why it cannot be.
YAML::Node readYaml(const fs::path& path) {
  std::string file = path.string();
  std::error_code error;
  if (!fs::exists(path, error)) throw core::UserError(core::SourceLocation{file}, "no such file", "check the path");
  if (!fs::is_regular_file(path, error)) {
    throw core::UserError(core::SourceLocation{file}, "not a regular file", "name a YAML file or a folder of them");
  }
  if (fs::file_size(path, error) > kMaxFileBytes) {
    throw core::UserError(core::SourceLocation{file}, "larger than 4 MB: not a file jobtuner reads",
                          "name a job, profile, rule file or daemon configuration");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text.str());
    return documents.empty() ? YAML::Node() : documents.front();
  } catch (const YAML::Exception& syntax) {
    core::SourceLocation where{file};
    if (!syntax.mark.is_null()) where = core::SourceLocation{file, syntax.mark.line + 1, syntax.mark.column + 1};
    throw core::UserError(where, "YAML syntax error: " + syntax.msg,
                          "check the indentation, colons and quotes at this place");
  }
}

/// Checks a job without running it: its structure, then, when every source's schema is declared or
/// can be read from its files, every step's columns and expression types. Returns what was checked.
std::string validateJob(const fs::path& path) {
  std::vector<std::string> unset;
  core::EnvironmentLookup lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) return std::string(value);
    unset.push_back(name);
    return "${" + name + "}";  // left as written: validating needs no environment
  };
  core::JobSpec job = core::loadJob(path, nullptr, lookup);
  std::map<std::string, core::Schema> schemas;
  std::string unchecked;
  for (const core::SourceSpec& source : job.sources) {
    if (source.schema) {
      schemas[source.name] = *source.schema;
      continue;
    }
    try {
      std::vector<fs::path> files = runtime::resolveInputFiles(source.path, source.pathLocation);
      schemas[source.name] = source.format == "jsonl" ? runtime::inferJsonlSchema(files.front())
                                                      : runtime::inferCsvSchema(files.front(), source.delimiter);
    } catch (const core::UserError&) {
      if (unchecked.empty()) unchecked = source.name;
    }
  }
  size_t steps = job.allSteps().size();
  std::string summary = fmt::format(", {} steps", steps);
  if (!unchecked.empty()) {
    return summary + fmt::format("; columns and types not checked: source '{}' declares no schema and its files "
                                 "cannot be read{}",
                                 unchecked, unset.empty() ? "" : " (unset: " + fmt::format("{}", fmt::join(unset, ", ")) + ")");
  }
  core::checkJob(std::move(job), schemas);
  return summary + ", columns and types checked";
}

/// Checks a rule file as `analyze --rules` would load it: after the built-in rules, so its
/// overrides and ids are checked against them. Prints its problems; returns how many there were.
size_t validateRules(const fs::path& path, size_t& rules) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<analyzers::RuleFileInput> inputs = analyzers::ruleInputs({});
  inputs.push_back(analyzers::RuleFileInput{path.string(), text.str(), false});
  analyzers::RuleSet set = analyzers::loadRules(inputs);
  for (const analyzers::RuleDiagnostic& diagnostic : set.diagnostics) std::cout << terminalSafe(diagnostic.render(), 4000) << "\n";
  rules = 0;
  for (const analyzers::Rule& rule : set.rules) rules += rule.location.file == path.string() ? 1 : 0;
  return set.diagnostics.size();
}

/// Validates one file and prints its verdict; returns whether it is valid.
bool validateFile(const fs::path& path) {
  std::string file = path.string();
  Recognition recognition;
  try {
    YAML::Node root = readYaml(path);
    if (root.IsNull()) {
      throw core::UserError(core::SourceLocation{file}, "the file is empty",
                            "a profile sets keys such as executors, executor_memory or extends");
    }
    recognition = recognise(root);
    switch (recognition.kind) {
      case FileKind::kProfile: {
        core::Profile profile = core::loadProfile(path);
        std::cout << terminalSafe(file, 1000) << ": ok (profile";
        for (size_t i = 1; i < profile.files.size(); ++i) {
          std::cout << (i == 1 ? ", extends " : " -> ") << terminalSafe(profile.files[i].string(), 1000);
        }
        std::cout << ")\n";
        return true;
      }
      case FileKind::kJob: {
        std::string checked = validateJob(path);
        std::cout << terminalSafe(file, 1000) << ": ok (job" << checked << ")\n";
        return true;
      }
      case FileKind::kRules: {
        size_t rules = 0;
        size_t problems = validateRules(path, rules);
        if (problems > 0) {
          printInvalid(file, kindName(recognition.kind), problems);
          return false;
        }
        std::cout << terminalSafe(file, 1000) << ": ok (rule file, " << rules << (rules == 1 ? " rule" : " rules") << ")\n";
        return true;
      }
      case FileKind::kDaemonConfig: {
        // The advisor's section is checked now; the daemon's sections come with the daemon.
        advisor::loadAdvisorConfig(path, true);
        bool daemonSections = false;
        for (auto entry = root.begin(); entry != root.end(); ++entry) daemonSections = daemonSections || entry->first.Scalar() != "advisor";
        if (!daemonSections) {
          std::cout << terminalSafe(file, 1000) << ": ok (jobtuner configuration: the advisor section)\n";
          return true;
        }
      }
        throw core::UserError(core::SourceLocation{file},
                              "recognised as a " + std::string(kindName(recognition.kind)) + " (" +
                                  recognition.evidence + "), which this version cannot validate yet",
                              "validate checks profiles, jobs and rule files today; the daemon's configuration "
                              "follows");
      case FileKind::kUnknown:
        throw core::UserError(
            core::SourceLocation{file}, "not recognised as a job, profile, rule file or daemon configuration",
            "a profile is a map of keys such as executors, executor_memory, extends or steps; 'jobtuner validate "
            "--help' lists them");
    }
  } catch (const core::UserError& error) {
    size_t problems = printProblems(error);
    printInvalid(file, kindName(recognition.kind), problems);
  }
  return false;
}

/// The files named on the command line, each folder replaced by the YAML files below it, sorted.
std::vector<fs::path> expand(const std::vector<std::string>& arguments) {
  std::vector<fs::path> files;
  for (const std::string& argument : arguments) {
    std::error_code error;
    if (!fs::is_directory(argument, error)) {
      files.emplace_back(argument);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(argument, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
      std::string extension = it->path().extension().string();
      if (it->is_regular_file(error) && (extension == ".yaml" || extension == ".yml")) found.push_back(it->path());
    }
    if (found.empty()) {
      throw core::UserError(core::SourceLocation{argument}, "the folder holds no .yaml or .yml files",
                            "name the files to validate");
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

int runValidate(const std::vector<std::string>& arguments) {
  std::vector<fs::path> files = expand(arguments);
  size_t invalid = 0;
  for (const fs::path& file : files) {
    if (!validateFile(file)) ++invalid;
  }
  if (files.size() > 1) {
    std::cout << files.size() << " files: " << files.size() - invalid << " ok, " << invalid << " invalid\n";
  }
  return invalid == 0 ? core::kExitOk : core::kExitBadInput;
}

}  // namespace

void addValidateCommand(CLI::App& app, CommandContext& context) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand(
      "validate", "Check profiles (later jobs, rule files and the daemon's configuration) without running anything");
  command->add_option("FILE", *files, "Files to check, or folders of .yaml files; what each is is judged by its content")
      ->required();
  command->footer(core::describeProfileSettings() +
                  "Prints 'FILE: ok (KIND)' for each valid file, else each problem as file:line:column: message "
                  "with a hint; exits 2 when any file is invalid.");
  command->callback([files, &context] { context.exitCode = runValidate(*files); });
}

}  // namespace jobtuner::cli

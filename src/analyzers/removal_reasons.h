#pragma once

// Why an executor went away, read from the free text of SparkListenerExecutorRemoved's "Removed
// Reason" (or the runtime's own wording) through a catalogue of patterns,
// rules/catalog/removal_reasons.yaml. Each catalogue entry carries example reasons as cluster
// managers and Spark word them, and a test holds every entry to its examples.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/errors.h"

namespace jobtuner::analyzers {

/// The classes the rules know. Lost classes mean work was lost against the app's will; the
/// normal ones are the app or the cluster manager retiring an executor on purpose.
enum class RemovalClass {
  kMemoryLimit,       // killed for exceeding its memory limit (YARN, Kubernetes OOMKilled/137, runtime)
  kLostProcess,       // the executor process died or exited abnormally
  kLostNode,          // its node or worker went away
  kHeartbeatTimeout,  // the driver stopped hearing from it
  kPreempted,         // the cluster manager took the resources back
  kDynamicAllocation, // normal: released by dynamic allocation (idle, or killed by the driver)
  kDecommissioned,    // normal: decommissioned gracefully
  kShutdown,          // normal: the app ended
  kUnknown,           // removed, for a reason the catalogue does not know
  kNotRemoved,        // still alive at the end of the log
};

/// "memory_limit", "lost_process", ... as in the catalogue file and in findings.
const char* toString(RemovalClass removalClass);
/// True for the classes that lost an executor against the app's will.
bool isLoss(RemovalClass removalClass);

struct RemovalCatalogEntry {
  RemovalClass removalClass = RemovalClass::kUnknown;
  std::string description;            // one line, shown in findings
  std::vector<std::string> patterns;  // ECMAScript regexes, matched case-insensitively anywhere
  std::vector<std::string> examples;  // reasons this entry must classify
  core::SourceLocation location;      // where the entry starts in its file
};

class RemovalCatalog {
 public:
  /// Reads a catalogue file's text. Throws core::UserError with file:line:col for a bad file.
  static RemovalCatalog parse(std::string_view text, const std::string& fileName);
  /// The built-in catalogue (rules/catalog/removal_reasons.yaml, compiled in).
  static const RemovalCatalog& builtin();

  /// The first entry (in file order) whose pattern matches; kUnknown when none does, kNotRemoved
  /// for an empty reason with removed == false.
  RemovalClass classify(std::string_view reason, bool removed = true) const;
  /// The entry of a class, if the catalogue has one.
  const RemovalCatalogEntry* entryFor(RemovalClass removalClass) const;
  const std::vector<RemovalCatalogEntry>& entries() const { return entries_; }

 private:
  std::vector<RemovalCatalogEntry> entries_;
  struct Compiled;
  std::vector<std::shared_ptr<const Compiled>> compiled_;
};

}  // namespace jobtuner::analyzers

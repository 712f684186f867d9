// The removal-reason catalogue: the built-in file holds to its own examples and to the reasons
// found in the Spark corpus, and a bad catalogue file says where and what.

#include <catch2/catch.hpp>

#include "analyzers/removal_reasons.h"
#include "core/errors.h"

using namespace jobtuner::analyzers;
using jobtuner::core::UserError;

namespace {

std::string errorOf(const std::string& yaml) {
  try {
    RemovalCatalog::parse(yaml, "reasons.yaml");
  } catch (const UserError& error) {
    return error.render();
  }
  FAIL("no error for:\n" << yaml);
  return {};
}

RemovalClass classified(std::string_view reason) { return RemovalCatalog::builtin().classify(reason); }

}  // namespace

TEST_CASE("every built-in entry classifies each of its own examples to its own class", "[removal]") {
  const RemovalCatalog& catalog = RemovalCatalog::builtin();
  REQUIRE(!catalog.entries().empty());
  for (const RemovalCatalogEntry& entry : catalog.entries()) {
    DYNAMIC_SECTION(toString(entry.removalClass)) {
      CHECK(!entry.description.empty());
      CHECK(!entry.patterns.empty());
      CHECK(!entry.examples.empty());
      for (const std::string& example : entry.examples) {
        INFO("example: " << example);
        CHECK(toString(catalog.classify(example)) == std::string(toString(entry.removalClass)));
      }
    }
  }
}

TEST_CASE("every class a catalogue can name has a built-in entry", "[removal]") {
  const RemovalCatalog& catalog = RemovalCatalog::builtin();
  for (RemovalClass removalClass :
       {RemovalClass::kMemoryLimit, RemovalClass::kLostProcess, RemovalClass::kLostNode,
        RemovalClass::kHeartbeatTimeout, RemovalClass::kPreempted, RemovalClass::kDynamicAllocation,
        RemovalClass::kDecommissioned, RemovalClass::kShutdown}) {
    INFO(toString(removalClass));
    const RemovalCatalogEntry* entry = catalog.entryFor(removalClass);
    REQUIRE(entry != nullptr);
    CHECK(entry->location.file == "rules/catalog/removal_reasons.yaml");
    CHECK(entry->location.line > 0);
  }
  CHECK(catalog.entryFor(RemovalClass::kUnknown) == nullptr);
  CHECK(catalog.entryFor(RemovalClass::kNotRemoved) == nullptr);
}

TEST_CASE("the removal reasons of the Spark corpus classify right", "[removal]") {
  CHECK(classified("Executor Process Lost") == RemovalClass::kLostProcess);
  CHECK(classified("worker lost: 10.59.176.34:35971 got disassociated") == RemovalClass::kLostNode);
  CHECK(classified("Container container_e87_1603128018386_7759_01_000002 exited from explicit termination request.") ==
        RemovalClass::kDynamicAllocation);
  CHECK(classified("Container container_1472176676028_407508_01_000132 exited from explicit termination request.") ==
        RemovalClass::kDynamicAllocation);
  CHECK(classified("Executor killed by driver.") == RemovalClass::kDynamicAllocation);
}

TEST_CASE("memory kills and normal removals are told apart", "[removal]") {
  CHECK(classified("Container killed by jobtuner: exceeded memory limit 2.0 GB (used 2.3 GB)") ==
        RemovalClass::kMemoryLimit);
  CHECK(classified("Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used. "
                   "Consider boosting spark.yarn.executor.memoryOverhead.") == RemovalClass::kMemoryLimit);
  CHECK(classified("The executor with id 3 exited with exit code 137(SIGKILL, possible container OOM).") ==
        RemovalClass::kMemoryLimit);
  CHECK(classified("The executor with id 3 exited with exit code 143(unexpected).") == RemovalClass::kLostProcess);
  CHECK(classified("Command exited with code 1370") == RemovalClass::kLostProcess);
  // YARN writes "non-zero exit code 137" for a kill the ApplicationMaster asked for, too.
  CHECK(classified("Container marked as failed: container_1_01_000003 on host: h. Exit status: -105. Diagnostics: "
                   "Container killed by the ApplicationMaster. Container exited with a non-zero exit code 137.") ==
        RemovalClass::kLostNode);
  CHECK(classified("Executor decommission: spark scale down") == RemovalClass::kDynamicAllocation);
  CHECK(classified("Executor decommission: worker decommissioned because of spot instance preemption.") ==
        RemovalClass::kDecommissioned);
  CHECK(classified("EXECUTOR KILLED BY DRIVER.") == RemovalClass::kDynamicAllocation);
}

TEST_CASE("reasons no entry knows, and executors never removed", "[removal]") {
  const RemovalCatalog& catalog = RemovalCatalog::builtin();
  CHECK(catalog.classify("the moon was in the wrong phase") == RemovalClass::kUnknown);
  CHECK(catalog.classify("", /*removed=*/false) == RemovalClass::kNotRemoved);
  CHECK(catalog.classify("", /*removed=*/true) == RemovalClass::kUnknown);
}

TEST_CASE("only the classes that lose work against the app's will are losses", "[removal]") {
  CHECK(isLoss(RemovalClass::kMemoryLimit));
  CHECK(isLoss(RemovalClass::kLostProcess));
  CHECK(isLoss(RemovalClass::kLostNode));
  CHECK(isLoss(RemovalClass::kHeartbeatTimeout));
  CHECK(isLoss(RemovalClass::kPreempted));
  CHECK_FALSE(isLoss(RemovalClass::kDynamicAllocation));
  CHECK_FALSE(isLoss(RemovalClass::kDecommissioned));
  CHECK_FALSE(isLoss(RemovalClass::kShutdown));
  CHECK_FALSE(isLoss(RemovalClass::kUnknown));
  CHECK_FALSE(isLoss(RemovalClass::kNotRemoved));
  CHECK(std::string(toString(RemovalClass::kHeartbeatTimeout)) == "heartbeat_timeout");
  CHECK(std::string(toString(RemovalClass::kNotRemoved)) == "not_removed");
}

TEST_CASE("a small catalogue classifies in file order", "[removal]") {
  RemovalCatalog catalog = RemovalCatalog::parse(R"yaml(
- class: memory_limit
  description: too much memory
  patterns: ['exit code 137\b']
  examples: ['exit code 137']
- class: lost_process
  description: died
  patterns: ['exit code \d+']
  examples: ['exit code 1', 'EXIT CODE 2']
)yaml",
                                                 "mine.yaml");
  REQUIRE(catalog.entries().size() == 2);
  CHECK(catalog.entries()[1].location.toString() == "mine.yaml:6:3");
  CHECK(catalog.classify("it ended with exit code 137 at noon") == RemovalClass::kMemoryLimit);
  CHECK(catalog.classify("exit code 1370") == RemovalClass::kLostProcess);
  CHECK(catalog.entryFor(RemovalClass::kShutdown) == nullptr);
}

TEST_CASE("a bad catalogue names the place and the fix", "[removal]") {
  CHECK(errorOf("- class: memory_limit\n"
                "  description: d\n"
                "  pattern: ['oom']\n"
                "  examples: ['oom']\n") ==
        "reasons.yaml:3:3: unknown key 'pattern' in a catalogue entry (did you mean 'patterns'?)\n"
        "  valid keys: class, description, patterns, examples");
  CHECK(errorOf("- class: memory_limits\n"
                "  description: d\n"
                "  patterns: ['oom']\n"
                "  examples: ['oom']\n") ==
        "reasons.yaml:1:10: unknown removal class 'memory_limits' (did you mean 'memory_limit'?)\n"
        "  classes: memory_limit, lost_process, lost_node, heartbeat_timeout, preempted, dynamic_allocation, "
        "decommissioned, shutdown");
  CHECK(errorOf("- class: lost_node\n"
                "  description: d\n"
                "  patterns:\n"
                "    - 'worker lost'\n"
                "    - 'node (lost|gone'\n"
                "  examples: ['worker lost']\n") ==
        "reasons.yaml:5:7: bad regular expression 'node (lost|gone': a '(' or ')' has no partner\n"
        "  patterns are ECMAScript regular expressions; in single quotes a backslash stays as written");
  CHECK(errorOf("- class: shutdown\n"
                "  description: d\n"
                "  patterns: ['finished']\n") ==
        "reasons.yaml:1:3: the entry for 'shutdown' has no examples\n"
        "  add examples: reasons, worded as Spark or the cluster manager words them, that this entry must classify");
  CHECK(errorOf("- class: shutdown\n"
                "  description: d\n"
                "  patterns: []\n"
                "  examples: ['finished']\n") ==
        "reasons.yaml:3:13: the entry for 'shutdown' has no patterns\n"
        "  add patterns: a list of regular expressions, e.g. - 'worker lost'");
}

TEST_CASE("a catalogue whose order steals an example is refused", "[removal]") {
  CHECK(errorOf("- class: lost_process\n"
                "  description: d\n"
                "  patterns: ['exit code']\n"
                "  examples: ['exit code 1']\n"
                "- class: memory_limit\n"
                "  description: d\n"
                "  patterns: ['exit code 137']\n"
                "  examples: ['exit code 137', 'OOMKilled']\n") ==
        "reasons.yaml:8:14: this example does not classify as 'memory_limit': the entry for 'lost_process' at line 1 "
        "matches it first\n"
        "  fix the patterns, or move the more specific entry before the other");
  CHECK(errorOf("- class: lost_process\n"
                "  description: d\n"
                "  patterns: ['exit code']\n"
                "  examples: ['exit code 1', 'signal 9']\n")
            .rfind("reasons.yaml:4:29: this example does not classify as 'lost_process': none of its patterns matches "
                   "it\n",
                   0) == 0);
  CHECK(errorOf("- class: lost_node\n  description: d\n  patterns: ['a']\n  examples: ['a']\n"
                "- class: lost_node\n  description: e\n  patterns: ['b']\n  examples: ['b']\n") ==
        "reasons.yaml:5:10: the class 'lost_node' already has an entry at line 1\n"
        "  merge the two entries' patterns and examples");
  CHECK(errorOf("class: lost_node\n").rfind("reasons.yaml:1:1: a removal-reason catalogue is a YAML list", 0) == 0);
}

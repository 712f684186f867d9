#include "support/output_rows.h"

#include <catch2/catch.hpp>

#include "support/test_support.h"

namespace jobtuner::testing {

std::vector<Row> sqliteRows(const std::string& script) {
  TempDir dir;
  writeFile(dir / "script.sql", ".mode csv\n.headers off\n" + script + "\n");
  CommandResult result = runProgram("sqlite3", {"-batch", "-init", (dir / "script.sql").string(), ":memory:", ".quit"});
  if (result.exitCode != 0 || !result.err.empty()) {
    throw std::runtime_error("sqlite3 failed: " + result.err);
  }
  return parseCsv(result.out, false);
}

void requireSameOutput(const CommandResult& result, const std::filesystem::path& output,
                       const std::vector<Row>& expected) {
  INFO(result.out << result.err);
  REQUIRE(result.exitCode == 0);
  REQUIRE(std::filesystem::exists(output / "_SUCCESS"));
  std::string differences = compareRows(readOutputRows(output), expected);
  INFO(differences);
  REQUIRE(differences.empty());
}

}  // namespace jobtuner::testing

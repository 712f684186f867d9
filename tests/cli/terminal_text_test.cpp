#include <catch2/catch.hpp>
#include <sstream>

#include "cli/terminal_text.h"
#include "cli/text_table.h"

using namespace jobtuner::cli;

TEST_CASE("untrusted text cannot send escape sequences to the terminal", "[cli][terminal]") {
  CHECK(terminalSafe("plain name") == "plain name");
  CHECK(terminalSafe("evil\x1b[2Jname") == "evil\\x1b[2Jname");
  CHECK(terminalSafe("two\nlines") == "two lines");
  CHECK(terminalSafe(std::string(300, 'a'), 10) == std::string(10, 'a') + "...");
}

TEST_CASE("text tables align columns and numbers", "[cli][table]") {
  TextTable table({"NAME", "TASKS"});
  table.alignRight({1});
  table.addRow({"a", "5"});
  table.addRow({"longer", "120"});
  std::ostringstream out;
  table.print(out);
  CHECK(out.str() == "NAME    TASKS\na           5\nlonger    120\n");
}

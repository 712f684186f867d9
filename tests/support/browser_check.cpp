#include "support/browser_check.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

namespace jobtuner::testing {

namespace {

fs::path browserDir() { return fs::path(JOBTUNER_SOURCE_DIR) / "tests" / "browser"; }

std::string chromiumPath() {
  const char* env = std::getenv("CHROMIUM");
  return env && *env ? std::string(env) : std::string("/usr/bin/chromium");
}

}  // namespace

BrowserCheck checkPageInBrowser(const fs::path& page, const fs::path& screenshot, bool mobile) {
  std::vector<std::string> args{(browserDir() / "check_page.mjs").string(), page.string(), "--screenshot",
                                screenshot.string()};
  if (mobile) args.push_back("--mobile");
  CommandResult ran = runProgram("node", args);
  BrowserCheck check;
  check.exitCode = ran.exitCode;
  check.err = ran.err;
  check.result = nlohmann::json::parse(ran.out, nullptr, /*allow_exceptions=*/false);
  if (check.result.is_discarded()) {
    if (!ran.out.empty()) check.err += "\n(stdout is not JSON: " + ran.out + ")";
    check.result = nullptr;
  }
  check.ok = check.exitCode == 0 && check.result.is_object() && check.result.value("ok", false);
  return check;
}

bool requireBrowser() {
  std::string missing;
  if (runProgram("/bin/sh", {"-c", "command -v node"}).exitCode != 0) {
    missing = "node is not on PATH";
  } else if (::access(chromiumPath().c_str(), X_OK) != 0) {
    missing = "Chromium is missing at " + chromiumPath() + " (set CHROMIUM to use another)";
  } else if (!fs::exists(browserDir() / "node_modules" / "puppeteer-core" / "package.json")) {
    missing = "puppeteer-core is not installed in " + (browserDir() / "node_modules").string();
  }
  if (missing.empty()) return true;
  if (runningInCi()) FAIL("the browser check cannot run: " << missing << " (scripts/setup installs it); CI=true makes this a failure");
  WARN("skipped: the browser check cannot run: " << missing << " (run scripts/setup)");
  return false;
}

}  // namespace jobtuner::testing

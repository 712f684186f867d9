// The browser check harness itself (tests/browser/check_page.mjs through support/browser_check.h),
// against control pages: it must fail what is broken and pass what is clean, or the report tests
// that rely on it prove nothing.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/browser_check.h"
#include "support/test_support.h"

using namespace jobtuner::testing;

namespace {

fs::path controlPage(const std::string& name) { return fs::path(JOBTUNER_SOURCE_DIR) / "tests" / "browser" / name; }

/// A fresh screenshot path in the build tree, kept after the test for a person to look at.
fs::path screenshotPath(const std::string& name) {
  fs::path dir = fs::current_path() / "browser-check-screenshots";
  fs::create_directories(dir);
  fs::path path = dir / (name + ".png");
  fs::remove(path);
  return path;
}

/// Width and height of a PNG file, from its IHDR chunk.
std::pair<unsigned, unsigned> pngSize(const fs::path& path) {
  std::string head = readFile(path).substr(0, 24);
  REQUIRE(head.size() == 24);
  REQUIRE(head.substr(1, 3) == "PNG");
  auto word = [&](size_t at) {
    unsigned value = 0;
    for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(head[at + i]);
    return value;
  };
  return {word(16), word(20)};
}

bool anyContains(const nlohmann::json& list, const std::string& text) {
  for (const auto& entry : list) {
    if (entry.is_string() && entry.get<std::string>().find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("browser check fails the negative control with its console error and external request", "[e2e][browser]") {
  if (!requireBrowser()) return;
  fs::path screenshot = screenshotPath("negative_control");
  BrowserCheck check = checkPageInBrowser(controlPage("negative_control.html"), screenshot);
  INFO(check.result.dump(2) << check.err);
  CHECK(check.exitCode == 1);
  CHECK_FALSE(check.ok);
  CHECK(check.result["ok"] == false);
  CHECK(anyContains(check.result["consoleErrors"], "negative control: deliberate console error"));
  CHECK(check.result["externalRequests"] == nlohmann::json::array({"https://example.invalid/x.png"}));
  CHECK(check.result["title"] == "Negative control");
  CHECK(check.result["dom"]["images"] == 1);
  // A failed check still shows what the page looked like.
  CHECK(check.result["screenshot"] == screenshot.string());
  CHECK(fs::file_size(screenshot) > 0);
}

TEST_CASE("browser check passes the positive control, whose CSP allows only its own hashed script and style",
          "[e2e][browser]") {
  if (!requireBrowser()) return;
  fs::path screenshot = screenshotPath("positive_control");
  BrowserCheck check = checkPageInBrowser(controlPage("positive_control.html"), screenshot);
  INFO(check.result.dump(2) << check.err);
  CHECK(check.exitCode == 0);
  CHECK(check.ok);
  CHECK(check.result["title"] == "Positive control");
  CHECK(check.result["dom"]["scripts"] == 1);
  CHECK(check.result["dom"]["images"] == 0);
  CHECK(check.result["dom"]["eventHandlerAttributes"] == 0);
  CHECK(check.result["externalRequests"].empty());
  CHECK(check.result["consoleErrors"].empty());
  CHECK(check.result["pageErrors"].empty());
  CHECK(check.result["dialogs"].empty());
  CHECK(pngSize(screenshot) == std::pair<unsigned, unsigned>{1280, 800});
}

TEST_CASE("browser check renders --mobile at 390x844 CSS pixels with device scale 2", "[e2e][browser]") {
  if (!requireBrowser()) return;
  fs::path screenshot = screenshotPath("positive_control_mobile");
  BrowserCheck check = checkPageInBrowser(controlPage("positive_control.html"), screenshot, /*mobile=*/true);
  INFO(check.result.dump(2) << check.err);
  CHECK(check.ok);
  CHECK(pngSize(screenshot) == std::pair<unsigned, unsigned>{780, 1688});
}

TEST_CASE("browser check fails a page that opens a dialog, recording its message", "[e2e][browser]") {
  if (!requireBrowser()) return;
  TempDir dir;
  writeFile(dir / "alert.html", "<!DOCTYPE html><title>alert</title><script>alert(1)</script><p>after the alert</p>\n");
  BrowserCheck check = checkPageInBrowser(dir / "alert.html", screenshotPath("alert"));
  INFO(check.result.dump(2) << check.err);
  CHECK(check.exitCode == 1);
  CHECK_FALSE(check.ok);
  REQUIRE(check.result["dialogs"].size() == 1);
  CHECK(check.result["dialogs"][0]["type"] == "alert");
  CHECK(check.result["dialogs"][0]["message"] == "1");
  CHECK(check.result["consoleErrors"].empty());
  CHECK(check.result["externalRequests"].empty());
}

TEST_CASE("browser check fails a page whose inline script its CSP blocks", "[e2e][browser]") {
  if (!requireBrowser()) return;
  TempDir dir;
  writeFile(dir / "csp.html",
            "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
            "<title>csp</title><script>document.title = 'ran';</script>\n");
  BrowserCheck check = checkPageInBrowser(dir / "csp.html", screenshotPath("csp"));
  INFO(check.result.dump(2) << check.err);
  CHECK(check.exitCode == 1);
  CHECK(anyContains(check.result["consoleErrors"], "Content Security Policy"));
  CHECK(check.result["title"] == "csp");   // the script was blocked
}

TEST_CASE("browser check reports a missing page as a harness error", "[e2e][browser]") {
  if (!requireBrowser()) return;
  TempDir dir;
  fs::path screenshot = screenshotPath("missing");
  BrowserCheck check = checkPageInBrowser(dir / "no-such-page.html", screenshot);
  INFO(check.result.dump(2) << check.err);
  CHECK(check.exitCode == 2);
  CHECK_FALSE(check.ok);
  CHECK(check.result.is_null());
  CHECK_THAT(check.err, Catch::Contains("page not found"));
  CHECK_FALSE(fs::exists(screenshot));
}

TEST_CASE("browser check fails a page whose policy blocks its own data: image", "[e2e][browser]") {
  if (!requireBrowser()) return;
  // data: URLs never leave the page, so the harness lets them through; what fails the check is
  // the Content-Security-Policy blocking one, as a report's policy blocks any image.
  TempDir dir;
  writeFile(dir / "data-image.html",
            "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\"><title>data</title>"
            "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==\" alt=\"\">\n");
  BrowserCheck check = checkPageInBrowser(dir / "data-image.html", screenshotPath("data-image"));
  INFO(check.result.dump(2) << check.err);
  CHECK(check.exitCode == 1);
  CHECK_FALSE(check.ok);
  CHECK(anyContains(check.result["consoleErrors"], "Content Security Policy"));
  CHECK(check.result["externalRequests"].empty());
}

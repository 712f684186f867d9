#pragma once

// Opening an HTML page in a real headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM)
// through tests/browser/check_page.mjs: the page fails the check on a console error (CSP
// violations included), an uncaught exception, a dialog, or any request other than its own file.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_support.h"

namespace jobtuner::testing {

struct BrowserCheck {
  int exitCode = -1;        // 0 passed, 1 the check failed, 2 harness error (see err)
  bool ok = false;          // exit code 0 and "ok": true
  nlohmann::json result;    // check_page.mjs's JSON (null when it printed none): ok, page, title,
                            // consoleErrors, consoleWarnings, pageErrors, dialogs, externalRequests,
                            // dom {scripts, images, eventHandlerAttributes, svgs,
                            // horizontalOverflow}, screenshot
  std::string err;          // its stderr
};

/// Renders `page` in headless Chromium through tests/browser/check_page.mjs, saving a screenshot.
BrowserCheck checkPageInBrowser(const fs::path& page, const fs::path& screenshot, bool mobile = false);

/// True when node, chromium and tests/browser/node_modules are present; otherwise skips (developer
/// machine) or fails (CI) like requireTool in test_support.h.
bool requireBrowser();

}  // namespace jobtuner::testing

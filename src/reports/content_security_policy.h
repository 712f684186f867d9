#pragma once

// The Content-Security-Policy every report carries: nothing may load from anywhere (no network, no
// file beside the report), and the only script and style that run are the report's own inline
// blocks, allowed by their SHA-256. An injected <script> or style in a value that escaping missed
// would still not run.

#include <string>

namespace jobtuner::reports {

/// "sha256-<base64>" of `text`, as CSP source expressions write a hash.
std::string cspHash(const std::string& text);

/// The policy for a page whose only inline script is `script` and only inline style is `style`.
std::string contentSecurityPolicy(const std::string& script, const std::string& style);

}  // namespace jobtuner::reports

#include "reports/content_security_policy.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>

namespace jobtuner::reports {

std::string cspHash(const std::string& text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  // Base64 of 32 bytes is 44 characters; EVP_EncodeBlock adds the terminating NUL.
  std::array<unsigned char, 4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  int length = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest.size()));
  return "sha256-" + std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<size_t>(length));
}

std::string contentSecurityPolicy(const std::string& script, const std::string& style) {
  // default-src 'none' covers images, fonts, frames, connections and media; form-action and
  // base-uri are not covered by default-src, so they are closed explicitly.
  return "default-src 'none'; script-src '" + cspHash(script) + "'; style-src '" + cspHash(style) +
         "'; img-src 'none'; base-uri 'none'; form-action 'none'";
}

}  // namespace jobtuner::reports

#pragma once

// Hot-key values replaced by stable hashes, for reports shared outside the team (`report
// --redact-keys`): a key's value can be a customer id or an e-mail address. The same key always
// gives the same hash, so a report still shows that the key salted last week is the one that is
// hot today, without saying what it is.

#include <string>
#include <utility>
#include <vector>

#include "core/model.h"

namespace jobtuner::core {

/// "key-" and 12 hex digits of a 64-bit FNV-1a hash of `key`.
std::string hashedKey(const std::string& key);

/// Replaces every key value an app carries: its shuffles' heavy keys, and the salting keys of the
/// profile it ran with (the properties ending in ".salting.keys", JSON arrays of keys).
void redactKeys(AppAttempt& app);

}  // namespace jobtuner::core

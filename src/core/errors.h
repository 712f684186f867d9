#pragma once

// Errors a user can cause (bad input, bad usage) versus failures of the job or of an external
// system. Each maps to one of the documented exit codes, so main() never guesses.

#include <stdexcept>
#include <string>

namespace jobtuner::core {

/// Exit codes of every jobtuner command (DESIGN.md).
enum ExitCode : int {
  kExitOk = 0,
  kExitFindings = 1,
  kExitBadInput = 2,
  kExitFailed = 3,
};

/// A place in a file a user wrote or handed us. line and column are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int64_t line = 0;
  int64_t column = 0;

  /// Returns "file:line:col", "file:line" or "file", whichever is known.
  std::string toString() const;
};

/// Bad input or usage: the message names the input, the place and what to do. Exit code 2.
class UserError : public std::runtime_error {
 public:
  UserError(SourceLocation location, const std::string& message, std::string hint = {});
  explicit UserError(const std::string& message, std::string hint = {})
      : UserError(SourceLocation{}, message, std::move(hint)) {}

  const SourceLocation& location() const { return location_; }
  const std::string& hint() const { return hint_; }
  /// The message without the location.
  const std::string& message() const { return message_; }
  /// The full text: "file:line:col: message" then the hint on its own line.
  std::string render() const;

 private:
  SourceLocation location_;
  std::string message_;
  std::string hint_;
};

/// The job or an external system failed (not the user's input). Exit code 3.
class SystemError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace jobtuner::core

#pragma once

// Framed messages between the processes of one run (driver, executors, collector sidecar) over
// Unix domain sockets, where every connection must first prove the run's random secret. A frame
// is a 4-byte little-endian payload length, a 1-byte type and the payload. Types 0-15 belong to
// the handshake (HELLO 0, REFUSED 1, WELCOME 2); users number theirs from 16.

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace jobtuner::core {

struct Frame {
  uint8_t type = 0;
  std::string payload;
};

/// The largest frame accepted: a larger announced length is a protocol error, never allocated.
constexpr size_t kMaxFrameBytes = 64 << 20;

/// 32 random bytes from the kernel, hex-encoded: one per run.
std::string generateSecret();

/// One end of a connection. Sends may come from several threads; receives from one.
class LocalChannel {
 public:
  LocalChannel() = default;
  explicit LocalChannel(int fd) : fd_(fd) {}
  ~LocalChannel();
  LocalChannel(LocalChannel&& other) noexcept;
  LocalChannel& operator=(LocalChannel&& other) noexcept;
  LocalChannel(const LocalChannel&) = delete;
  LocalChannel& operator=(const LocalChannel&) = delete;

  /// Throws SystemError when the peer is gone.
  void send(uint8_t type, std::string_view payload);
  /// The next frame; nullopt when the peer closed the connection. Throws SystemError on a
  /// malformed frame.
  std::optional<Frame> receive();
  /// Like receive(), but gives up after `timeoutMs` (nullopt, with `timedOut` set).
  std::optional<Frame> receive(int timeoutMs, bool& timedOut);

  int fd() const { return fd_; }
  bool isOpen() const { return fd_ >= 0; }
  void close();

 private:
  int fd_ = -1;
  std::mutex sendMutex_;
};

struct Accepted {
  LocalChannel channel;
  std::string helloBody;  // what the peer sent after its secret
};

class LocalListener {
 public:
  /// Listens on `socketPath` (mode 0600; a stale socket file is replaced).
  static LocalListener listen(const std::filesystem::path& socketPath, std::string secret);
  LocalListener() = default;
  ~LocalListener();
  LocalListener(LocalListener&& other) noexcept;
  LocalListener& operator=(LocalListener&& other) noexcept;

  /// The next peer that proves the secret, within `timeoutMs` in all; peers that do not (wrong
  /// secret, silence, garbage, another user) are refused and closed. nullopt on timeout.
  std::optional<Accepted> accept(int timeoutMs);

  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::filesystem::path path_;
  std::string secret_;
};

/// Connects to a listener, retrying while the socket does not exist yet, and proves `secret`.
/// Throws SystemError when refused or when nothing answers within `timeoutMs`.
LocalChannel connectLocal(const std::filesystem::path& socketPath, const std::string& secret,
                          std::string_view helloBody, int timeoutMs);

}  // namespace jobtuner::core

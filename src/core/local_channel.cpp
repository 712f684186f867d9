#include "core/local_channel.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include "core/errors.h"

namespace jobtuner::core {

namespace {

constexpr uint8_t kHello = 0;
constexpr uint8_t kRefused = 1;
constexpr uint8_t kWelcome = 2;
/// How long a connecting peer has to prove the secret before the listener moves on.
constexpr int kHandshakeTimeoutMs = 2000;

int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

bool waitReadable(int fd, int timeoutMs) {
  pollfd entry{fd, POLLIN, 0};
  while (true) {
    int ready = ::poll(&entry, 1, timeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

/// Reads exactly `size` bytes; false on EOF before the first byte, throws on EOF mid-way.
bool readExactly(int fd, char* out, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SystemError(fmt::format("local channel read failed: {}", std::strerror(errno)));
    if (n == 0) {
      if (done == 0) return false;
      throw SystemError("local channel closed in the middle of a frame");
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

bool constantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

sockaddr_un addressOf(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::string text = path.string();
  if (text.size() >= sizeof(address.sun_path)) {
    throw SystemError(fmt::format("the socket path {} is too long for a Unix socket", text));
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  return address;
}

}  // namespace

std::string generateSecret() {
  unsigned char bytes[32];
  size_t done = 0;
  while (done < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + done, sizeof bytes - done, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw SystemError(fmt::format("getrandom failed: {}", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 15]);
  }
  return hex;
}

LocalChannel::~LocalChannel() { close(); }

LocalChannel::LocalChannel(LocalChannel&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

LocalChannel& LocalChannel::operator=(LocalChannel&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void LocalChannel::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void LocalChannel::send(uint8_t type, std::string_view payload) {
  if (payload.size() > kMaxFrameBytes) throw SystemError("a local channel frame is too large");
  char header[5];
  auto length = static_cast<uint32_t>(payload.size());
  std::memcpy(header, &length, 4);
  header[4] = static_cast<char>(type);
  std::lock_guard lock(sendMutex_);
  if (fd_ < 0) throw SystemError("the local channel is closed");
  for (std::string_view part : {std::string_view(header, 5), payload}) {
    size_t done = 0;
    while (done < part.size()) {
      ssize_t n = ::send(fd_, part.data() + done, part.size() - done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw SystemError(fmt::format("local channel write failed: {}", std::strerror(errno)));
      done += static_cast<size_t>(n);
    }
  }
}

std::optional<Frame> LocalChannel::receive() {
  if (fd_ < 0) return std::nullopt;
  char header[5];
  if (!readExactly(fd_, header, 5)) return std::nullopt;
  uint32_t length;
  std::memcpy(&length, header, 4);
  if (length > kMaxFrameBytes) throw SystemError(fmt::format("a local channel frame announces {} bytes, too many", length));
  Frame frame;
  frame.type = static_cast<uint8_t>(header[4]);
  frame.payload.resize(length);
  if (length > 0 && !readExactly(fd_, frame.payload.data(), length)) {
    throw SystemError("local channel closed in the middle of a frame");
  }
  return frame;
}

std::optional<Frame> LocalChannel::receive(int timeoutMs, bool& timedOut) {
  timedOut = false;
  if (fd_ >= 0 && !waitReadable(fd_, timeoutMs)) {
    timedOut = true;
    return std::nullopt;
  }
  return receive();
}

LocalListener LocalListener::listen(const std::filesystem::path& socketPath, std::string secret) {
  LocalListener listener;
  listener.path_ = socketPath;
  listener.secret_ = std::move(secret);
  sockaddr_un address = addressOf(socketPath);
  ::unlink(socketPath.c_str());
  listener.fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener.fd_ < 0) throw SystemError(fmt::format("cannot create a socket: {}", std::strerror(errno)));
  mode_t previous = ::umask(0177);  // the socket file: owner read/write only
  int bound = ::bind(listener.fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::umask(previous);
  if (bound != 0 || ::listen(listener.fd_, 64) != 0) {
    throw SystemError(fmt::format("cannot listen on {}: {}", socketPath.string(), std::strerror(errno)));
  }
  return listener;
}

LocalListener::~LocalListener() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
}

LocalListener::LocalListener(LocalListener&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), secret_(std::move(other.secret_)) {}

LocalListener& LocalListener::operator=(LocalListener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(path_.c_str());
    }
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    secret_ = std::move(other.secret_);
  }
  return *this;
}

std::optional<Accepted> LocalListener::accept(int timeoutMs) {
  int64_t deadline = steadyMs() + timeoutMs;
  while (true) {
    int64_t left = deadline - steadyMs();
    if (left <= 0 || !waitReadable(fd_, static_cast<int>(left))) return std::nullopt;
    int peer = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (peer < 0) continue;
    LocalChannel channel(peer);
    // Defense in depth: the socket file is the owner's only, and so must the peer be.
    ucred credentials{};
    socklen_t size = sizeof credentials;
    if (::getsockopt(peer, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0 || credentials.uid != ::getuid()) continue;
    try {
      bool timedOut = false;
      std::optional<Frame> hello = channel.receive(kHandshakeTimeoutMs, timedOut);
      // Only a HELLO that starts with the secret gets in.
      if (hello && hello->type == kHello && hello->payload.size() >= secret_.size() &&
          constantTimeEqual(std::string_view(hello->payload).substr(0, secret_.size()), secret_)) {
        channel.send(kWelcome, {});
        return Accepted{std::move(channel), hello->payload.substr(secret_.size())};
      }
      channel.send(kRefused, "bad secret");
    } catch (const SystemError&) {
      // A peer that sent garbage or vanished: refuse it and keep listening.
    }
  }
}

LocalChannel connectLocal(const std::filesystem::path& socketPath, const std::string& secret, std::string_view helloBody,
                          int timeoutMs) {
  sockaddr_un address = addressOf(socketPath);
  int64_t deadline = steadyMs() + timeoutMs;
  while (true) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw SystemError(fmt::format("cannot create a socket: {}", std::strerror(errno)));
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      LocalChannel channel(fd);
      channel.send(kHello, secret + std::string(helloBody));
      bool timedOut = false;
      int left = static_cast<int>(std::max<int64_t>(1, deadline - steadyMs()));
      std::optional<Frame> answer = channel.receive(left, timedOut);
      if (answer && answer->type == kWelcome) return channel;
      throw SystemError(fmt::format("{} refused the connection: {}", socketPath.string(),
                                    answer ? answer->payload : timedOut ? "no answer" : "closed"));
    }
    int error = errno;
    ::close(fd);
    if ((error != ENOENT && error != ECONNREFUSED) || steadyMs() >= deadline) {
      throw SystemError(fmt::format("cannot connect to {}: {}", socketPath.string(), std::strerror(error)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace jobtuner::core

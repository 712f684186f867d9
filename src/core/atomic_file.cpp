#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"

namespace jobtuner::core {

void writeFileAtomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path directory = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(directory, error)) {
    throw UserError(SourceLocation{path.string()}, fmt::format("the folder {} does not exist", directory.string()),
                    "create it first, or write somewhere else");
  }
  if (std::filesystem::is_directory(path, error)) {
    throw UserError(SourceLocation{path.string()}, "is a folder, not a file", "name the file to write");
  }
  std::filesystem::path temporary = path;
  temporary += fmt::format(".tmp-{}", ::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw UserError(SourceLocation{path.string()}, fmt::format("cannot write here: {}", std::strerror(errno)),
                    "check the folder's permissions");
  }
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      std::filesystem::remove(temporary, error);
      throw UserError(SourceLocation{path.string()}, fmt::format("writing failed: {}", std::strerror(saved)), "check the free space");
    }
    written += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::filesystem::remove(temporary, error);
    throw UserError(SourceLocation{path.string()}, "cannot replace the file", "check the folder's permissions");
  }
}

}  // namespace jobtuner::core

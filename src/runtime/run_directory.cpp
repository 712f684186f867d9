#include "runtime/run_directory.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

#include "core/errors.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

RunDirectory createRunDirectory(const fs::path& runsRoot) {
  std::error_code error;
  fs::create_directories(runsRoot, error);
  if (error) {
    throw core::SystemError(fmt::format("cannot create {}: {}", runsRoot.string(), error.message()));
  }
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &utc);
  // Start the counter at a random point so two runs started in the same second rarely race.
  unsigned counter = std::random_device{}() % 10000;
  for (int tries = 0; tries < 10000; ++tries, counter = (counter + 1) % 10000) {
    RunDirectory run;
    run.appId = fmt::format("app-{}-{:04d}", stamp, counter);
    run.root = runsRoot / run.appId;
    // mkdir, not create_directories: it fails when another run took the name first.
    if (::mkdir(run.root.c_str(), 0755) == 0) {
      for (const fs::path& sub : {run.shuffleDir(), run.socketDir()}) {
        if (::mkdir(sub.c_str(), sub == run.socketDir() ? 0700 : 0755) != 0) {
          throw core::SystemError(fmt::format("cannot create {}: {}", sub.string(), std::strerror(errno)));
        }
      }
      return run;
    }
    if (errno != EEXIST) {
      throw core::SystemError(fmt::format("cannot create {}: {}", run.root.string(), std::strerror(errno)));
    }
  }
  throw core::SystemError("cannot find a free run directory name under " + runsRoot.string());
}

}  // namespace jobtuner::runtime

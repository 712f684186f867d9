// Feeds arbitrary bytes to the CSV reader as a file, split at a point the first byte chooses,
// with bad records skipped: whatever the bytes, the reader must return rows or a UserError.

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.h"
#include "runtime/csv_reader.h"

using namespace jobtuner;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 16)) return 0;
  static const int fd = memfd_create("csv-fuzz", 0);
  static const std::string path = "/proc/self/fd/" + std::to_string(fd);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data + 1, size - 1, 0) != static_cast<ssize_t>(size - 1)) return 0;
  core::Schema schema({{"a", core::DataType::int64()}, {"b", core::DataType::string()},
                       {"c", core::DataType::decimal(10, 2)}, {"d", core::DataType::timestamp()}});
  auto length = static_cast<int64_t>(size - 1);
  int64_t cut = length == 0 ? 0 : data[0] % (length + 1);
  for (auto [start, end] : {std::pair<int64_t, int64_t>{0, cut}, {cut, length}}) {
    try {
      runtime::CsvReader reader({path, start, end - start}, schema,
                                runtime::CsvOptions{',', runtime::BadRecordPolicy::kSkip, 3});
      while (reader.next()) {
      }
    } catch (const core::UserError&) {
      // A header without the schema's columns.
    }
  }
  return 0;
}

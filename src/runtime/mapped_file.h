#pragma once

// A whole file mapped read-only into memory: input splits read their part of it in place.

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace jobtuner::runtime {

class MappedFile {
 public:
  MappedFile() = default;
  /// Throws core::UserError when the file cannot be opened (a missing input is the user's to fix).
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace jobtuner::runtime

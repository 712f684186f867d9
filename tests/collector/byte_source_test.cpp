#include "collector/byte_source.h"

#include <zstd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.h"
#include "support/test_support.h"

using namespace jobtuner::collector;
using jobtuner::core::UserError;
using jobtuner::testing::readFile;
using jobtuner::testing::requireCorpus;
using jobtuner::testing::TempDir;
using jobtuner::testing::writeFile;
namespace fs = std::filesystem;

namespace {

std::string compress(const std::string& plain, bool checksum = false) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  size_t size = ZSTD_compress2(context, out.data(), out.size(), plain.data(), plain.size());
  ZSTD_freeCCtx(context);
  REQUIRE_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

// Lines shaped like Spark events, varied enough not to compress to nothing.
std::string sampleEvents(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) {
    text += "{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":" + std::to_string(i % 17) +
            ",\"Task Info\":{\"Task ID\":" + std::to_string(i * 7919 % 100003) + "}}\n";
  }
  return text;
}

// Delivers the compressed bytes a few at a time, so frames and blocks straddle every read.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::string_view bytes, size_t step) : bytes_(bytes), step_(step) {}
  size_t read(char* buffer, size_t capacity) override {
    size_t count = std::min({capacity, step_, bytes_.size() - position_});
    std::copy_n(bytes_.data() + position_, count, buffer);
    position_ += count;
    return count;
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return position_; }

 private:
  std::string_view bytes_;
  size_t step_;
  size_t position_ = 0;
  std::string damage_;
};

std::string readAll(ByteSource& source, size_t capacity = 65536) {
  std::string result;
  std::vector<char> buffer(capacity);
  while (size_t count = source.read(buffer.data(), buffer.size())) result.append(buffer.data(), count);
  // The end is sticky: a stream that ended stays ended.
  CHECK(source.read(buffer.data(), buffer.size()) == 0);
  return result;
}

}  // namespace

TEST_CASE("byte source reads a plain file whole", "[collector][byte_source]") {
  TempDir dir;
  std::string content = sampleEvents(5000);
  writeFile(dir / "app-1", content);
  auto source = openByteSource(dir / "app-1", Codec::None);
  CHECK(readAll(*source, 1000) == content);
  CHECK(source->damage().empty());
  CHECK(source->rawBytesRead() == content.size());
}

TEST_CASE("byte source rejects a missing file and a directory", "[collector][byte_source]") {
  TempDir dir;
  REQUIRE_THROWS_AS(openByteSource(dir / "missing", Codec::None), UserError);
  try {
    openByteSource(dir / "missing", Codec::Zstd);
    FAIL("expected a UserError");
  } catch (const UserError& error) {
    CHECK_THAT(error.what(), Catch::Contains((dir / "missing").string()) && Catch::Contains("cannot open"));
  }
  CHECK_THROWS_WITH(openByteSource(dir.path(), Codec::None), Catch::Contains("is a directory"));
}

TEST_CASE("byte source reports damage for a file that is not in the codec its name says", "[collector][byte_source]") {
  TempDir dir;
  writeFile(dir / "app-1.lz4", "whatever, but not lz4");
  for (Codec codec : {Codec::Lz4, Codec::Snappy, Codec::Lzf}) {
    auto source = openByteSource(dir / "app-1.lz4", codec);
    char buffer[64];
    while (source->read(buffer, sizeof(buffer)) > 0) {
    }
    CHECK_FALSE(source->damage().empty());
  }
}

TEST_CASE("zstd byte source round-trips several frames", "[collector][byte_source]") {
  std::string first = sampleEvents(20000);
  std::string second = sampleEvents(3);
  std::string compressed = compress(first) + compress("") + compress(second, true);
  for (size_t capacity : {size_t{1}, size_t{7}, size_t{65536}, size_t{4} << 20}) {
    INFO("capacity " << capacity);
    auto source = openZstdDecoder(openMemoryByteSource(compressed));
    CHECK(readAll(*source, capacity) == first + second);
    CHECK(source->damage().empty());
    CHECK(source->rawBytesRead() == compressed.size());
  }
  for (size_t step : {size_t{1}, size_t{3}}) {
    INFO("compressed bytes per read " << step);
    auto source = openZstdDecoder(std::make_unique<TrickleSource>(compressed, step));
    CHECK(readAll(*source, 4096) == first + second);
    CHECK(source->damage().empty());
  }
  TempDir dir;
  writeFile(dir / "app-1.zstd", compressed);
  auto fromFile = openByteSource(dir / "app-1.zstd", Codec::Zstd);
  CHECK(readAll(*fromFile) == first + second);
  CHECK(fromFile->damage().empty());
}

TEST_CASE("zstd byte source treats an empty file as an empty stream", "[collector][byte_source]") {
  auto source = openZstdDecoder(openMemoryByteSource(""));
  CHECK(readAll(*source).empty());
  CHECK(source->damage().empty());
}

TEST_CASE("zstd byte source reports a truncated stream and delivers what precedes it", "[collector][byte_source]") {
  std::string plain = sampleEvents(30000);
  std::string compressed = compress(plain);
  for (size_t cut : {compressed.size() / 2, compressed.size() - 1, size_t{3}}) {
    INFO("cut at " << cut);
    std::string truncated = compressed.substr(0, cut);
    auto source = openZstdDecoder(openMemoryByteSource(truncated));
    std::string decoded = readAll(*source);
    CHECK(source->damage() == "zstd stream is truncated after " + std::to_string(cut) + " bytes");
    CHECK(plain.compare(0, decoded.size(), decoded) == 0);
    if (cut == compressed.size() / 2) CHECK(decoded.size() > plain.size() / 4);
  }
}

TEST_CASE("zstd byte source reports corrupt data with zstd's error name", "[collector][byte_source]") {
  std::string plain = sampleEvents(1000);
  SECTION("garbage after a complete frame") {
    std::string compressed = compress(plain) + "not zstd at all";
    auto source = openZstdDecoder(openMemoryByteSource(compressed));
    CHECK(readAll(*source) == plain);
    CHECK_THAT(source->damage(), Catch::StartsWith("zstd data is corrupt after") &&
                                     Catch::Contains("Unknown frame descriptor"));
  }
  SECTION("a plain file read as zstd") {
    auto source = openZstdDecoder(openMemoryByteSource(plain));
    CHECK(readAll(*source).empty());
    CHECK_THAT(source->damage(), Catch::Contains("corrupt"));
  }
  SECTION("a flipped byte inside a checksummed frame") {
    std::string compressed = compress(plain, true);
    compressed[compressed.size() / 2] = static_cast<char>(compressed[compressed.size() / 2] ^ 0x5a);
    auto source = openZstdDecoder(openMemoryByteSource(compressed));
    readAll(*source);
    CHECK_THAT(source->damage(), Catch::StartsWith("zstd data is corrupt after"));
  }
}

TEST_CASE("concatenated byte source reads parts in order", "[collector][byte_source]") {
  TempDir dir;
  std::vector<fs::path> parts;
  std::string expected;
  for (int i = 1; i <= 3; ++i) {
    std::string content = sampleEvents(static_cast<size_t>(i) * 100);
    parts.push_back(dir / ("events_" + std::to_string(i) + "_app.zstd"));
    writeFile(parts.back(), compress(content));
    expected += content;
  }
  auto source = openConcatenated(parts, Codec::Zstd);
  CHECK(readAll(*source, 333) == expected);
  CHECK(source->damage().empty());
  uint64_t compressedTotal = 0;
  for (const auto& part : parts) compressedTotal += fs::file_size(part);
  CHECK(source->rawBytesRead() == compressedTotal);
  CHECK(readAll(*openConcatenated({}, Codec::None)).empty());
}

TEST_CASE("concatenated byte source ends at a damaged part and names it", "[collector][byte_source]") {
  TempDir dir;
  std::string first = sampleEvents(100);
  std::string compressedSecond = compress(sampleEvents(5000));
  writeFile(dir / "events_1_app.zstd", compress(first));
  writeFile(dir / "events_2_app.zstd", compressedSecond.substr(0, compressedSecond.size() / 2));
  writeFile(dir / "events_3_app.zstd", compress("never read\n"));
  auto source = openConcatenated({dir / "events_1_app.zstd", dir / "events_2_app.zstd", dir / "events_3_app.zstd"},
                                 Codec::Zstd);
  std::string decoded = readAll(*source);
  CHECK(decoded.starts_with(first));
  CHECK(decoded.find("never read") == std::string::npos);
  CHECK_THAT(source->damage(), Catch::StartsWith("events_2_app.zstd: zstd stream is truncated after"));
}

TEST_CASE("concatenated byte source turns a vanished later part into damage", "[collector][byte_source]") {
  TempDir dir;
  writeFile(dir / "events_1_app", "line one\n");
  auto source = openConcatenated({dir / "events_1_app", dir / "events_2_app"}, Codec::None);
  CHECK(readAll(*source) == "line one\n");
  CHECK_THAT(source->damage(), Catch::Contains("events_2_app") && Catch::Contains("cannot open"));
  CHECK_THROWS_AS(openConcatenated({dir / "events_0_app"}, Codec::None), UserError);
}

TEST_CASE("every zstd event log in the corpus decodes without damage", "[collector][byte_source][corpus]") {
  auto corpus = requireCorpus();
  if (!corpus) return;
  int decoded = 0;
  for (const auto& entry : fs::recursive_directory_iterator(*corpus)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".zstd") continue;
    INFO(entry.path().string());
    auto source = openByteSource(entry.path(), Codec::Zstd);
    std::vector<char> buffer(size_t{1} << 20);
    uint64_t total = 0;
    std::string head;
    while (size_t count = source->read(buffer.data(), buffer.size())) {
      if (head.empty()) head.assign(buffer.data(), std::min<size_t>(count, 9));
      total += count;
    }
    CHECK(source->damage().empty());
    CHECK(source->rawBytesRead() == fs::file_size(entry.path()));
    CHECK(head == "{\"Event\":");
    CHECK(total > 0);
    ++decoded;
  }
  // MANIFEST.md: 18 single-file zstd logs plus the 2 zstd parts of one rolling log.
  CHECK(decoded == 20);
}

// The lz4, snappy, lzf (and zstd) decoders against bytes written by the Java libraries Spark itself
// uses, configured as Spark configures them (codec_fixture_writer/CodecFixtureWriter.java). The
// fixtures are written at test time from logs generated here, so nothing binary is checked in.
// Needs java, javac and Debian's liblz4-java, libsnappy-java, libzstd-jni-java and
// libcompress-lzf-java (scripts/setup; JOBTUNER_JAVA_LIBS names another jar directory): skipped
// without them on a developer machine, failed in CI.

#include <snappy.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "collector/codec_sources.h"
#include "collector/log_layout.h"
#include "support/test_support.h"

using namespace jobtuner::collector;
using jobtuner::testing::readFile;
using jobtuner::testing::requireTool;
using jobtuner::testing::runningInCi;
using jobtuner::testing::runProgram;
using jobtuner::testing::TempDir;
using jobtuner::testing::writeFile;
namespace fs = std::filesystem;

namespace {

constexpr size_t kSparkBlockBytes = 32 * 1024;
const char* const kJars[] = {"lz4-java.jar", "snappy-java.jar", "zstd-jni.jar", "compress-lzf.jar"};
const char* const kCodecNames[] = {"lz4", "snappy", "lzf", "zstd"};

Codec codecNamed(const std::string& name) {
  if (name == "lz4") return Codec::Lz4;
  if (name == "snappy") return Codec::Snappy;
  if (name == "lzf") return Codec::Lzf;
  return Codec::Zstd;
}

// A Spark-like event log: thousands of task events, the events Spark flushes after, a few lines
// longer than a block (an environment update, a SQL plan) and some UTF-8.
std::string sparkLikeLog() {
  std::string log = "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.5.1\"}\n";
  log += "{\"Event\":\"SparkListenerEnvironmentUpdate\",\"Spark Properties\":{";
  for (int i = 0; i < 2500; ++i) log += "\"spark.jobtuner.property" + std::to_string(i) + "\":\"value-" + std::to_string(i * 31) + "\",";
  log += "\"spark.app.name\":\"caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\"}}\n";
  uint32_t state = 42;
  int taskId = 0;
  for (int stage = 0; stage < 12; ++stage) {
    log += "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":" + std::to_string(stage) + "}\n";
    log += "{\"Event\":\"SparkListenerStageSubmitted\",\"Stage Info\":{\"Stage ID\":" + std::to_string(stage) + "}}\n";
    for (int task = 0; task < 250; ++task, ++taskId) {
      state = state * 1103515245 + 12345;
      log += "{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":" + std::to_string(stage) +
             ",\"Task Info\":{\"Task ID\":" + std::to_string(taskId) + ",\"Executor ID\":\"" +
             std::to_string(state % 7) + "\",\"Launch Time\":" + std::to_string(1700000000000ULL + state % 100000) +
             "},\"Task Metrics\":{\"Executor Run Time\":" + std::to_string(state >> 20) +
             ",\"JVM GC Time\":" + std::to_string(state % 97) + "}}\n";
    }
    if (stage == 6) {
      log += "{\"Event\":\"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart\",\"physicalPlanDescription\":\"";
      for (int i = 0; i < 4000; ++i) log += "+- Exchange hashpartitioning(key#" + std::to_string(i) + ", 200)\\n";
      log += "\"}\n";
    }
    log += "{\"Event\":\"SparkListenerStageCompleted\",\"Stage Info\":{\"Stage ID\":" + std::to_string(stage) + "}}\n";
    log += "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":" + std::to_string(stage) + "}\n";
  }
  log += "{\"Event\":\"SparkListenerApplicationEnd\",\"Timestamp\":1700000999999}\n";
  return log;
}

struct Fixtures {
  TempDir dir;
  std::map<std::string, std::string> plain;                       // name -> content
  std::map<std::pair<std::string, std::string>, std::string> compressed;  // (codec, name) -> bytes
};

// Compiles the fixture writer and writes every (codec, plain file) pair in one JVM run. Returns
// null after a skip (developer machine) or a failure (CI) when Java or a jar is missing.
const Fixtures* javaFixtures() {
  static std::unique_ptr<Fixtures> fixtures;
  if (fixtures) return fixtures.get();
  if (!requireTool("java") || !requireTool("javac")) return nullptr;
  const char* override = std::getenv("JOBTUNER_JAVA_LIBS");
  fs::path libraries = override && *override ? fs::path(override) : fs::path("/usr/share/java");
  std::string classpath;
  for (const char* jar : kJars) {
    if (!fs::exists(libraries / jar)) {
      if (runningInCi()) FAIL("missing " << (libraries / jar) << " (scripts/setup installs it); CI=true makes this a failure");
      WARN("skipped: missing " << (libraries / jar) << " (run scripts/setup)");
      return nullptr;
    }
    classpath += (libraries / jar).string() + ":";
  }

  auto result = std::make_unique<Fixtures>();
  fs::path source = fs::path(JOBTUNER_SOURCE_DIR) / "tests/collector/codec_fixture_writer/CodecFixtureWriter.java";
  auto compiled = runProgram("javac", {"-cp", classpath, "-d", result->dir.path().string(), source.string()});
  INFO(compiled.err);
  REQUIRE(compiled.exitCode == 0);

  result->plain["events"] = sparkLikeLog();
  result->plain["empty"] = "";
  std::string oneBlock = sparkLikeLog().substr(0, kSparkBlockBytes - 1) + "\n";
  REQUIRE(oneBlock.size() == kSparkBlockBytes);
  result->plain["one-block"] = oneBlock;
  std::vector<std::string> arguments = {"-cp", classpath + result->dir.path().string(), "CodecFixtureWriter"};
  for (const auto& [name, content] : result->plain) {
    writeFile(result->dir / name, content);
    for (const char* codec : kCodecNames) {
      arguments.insert(arguments.end(), {codec, (result->dir / name).string(),
                                         (result->dir / (name + "." + codec)).string()});
    }
  }
  auto written = runProgram("java", arguments);
  INFO(written.err);
  REQUIRE(written.exitCode == 0);
  for (const auto& [name, content] : result->plain) {
    for (const char* codec : kCodecNames) {
      result->compressed[{codec, name}] = readFile(result->dir / (name + "." + codec));
    }
  }
  fixtures = std::move(result);
  return fixtures.get();
}

struct Decoded {
  std::string bytes;
  std::string damage;
  uint64_t rawBytes = 0;
};

Decoded decode(const std::string& compressed, Codec codec, uint64_t limit = kNoDecompressedLimit) {
  auto source = openCompressedSource(openMemoryByteSource(compressed), codec, limit);
  Decoded result;
  std::vector<char> buffer(size_t{256} << 10);
  while (size_t count = source->read(buffer.data(), buffer.size())) result.bytes.append(buffer.data(), count);
  CHECK(source->read(buffer.data(), buffer.size()) == 0);
  result.damage = source->damage();
  result.rawBytes = source->rawBytesRead();
  return result;
}

// One block of a fixture, found by walking its framing independently of the decoders.
struct Block {
  size_t offset = 0;
  size_t headerBytes = 0;
  size_t totalBytes = 0;
  size_t decompressedBytes = 0;
};

uint32_t bytesAt(const std::string& data, size_t offset, int count, bool bigEndian) {
  uint32_t value = 0;
  for (int i = 0; i < count; ++i) {
    uint32_t byte = static_cast<unsigned char>(data[offset + (bigEndian ? i : count - 1 - i)]);
    value = value << 8 | byte;
  }
  return value;
}

std::vector<Block> blocksOf(const std::string& codec, const std::string& data) {
  std::vector<Block> blocks;
  size_t offset = codec == "snappy" ? 16 : 0;
  while (offset < data.size()) {
    Block block{offset};
    if (codec == "lz4") {
      block.headerBytes = 21;
      block.totalBytes = 21 + bytesAt(data, offset + 9, 4, false);
      block.decompressedBytes = bytesAt(data, offset + 13, 4, false);
    } else if (codec == "snappy") {
      block.headerBytes = 4;
      block.totalBytes = 4 + bytesAt(data, offset, 4, true);
      REQUIRE(snappy::GetUncompressedLength(data.data() + offset + 4, block.totalBytes - 4, &block.decompressedBytes));
    } else {
      bool compressed = data[offset + 2] == 1;
      block.headerBytes = compressed ? 7 : 5;
      block.totalBytes = block.headerBytes + bytesAt(data, offset + 3, 2, true);
      block.decompressedBytes = compressed ? bytesAt(data, offset + 5, 2, true) : block.totalBytes - 5;
    }
    blocks.push_back(block);
    offset += block.totalBytes;
  }
  REQUIRE(offset == data.size());
  return blocks;
}

size_t decompressedBefore(const std::vector<Block>& blocks, size_t index) {
  size_t total = 0;
  for (size_t i = 0; i < index; ++i) total += blocks[i].decompressedBytes;
  return total;
}

}  // namespace

TEST_CASE("event logs compressed by Spark's codec libraries decode to the original bytes",
          "[collector][codecs][java]") {
  const Fixtures* fixtures = javaFixtures();
  if (!fixtures) return;
  for (const auto& [key, compressed] : fixtures->compressed) {
    const auto& [codec, name] = key;
    INFO(codec << " " << name);
    Decoded decoded = decode(compressed, codecNamed(codec));
    CHECK(decoded.damage.empty());
    CHECK(decoded.bytes == fixtures->plain.at(name));
    CHECK(decoded.rawBytes == compressed.size());
  }
  // The fixtures exercise what they claim to: blocks of Spark's size, and smaller flushed ones.
  for (const char* codec : {"lz4", "snappy", "lzf"}) {
    INFO(codec);
    std::vector<Block> blocks = blocksOf(codec, fixtures->compressed.at({codec, "events"}));
    CHECK(blocks.size() > 10);
    if (std::string(codec) != "lzf") CHECK(blocks.front().decompressedBytes == kSparkBlockBytes);
  }
  CHECK(blocksOf("lz4", fixtures->compressed.at({"lz4", "one-block"})).size() == 2);  // the block, the end mark
  CHECK(blocksOf("snappy", fixtures->compressed.at({"snappy", "one-block"})).size() == 1);
}

TEST_CASE("truncated Spark-written logs deliver every whole block before the cut", "[collector][codecs][java]") {
  const Fixtures* fixtures = javaFixtures();
  if (!fixtures) return;
  const std::string& plain = fixtures->plain.at("events");
  for (const char* codecName : {"lz4", "snappy", "lzf"}) {
    std::string codec = codecName;
    const std::string& compressed = fixtures->compressed.at({codec, "events"});
    std::vector<Block> blocks = blocksOf(codec, compressed);
    size_t middle = blocks.size() / 2;
    const Block& block = blocks[middle];
    std::string truncated = codec + " stream is truncated after ";

    INFO(codec << ", cut in the header of block " << middle);
    Decoded inHeader = decode(compressed.substr(0, block.offset + block.headerBytes - 1), codecNamed(codec));
    CHECK(inHeader.bytes == plain.substr(0, decompressedBefore(blocks, middle)));
    CHECK(inHeader.damage.find(truncated) == 0);

    INFO(codec << ", cut in the middle of block " << middle);
    Decoded inBlock = decode(compressed.substr(0, block.offset + block.totalBytes / 2), codecNamed(codec));
    CHECK(inBlock.bytes == plain.substr(0, decompressedBefore(blocks, middle)));
    CHECK(inBlock.damage.find(truncated) == 0);

    INFO(codec << ", cut between blocks");
    Decoded between = decode(compressed.substr(0, block.offset), codecNamed(codec));
    CHECK(between.bytes == plain.substr(0, decompressedBefore(blocks, middle)));
    if (codec == "lz4") {
      CHECK(between.damage.find("no end-of-stream block") != std::string::npos);
    } else {
      CHECK(between.damage.empty());  // these formats have no end mark: nothing says a block is missing
    }

    // Anywhere else: never a crash, never a byte that was not in the log.
    for (size_t cut = 1; cut < compressed.size(); cut += 997) {
      INFO(codec << ", cut at " << cut);
      Decoded decoded = decode(compressed.substr(0, cut), codecNamed(codec));
      CHECK(plain.compare(0, decoded.bytes.size(), decoded.bytes) == 0);
    }
  }
}

TEST_CASE("corrupted Spark-written logs stop at the bad block", "[collector][codecs][java]") {
  const Fixtures* fixtures = javaFixtures();
  if (!fixtures) return;
  const std::string& plain = fixtures->plain.at("events");
  for (const char* codecName : {"lz4", "snappy", "lzf"}) {
    std::string codec = codecName;
    std::string compressed = fixtures->compressed.at({codec, "events"});
    std::vector<Block> blocks = blocksOf(codec, compressed);
    size_t index = blocks.size() / 2;
    // lzf: pick a compressed chunk, whose data can be checked; stored chunks carry no check at all.
    while (codec == "lzf" && compressed[blocks[index].offset + 2] != 1 && index + 1 < blocks.size()) ++index;
    const Block& block = blocks[index];
    if (codec == "lzf") REQUIRE(compressed[block.offset + 2] == 1);
    std::string expected;
    if (codec == "lz4") {
      compressed[block.offset + block.headerBytes + block.totalBytes / 3] ^= 0x04;  // xxhash32 catches any change
      expected = "lz4 data is corrupt after " + std::to_string(block.offset) + " bytes: ";
    } else if (codec == "snappy") {
      compressed[block.offset + block.headerBytes] ^= 0x01;  // the block's own length, off by one
      expected = "snappy data is corrupt after " + std::to_string(block.offset) + " bytes: a block does not decode";
    } else {
      compressed[block.offset + 6] ^= 0x01;  // the declared decompressed length, off by one
      expected = "lzf data is corrupt after " + std::to_string(block.offset) + " bytes: a chunk does not decode";
    }
    INFO(codec << ", block " << index);
    Decoded decoded = decode(compressed, codecNamed(codec));
    CHECK(decoded.bytes == plain.substr(0, decompressedBefore(blocks, index)));
    CHECK(decoded.damage.find(expected) == 0);
  }

  // A changed checksum field is reported as a checksum failure, not as anything else.
  std::string lz4 = fixtures->compressed.at({"lz4", "events"});
  std::vector<Block> blocks = blocksOf("lz4", lz4);
  lz4[blocks[3].offset + 17] ^= 0x01;
  Decoded decoded = decode(lz4, Codec::Lz4);
  CHECK(decoded.bytes == plain.substr(0, 3 * kSparkBlockBytes));
  CHECK(decoded.damage == "lz4 data is corrupt after " + std::to_string(blocks[3].offset) +
                              " bytes: a block's checksum does not match its content");
}

TEST_CASE("Spark-written logs stop at the decompressed-size limit", "[collector][codecs][java]") {
  const Fixtures* fixtures = javaFixtures();
  if (!fixtures) return;
  const std::string& plain = fixtures->plain.at("events");
  uint64_t limit = plain.size() / 3;
  for (const char* codec : kCodecNames) {
    INFO(codec);
    Decoded limited = decode(fixtures->compressed.at({codec, "events"}), codecNamed(codec), limit);
    CHECK(limited.bytes == plain.substr(0, limit));
    CHECK(limited.damage == "decompressed size exceeds the limit of " + std::to_string(limit) + " bytes");
    Decoded exact = decode(fixtures->compressed.at({codec, "events"}), codecNamed(codec), plain.size());
    CHECK(exact.damage.empty());
  }
}

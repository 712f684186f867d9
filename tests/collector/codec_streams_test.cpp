// The lz4, snappy and lzf decoders on streams built here byte by byte, so every framing rule and
// every kind of damage is covered without Java. codec_fixtures_test.cpp checks the same decoders
// against bytes written by the Java libraries Spark uses.

#include <lz4.h>
#include <snappy.h>
#include <zstd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "collector/codec_sources.h"
#include "collector/lz4_block_stream.h"
#include "collector/lzf_stream.h"
#include "collector/snappy_stream.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

using namespace jobtuner::collector;

namespace {

struct Decoded {
  std::string bytes;
  std::string damage;
  uint64_t rawBytes = 0;
};

Decoded decode(const std::string& compressed, Codec codec, uint64_t limit = kNoDecompressedLimit,
               size_t capacity = 4096) {
  auto source = openCompressedSource(openMemoryByteSource(compressed), codec, limit);
  Decoded result;
  std::vector<char> buffer(capacity);
  while (size_t count = source->read(buffer.data(), buffer.size())) result.bytes.append(buffer.data(), count);
  // The end is sticky, and damage, once told, stays.
  CHECK(source->read(buffer.data(), buffer.size()) == 0);
  result.damage = source->damage();
  result.rawBytes = source->rawBytesRead();
  return result;
}

// Text that compresses, but not to nothing.
std::string sampleText(size_t bytes, unsigned seed = 1) {
  std::string text;
  uint32_t state = seed;
  while (text.size() < bytes) {
    state = state * 1103515245 + 12345;
    text += "{\"Event\":\"SparkListenerTaskEnd\",\"Task ID\":" + std::to_string(state >> 8) + "}\n";
  }
  text.resize(bytes);
  return text;
}

void appendLittleEndian32(std::string& out, uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((value >> shift) & 0xFF);
}

void appendBigEndian32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

// ---- lz4-java blocks ----

constexpr unsigned kLz4Level = 5;  // what lz4-java writes for Spark's 32 KiB blocks

uint32_t lz4Checksum(const std::string& data) { return XXH32(data.data(), data.size(), 0x9747b28c) & 0x0FFFFFFF; }

std::string lz4Header(unsigned method, uint32_t compressedLength, uint32_t decompressedLength, uint32_t check) {
  std::string header = "LZ4Block";
  header += static_cast<char>(method | kLz4Level);
  appendLittleEndian32(header, compressedLength);
  appendLittleEndian32(header, decompressedLength);
  appendLittleEndian32(header, check);
  return header;
}

std::string lz4Block(const std::string& data, bool raw = false) {
  if (raw) return lz4Header(0x10, data.size(), data.size(), lz4Checksum(data)) + data;
  std::string compressed(LZ4_compressBound(static_cast<int>(data.size())), '\0');
  int size = LZ4_compress_default(data.data(), compressed.data(), static_cast<int>(data.size()),
                                  static_cast<int>(compressed.size()));
  REQUIRE(size > 0);
  compressed.resize(size);
  return lz4Header(0x20, compressed.size(), data.size(), lz4Checksum(data)) + compressed;
}

std::string lz4EndMark() { return lz4Header(0x10, 0, 0, 0); }

// ---- snappy-java stream ----

std::string snappyHeader() { return std::string("\x82SNAPPY\0\0\0\0\x01\0\0\0\x01", 16); }

std::string snappyBlock(const std::string& data) {
  std::string compressed;
  snappy::Compress(data.data(), data.size(), &compressed);
  std::string block;
  appendBigEndian32(block, compressed.size());
  return block + compressed;
}

// ---- compress-lzf chunks ----

std::string lzfStoredChunk(const std::string& data) {
  std::string chunk = "ZV";
  chunk += '\0';
  chunk += static_cast<char>(data.size() >> 8);
  chunk += static_cast<char>(data.size() & 0xFF);
  return chunk + data;
}

std::string lzfCompressedChunk(const std::string& lzfData, size_t decompressedLength) {
  std::string chunk = "ZV";
  chunk += '\x01';
  chunk += static_cast<char>(lzfData.size() >> 8);
  chunk += static_cast<char>(lzfData.size() & 0xFF);
  chunk += static_cast<char>(decompressedLength >> 8);
  chunk += static_cast<char>(decompressedLength & 0xFF);
  return chunk + lzfData;
}

// LZF for "ab" then 10 bytes copied from 2 back (overlapping): "abababababab".
const std::string kLzfRepeat = std::string("\x01" "ab", 3) + std::string("\xE0\x01\x01", 3);
const std::string kLzfRepeatPlain = "abababababab";

}  // namespace

TEST_CASE("lz4 decoder reads raw and compressed blocks and concatenated streams", "[collector][codecs]") {
  std::string first = sampleText(40000, 1);
  std::string second = sampleText(100, 2);
  std::string third = sampleText(5000, 3);
  std::string stream = lz4Block(first.substr(0, 32768)) + lz4Block(first.substr(32768), true) + lz4EndMark() +
                       lz4Block(second) + lz4EndMark() + lz4Block(third) + lz4EndMark();
  for (size_t capacity : {size_t{1}, size_t{7}, size_t{65536}}) {
    Decoded decoded = decode(stream, Codec::Lz4, kNoDecompressedLimit, capacity);
    CHECK(decoded.damage.empty());
    CHECK(decoded.bytes == first + second + third);
    CHECK(decoded.rawBytes == stream.size());
  }
}

TEST_CASE("lz4 decoder treats an empty file and a lone end mark as empty streams", "[collector][codecs]") {
  for (const std::string& stream : {std::string(), lz4EndMark(), lz4EndMark() + lz4EndMark()}) {
    Decoded decoded = decode(stream, Codec::Lz4);
    CHECK(decoded.bytes.empty());
    CHECK(decoded.damage.empty());
  }
}

TEST_CASE("lz4 decoder reports a stream that stops before its end mark, after delivering it",
          "[collector][codecs]") {
  std::string text = sampleText(50000);
  Decoded decoded = decode(lz4Block(text.substr(0, 30000)) + lz4Block(text.substr(30000)), Codec::Lz4);
  CHECK(decoded.bytes == text);
  CHECK(decoded.damage.find("lz4 stream is truncated") != std::string::npos);
  CHECK(decoded.damage.find("no end-of-stream block") != std::string::npos);
}

TEST_CASE("lz4 decoder cut at any byte delivers a prefix of whole blocks and says so", "[collector][codecs]") {
  std::string text = sampleText(3000);
  std::string firstBlock = lz4Block(text.substr(0, 1000));
  std::string stream = firstBlock + lz4Block(text.substr(1000, 1000), true) + lz4Block(text.substr(2000)) + lz4EndMark();
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    INFO("cut at " << cut);
    Decoded decoded = decode(stream.substr(0, cut), Codec::Lz4);
    CHECK(text.compare(0, decoded.bytes.size(), decoded.bytes) == 0);
    CHECK(decoded.bytes.size() % 1000 == 0);  // whole blocks only
    CHECK_FALSE(decoded.damage.empty());
    if (cut < firstBlock.size()) CHECK(decoded.bytes.empty());
  }
}

TEST_CASE("lz4 decoder verifies each block's masked xxhash32 checksum", "[collector][codecs]") {
  std::string good = sampleText(2000, 4);
  std::string bad = sampleText(2000, 5);
  std::string badBlock = lz4Block(bad, true);

  SECTION("a flipped byte in the content") {
    badBlock[badBlock.size() - 10] ^= 0x20;
  }
  SECTION("the checksum without lz4-java's 28-bit mask") {
    uint32_t unmasked = XXH32(bad.data(), bad.size(), 0x9747b28c);
    REQUIRE((unmasked & 0xF0000000) != 0);  // else the mask would not change it
    std::string field;
    appendLittleEndian32(field, unmasked);
    badBlock.replace(17, 4, field);
  }
  SECTION("a checksum computed with seed zero") {
    std::string field;
    appendLittleEndian32(field, XXH32(bad.data(), bad.size(), 0) & 0x0FFFFFFF);
    badBlock.replace(17, 4, field);
  }
  std::string firstBlock = lz4Block(good);
  Decoded decoded = decode(firstBlock + badBlock + lz4Block(good) + lz4EndMark(), Codec::Lz4);
  CHECK(decoded.bytes == good);
  CHECK(decoded.damage ==
        "lz4 data is corrupt after " + std::to_string(firstBlock.size()) + " bytes: a block's checksum does not match its content");
}

TEST_CASE("lz4 decoder rejects malformed block headers without trusting their lengths", "[collector][codecs]") {
  std::string text = sampleText(1000);
  std::string block = lz4Block(text);
  std::string expected;
  SECTION("bad magic") {
    block[3] = 'b';
    expected = "does not start with the LZ4Block magic";
  }
  SECTION("unknown method") {
    block[8] = static_cast<char>(0x30 | kLz4Level);
    expected = "unknown compression method 0x30";
  }
  SECTION("a length beyond what the level allows") {
    block = lz4Header(0x20, 100, (1u << (10 + kLz4Level)) + 1, 0);
    expected = "exceeds its declared maximum of 32768 bytes";
  }
  SECTION("a huge length with the largest level") {
    block = lz4Header(0x20, 0xFFFFFFF0, 0xFFFFFFF0, 0);
    block[8] = 0x2F;
    expected = "exceeds its declared maximum";
  }
  SECTION("a raw block whose lengths differ") {
    block = lz4Header(0x10, 10, 20, 0) + std::string(10, 'x');
    expected = "inconsistent lengths";
  }
  SECTION("a decompressed length beyond what lz4 can expand its bytes to") {
    block = lz4Header(0x20, 10, 2551, 0) + std::string(10, '\0');
    expected = "inconsistent lengths";
  }
  SECTION("a compressed length beyond any compression of the block") {
    block = lz4Header(0x20, 5000, 1000, 0);
    expected = "inconsistent lengths";
  }
  SECTION("an end mark with a checksum") {
    block = lz4Header(0x10, 0, 0, 7);
    expected = "end-of-stream block has a nonzero checksum";
  }
  SECTION("compressed data that does not decode to its length") {
    block = lz4Header(0x20, 5, 1000, 0) + std::string("\xF0\x00\x00\x00\x00", 5);
    expected = "does not decode to its declared 1000 bytes";
  }
  Decoded decoded = decode(lz4Block(text) + block + lz4EndMark(), Codec::Lz4);
  CHECK(decoded.bytes == text);
  CHECK(decoded.damage.find("lz4 data is corrupt after") == 0);
  CHECK(decoded.damage.find(expected) != std::string::npos);
}

TEST_CASE("snappy decoder reads snappy-java streams, concatenated or empty", "[collector][codecs]") {
  std::string text = sampleText(70000, 6);
  SECTION("blocks of Spark's size and flush-sized ones") {
    std::string stream = snappyHeader() + snappyBlock(text.substr(0, 32768)) + snappyBlock(text.substr(32768, 17)) +
                         snappyBlock(text.substr(32785));
    for (size_t capacity : {size_t{1}, size_t{65536}}) {
      Decoded decoded = decode(stream, Codec::Snappy, kNoDecompressedLimit, capacity);
      CHECK(decoded.damage.empty());
      CHECK(decoded.bytes == text);
      CHECK(decoded.rawBytes == stream.size());
    }
  }
  SECTION("concatenated streams") {
    std::string stream = snappyHeader() + snappyBlock(text.substr(0, 100)) + snappyHeader() + snappyHeader() +
                         snappyBlock(text.substr(100));
    Decoded decoded = decode(stream, Codec::Snappy);
    CHECK(decoded.damage.empty());
    CHECK(decoded.bytes == text);
  }
  SECTION("an empty file and a header alone") {
    for (const std::string& stream : {std::string(), snappyHeader()}) {
      Decoded decoded = decode(stream, Codec::Snappy);
      CHECK(decoded.damage.empty());
      CHECK(decoded.bytes.empty());
    }
  }
}

TEST_CASE("snappy decoder cut at any byte delivers whole blocks and says when a block was cut",
          "[collector][codecs]") {
  std::string text = sampleText(3000, 7);
  std::vector<size_t> boundaries;  // where the input may end cleanly
  std::string stream = snappyHeader();
  boundaries.push_back(stream.size());
  for (size_t offset = 0; offset < text.size(); offset += 1000) {
    stream += snappyBlock(text.substr(offset, 1000));
    boundaries.push_back(stream.size());
  }
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    INFO("cut at " << cut);
    Decoded decoded = decode(stream.substr(0, cut), Codec::Snappy);
    CHECK(text.compare(0, decoded.bytes.size(), decoded.bytes) == 0);
    bool clean = std::find(boundaries.begin(), boundaries.end(), cut) != boundaries.end();
    CHECK(decoded.damage.empty() == clean);
    if (!clean) CHECK(decoded.damage.find("snappy stream is truncated after " + std::to_string(cut)) == 0);
  }
}

TEST_CASE("snappy decoder rejects a stream without snappy-java's header", "[collector][codecs]") {
  SECTION("a file that is not a snappy-java stream") {
    Decoded decoded = decode("{\"Event\":\"SparkListenerLogStart\"}\n", Codec::Snappy);
    CHECK(decoded.bytes.empty());
    CHECK(decoded.damage == "snappy data is corrupt after 0 bytes: the stream does not start with snappy-java's "
                            "\\x82SNAPPY header");
  }
  SECTION("a short file that starts like the magic is truncated, not corrupt") {
    Decoded decoded = decode(snappyHeader().substr(0, 5), Codec::Snappy);
    CHECK(decoded.damage.find("snappy stream is truncated") == 0);
  }
  SECTION("a version older than any snappy-java writes") {
    std::string text = sampleText(1000, 8);
    std::string header = snappyHeader();
    header[11] = 0;
    Decoded decoded = decode(header + snappyBlock(text), Codec::Snappy);
    CHECK(decoded.bytes.empty());
    CHECK(decoded.damage.find("unknown version 0") != std::string::npos);
  }
}

TEST_CASE("snappy decoder rejects impossible block lengths and corrupt blocks", "[collector][codecs]") {
  std::string text = sampleText(1000, 8);
  std::string prefix = snappyHeader() + snappyBlock(text);
  std::string bad;
  std::string expected;
  SECTION("a zero block length") {
    bad = std::string(4, '\0');
    expected = "impossible length of 0 bytes";
  }
  SECTION("a negative block length is refused before anything is allocated") {
    bad = "\xFF\xFF\xFF\xF0";
    expected = "impossible length of 4294967280 bytes";
  }
  SECTION("a block declaring more than the block limit") {
    // The varint 64 MiB + 1, then filler: refused before the output is allocated.
    std::string compressed = std::string("\x81\x80\x80\x20", 4) + std::string(4000000, '\0');
    appendBigEndian32(bad, compressed.size());
    bad += compressed;
    expected = "beyond 67108864 bytes";
  }
  SECTION("a block claiming more than snappy can expand its bytes to") {
    bad = std::string("\0\0\0\x05\xE8\x07\x00\x00\x00", 9);  // 1000 bytes from 5
    expected = "a block claims 1000 bytes from only 5";
  }
  SECTION("a block whose declared length is off by one") {
    bad = snappyBlock(text);
    bad[4] ^= 0x01;  // the first byte of the varint length
    expected = "a block does not decode";
  }
  SECTION("a concatenated header that is not one") {
    bad = snappyHeader();
    bad[5] = 'X';
    expected = "does not start with snappy-java's";
  }
  Decoded decoded = decode(prefix + bad + snappyBlock(text), Codec::Snappy);
  CHECK(decoded.bytes == text);
  CHECK(decoded.damage.find("snappy data is corrupt after " + std::to_string(prefix.size()) + " bytes: ") == 0);
  CHECK(decoded.damage.find(expected) != std::string::npos);
}

TEST_CASE("lzf decompression copies literals and overlapping back references", "[collector][codecs]") {
  std::string output(kLzfRepeatPlain.size(), '\0');
  auto run = [&](const std::string& input, size_t outputSize) {
    output.assign(outputSize, '\0');
    return decompressLzf(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                         reinterpret_cast<unsigned char*>(output.data()), outputSize);
  };
  CHECK(run(kLzfRepeat, kLzfRepeatPlain.size()));
  CHECK(output == kLzfRepeatPlain);
  // A short match: 3 bits of length (here 1, so 3 bytes) at distance 1.
  CHECK(run(std::string("\x00x\x20\x00", 4), 4));
  CHECK(output == "xxxx");
  CHECK(run(std::string(), 0));

  CHECK_FALSE(run(kLzfRepeat, kLzfRepeatPlain.size() + 1));  // input ends before the output is full
  CHECK_FALSE(run(kLzfRepeat, kLzfRepeatPlain.size() - 1));  // the match would overflow the output
  CHECK_FALSE(run(kLzfRepeat + std::string("\x00z", 2), kLzfRepeatPlain.size()));  // input left over
  CHECK_FALSE(run(std::string("\x20\x00", 2), 3));  // a reference before the first byte
  CHECK_FALSE(run(std::string("\x05" "ab", 3), 6));  // a literal run longer than the input
  CHECK_FALSE(run(std::string("\x01" "ab\xE0", 4), 12));  // a long match missing its length byte
  CHECK_FALSE(run(std::string("\x01" "ab\x20", 4), 5));  // a match missing its distance byte
}

TEST_CASE("lzf decoder reads stored and compressed chunks", "[collector][codecs]") {
  std::string stored = sampleText(65535, 9);
  std::string stream = lzfStoredChunk(stored) + lzfCompressedChunk(kLzfRepeat, kLzfRepeatPlain.size()) +
                       lzfStoredChunk("") + lzfStoredChunk("tail\n");
  for (size_t capacity : {size_t{1}, size_t{100000}}) {
    Decoded decoded = decode(stream, Codec::Lzf, kNoDecompressedLimit, capacity);
    CHECK(decoded.damage.empty());
    CHECK(decoded.bytes == stored + kLzfRepeatPlain + "tail\n");
    CHECK(decoded.rawBytes == stream.size());
  }
  CHECK(decode("", Codec::Lzf).damage.empty());
}

TEST_CASE("lzf decoder cut at any byte delivers whole chunks and says when a chunk was cut", "[collector][codecs]") {
  std::string first = lzfStoredChunk("hello\n");
  std::string second = lzfCompressedChunk(kLzfRepeat, kLzfRepeatPlain.size());
  std::string stream = first + second + lzfStoredChunk("end\n");
  std::string plain = "hello\n" + kLzfRepeatPlain + "end\n";
  for (size_t cut = 1; cut < stream.size(); ++cut) {
    INFO("cut at " << cut);
    Decoded decoded = decode(stream.substr(0, cut), Codec::Lzf);
    CHECK(plain.compare(0, decoded.bytes.size(), decoded.bytes) == 0);
    bool clean = cut == first.size() || cut == first.size() + second.size();
    CHECK(decoded.damage.empty() == clean);
  }
}

TEST_CASE("lzf decoder rejects bad signatures, chunk types and chunk data", "[collector][codecs]") {
  std::string bad;
  std::string expected;
  SECTION("no signature") {
    bad = "{\"Event\":1}\n";
    expected = "does not start with the ZV signature";
  }
  SECTION("unknown type") {
    bad = lzfStoredChunk("abc");
    bad[2] = 2;
    expected = "unknown chunk type 2";
  }
  SECTION("a decompressed length the data does not fill") {
    bad = lzfCompressedChunk(kLzfRepeat, kLzfRepeatPlain.size() + 1);
    expected = "does not decode to its declared 13 bytes";
  }
  SECTION("a reference before the chunk's start") {
    bad = lzfCompressedChunk(std::string("\x01" "ab\xE0\x01\x05", 6), 12);
    expected = "does not decode";
  }
  std::string good = lzfStoredChunk("first\n");
  Decoded decoded = decode(good + bad + lzfStoredChunk("never\n"), Codec::Lzf);
  CHECK(decoded.bytes == "first\n");
  CHECK(decoded.damage.find("lzf data is corrupt after " + std::to_string(good.size()) + " bytes: ") == 0);
  CHECK(decoded.damage.find(expected) != std::string::npos);
}

TEST_CASE("every codec stops at the decompressed-size limit with exactly the limit delivered",
          "[collector][codecs]") {
  std::string text = sampleText(10000, 10);
  std::string zstd(ZSTD_compressBound(text.size()), '\0');
  zstd.resize(ZSTD_compress(zstd.data(), zstd.size(), text.data(), text.size(), 1));
  std::vector<std::pair<Codec, std::string>> streams = {
      {Codec::Lz4, lz4Block(text.substr(0, 6000)) + lz4Block(text.substr(6000)) + lz4EndMark()},
      {Codec::Snappy, snappyHeader() + snappyBlock(text.substr(0, 6000)) + snappyBlock(text.substr(6000))},
      {Codec::Lzf, lzfStoredChunk(text.substr(0, 6000)) + lzfStoredChunk(text.substr(6000))},
      {Codec::Zstd, zstd},
      {Codec::None, text},
  };
  for (const auto& [codec, stream] : streams) {
    INFO(toString(codec));
    for (uint64_t limit : {uint64_t{0}, uint64_t{1}, uint64_t{5999}, uint64_t{6000}, uint64_t{9999}}) {
      INFO("limit " << limit);
      Decoded decoded = decode(stream, codec, limit, 1000);
      CHECK(decoded.bytes == text.substr(0, limit));
      CHECK(decoded.damage == "decompressed size exceeds the limit of " + std::to_string(limit) + " bytes");
    }
    // A stream exactly as long as the limit is whole.
    Decoded exact = decode(stream, codec, text.size());
    CHECK(exact.bytes == text);
    CHECK(exact.damage.empty());
  }
}

TEST_CASE("a read failure under a decoder is the damage it reports", "[collector][codecs]") {
  // Serves its bytes, then fails the way a file read error does.
  class FailingSource final : public ByteSource {
   public:
    explicit FailingSource(std::string bytes) : bytes_(std::move(bytes)) {}
    size_t read(char* buffer, size_t capacity) override {
      size_t count = std::min(capacity, bytes_.size() - position_);
      std::memcpy(buffer, bytes_.data() + position_, count);
      position_ += count;
      if (count == 0) damage_ = "read failed after " + std::to_string(position_) + " bytes: Input/output error";
      return count;
    }
    const std::string& damage() const override { return damage_; }
    uint64_t rawBytesRead() const override { return position_; }

   private:
    std::string bytes_;
    size_t position_ = 0;
    std::string damage_;
  };

  std::string text = sampleText(3000, 11);
  std::string lz4 = lz4Block(text.substr(0, 1000)) + lz4Block(text.substr(1000));
  std::string snappy = snappyHeader() + snappyBlock(text.substr(0, 1000)) + snappyBlock(text.substr(1000));
  std::string lzf = lzfStoredChunk(text.substr(0, 1000)) + lzfStoredChunk(text.substr(1000));
  for (auto [codec, stream] : {std::pair{Codec::Lz4, lz4}, {Codec::Snappy, snappy}, {Codec::Lzf, lzf}}) {
    for (size_t cut : {stream.size() - 5, stream.size()}) {
      INFO(toString(codec) << " cut at " << cut);
      auto source = openCompressedSource(std::make_unique<FailingSource>(stream.substr(0, cut)), codec);
      std::string bytes;
      char buffer[512];
      while (size_t count = source->read(buffer, sizeof(buffer))) bytes.append(buffer, count);
      CHECK(bytes == (cut == stream.size() ? text : text.substr(0, 1000)));
      CHECK(source->damage() == "read failed after " + std::to_string(cut) + " bytes: Input/output error");
    }
  }
}

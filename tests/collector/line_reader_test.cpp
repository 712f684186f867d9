#include "collector/line_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace jobtuner::collector;

namespace {

// Hands out at most `step` bytes per read, so every line crosses read boundaries.
class TrickleSource final : public ByteSource {
 public:
  TrickleSource(std::string bytes, size_t step) : bytes_(std::move(bytes)), step_(step) {}
  size_t read(char* buffer, size_t capacity) override {
    size_t count = std::min({capacity, step_, bytes_.size() - position_});
    std::memcpy(buffer, bytes_.data() + position_, count);
    position_ += count;
    return count;
  }
  const std::string& damage() const override { return damage_; }
  uint64_t rawBytesRead() const override { return position_; }

 private:
  std::string bytes_;
  size_t step_;
  size_t position_ = 0;
  std::string damage_;
};

struct ReadLine {
  std::string text;
  int64_t number = 0;
  bool lastWithoutNewline = false;
  bool operator==(const ReadLine&) const = default;
};

std::ostream& operator<<(std::ostream& out, const ReadLine& line) {
  return out << "{" << line.number << ": \"" << line.text << "\"" << (line.lastWithoutNewline ? " cut" : "") << "}";
}

// Touches every padding byte: under ASan an out-of-bounds padding read fails the test.
void touchPadding(const Line& line) {
  volatile char sink = 0;
  for (size_t i = 0; i < kLinePadding; ++i) sink = sink ^ line.text.data()[line.text.size() + i];
}

struct ReadResult {
  std::vector<ReadLine> lines;
  std::vector<int64_t> skipped;
  uint64_t bytesRead = 0;
};

ReadResult readAll(ByteSource& source, LineLimits limits = {}) {
  LineReader reader(source, limits);
  ReadResult result;
  Line line;
  while (reader.next(line)) {
    touchPadding(line);
    result.lines.push_back({std::string(line.text), line.number, line.lastWithoutNewline});
  }
  result.skipped = reader.skippedLongLines();
  result.bytesRead = reader.bytesRead();
  return result;
}

ReadResult readAll(const std::string& input, LineLimits limits = {}, size_t step = SIZE_MAX) {
  TrickleSource source(input, step);
  return readAll(source, limits);
}

// The obvious splitter, for comparison.
ReadResult referenceSplit(const std::string& input, size_t maxLineBytes) {
  ReadResult result;
  size_t start = 0;
  int64_t number = 0;
  while (start < input.size()) {
    size_t newline = input.find('\n', start);
    bool cut = newline == std::string::npos;
    std::string text = input.substr(start, cut ? std::string::npos : newline - start);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    ++number;
    if (text.size() > maxLineBytes) {
      result.skipped.push_back(number);
    } else {
      result.lines.push_back({text, number, cut});
    }
    start = cut ? input.size() : newline + 1;
  }
  result.bytesRead = input.size();
  return result;
}

}  // namespace

TEST_CASE("line reader splits lines and numbers them from 1", "[collector][line_reader]") {
  ReadResult result = readAll("{\"Event\":\"A\"}\n{\"Event\":\"B\"}\n");
  REQUIRE(result.lines == std::vector<ReadLine>{{"{\"Event\":\"A\"}", 1, false}, {"{\"Event\":\"B\"}", 2, false}});
  CHECK(result.skipped.empty());
  CHECK(result.bytesRead == 28);
}

TEST_CASE("line reader strips a carriage return before the newline", "[collector][line_reader]") {
  ReadResult result = readAll("a\r\nb\r\n\r\nc\rd\n");
  CHECK(result.lines == std::vector<ReadLine>{{"a", 1, false}, {"b", 2, false}, {"", 3, false}, {"c\rd", 4, false}});
}

TEST_CASE("line reader returns empty lines with their numbers", "[collector][line_reader]") {
  ReadResult result = readAll("a\n\n\nb\n");
  CHECK(result.lines == std::vector<ReadLine>{{"a", 1, false}, {"", 2, false}, {"", 3, false}, {"b", 4, false}});
}

TEST_CASE("line reader marks a last line without newline", "[collector][line_reader]") {
  SECTION("cut last line") {
    ReadResult result = readAll("a\n{\"Event\":\"cut");
    CHECK(result.lines == std::vector<ReadLine>{{"a", 1, false}, {"{\"Event\":\"cut", 2, true}});
  }
  SECTION("complete last line") {
    CHECK(readAll("a\n").lines == std::vector<ReadLine>{{"a", 1, false}});
  }
  SECTION("carriage return at the very end") {
    CHECK(readAll("a\r").lines == std::vector<ReadLine>{{"a", 1, true}});
  }
  SECTION("empty input") {
    ReadResult result = readAll("");
    CHECK(result.lines.empty());
    CHECK(result.bytesRead == 0);
  }
}

TEST_CASE("line reader assembles lines crossing chunk and read boundaries", "[collector][line_reader]") {
  std::mt19937 random(42);
  std::string input;
  for (int i = 0; i < 300; ++i) {
    size_t length = random() % 50;
    for (size_t j = 0; j < length; ++j) input += static_cast<char>('a' + random() % 26);
    if (random() % 7 == 0) input += '\r';
    input += '\n';
  }
  input += "tail without newline";
  ReadResult expected = referenceSplit(input, SIZE_MAX);
  for (size_t chunk : {1, 2, 3, 7, 16, 49, 50, 64, 4096}) {
    for (size_t step : {size_t{1}, size_t{5}, SIZE_MAX}) {
      INFO("chunk " << chunk << ", read step " << step);
      LineLimits limits;
      limits.chunkBytes = chunk;
      ReadResult result = readAll(input, limits, step);
      CHECK(result.lines == expected.lines);
      CHECK(result.skipped.empty());
      CHECK(result.bytesRead == input.size());
    }
  }
}

TEST_CASE("line reader returns a 50 MB line intact", "[collector][line_reader]") {
  std::string huge(size_t{50} << 20, 'x');
  for (size_t i = 0; i < huge.size(); i += 4093) huge[i] = static_cast<char>('a' + (i / 4093) % 26);
  std::string input = "{\"Event\":\"first\"}\n" + huge + "\r\nafter\n";
  TrickleSource source(input, size_t{3} << 20);
  LineReader reader(source);
  Line line;
  REQUIRE(reader.next(line));
  CHECK(line.text == "{\"Event\":\"first\"}");
  REQUIRE(reader.next(line));
  CHECK(line.number == 2);
  REQUIRE(line.text.size() == huge.size());
  CHECK(std::memcmp(line.text.data(), huge.data(), huge.size()) == 0);
  touchPadding(line);
  REQUIRE(reader.next(line));
  CHECK(line.text == "after");
  CHECK(line.number == 3);
  CHECK_FALSE(reader.next(line));
  CHECK(reader.skippedLongLines().empty());
}

TEST_CASE("line reader skips a line over the limit and keeps reading", "[collector][line_reader]") {
  std::string input = "short\n" + std::string(100, 'x') + "\nafter\n" + std::string(30, 'y');
  for (size_t chunk : {size_t{4}, size_t{16}, size_t{4096}}) {
    INFO("chunk " << chunk);
    LineLimits limits;
    limits.maxLineBytes = 10;
    limits.chunkBytes = chunk;
    ReadResult result = readAll(input, limits);
    CHECK(result.lines == std::vector<ReadLine>{{"short", 1, false}, {"after", 3, false}});
    CHECK(result.skipped == std::vector<int64_t>{2, 4});
    CHECK(result.bytesRead == input.size());
  }
}

TEST_CASE("line reader limit counts the line without its line ending", "[collector][line_reader]") {
  std::string atLimit(10, 'a');
  std::string input = atLimit + "\n" + atLimit + "\r\n" + atLimit + "b\n" + atLimit + "\r";
  for (size_t chunk : {size_t{3}, size_t{11}, size_t{12}, size_t{4096}}) {
    INFO("chunk " << chunk);
    LineLimits limits;
    limits.maxLineBytes = 10;
    limits.chunkBytes = chunk;
    ReadResult result = readAll(input, limits, 2);
    CHECK(result.lines == std::vector<ReadLine>{{atLimit, 1, false}, {atLimit, 2, false}, {atLimit, 4, true}});
    CHECK(result.skipped == std::vector<int64_t>{3});
  }
}

TEST_CASE("line reader matches a plain splitter on random input with a small limit", "[collector][line_reader]") {
  std::mt19937 random(7);
  for (int round = 0; round < 50; ++round) {
    std::string input;
    size_t size = random() % 400;
    for (size_t i = 0; i < size; ++i) {
      unsigned pick = random() % 20;
      input += pick == 0 ? '\n' : pick == 1 ? '\r' : static_cast<char>(random() % 256);
    }
    size_t maxLine = random() % 40;
    LineLimits limits;
    limits.maxLineBytes = maxLine;
    limits.chunkBytes = 1 + random() % 64;
    size_t step = 1 + random() % 70;
    INFO("round " << round << ", limit " << maxLine << ", chunk " << limits.chunkBytes << ", step " << step);
    ReadResult expected = referenceSplit(input, maxLine);
    ReadResult result = readAll(input, limits, step);
    CHECK(result.lines == expected.lines);
    CHECK(result.skipped == expected.skipped);
  }
}

TEST_CASE("line reader padding after each line is readable with one-byte reads", "[collector][line_reader]") {
  // touchPadding() inside readAll reads kLinePadding bytes past each line; ASan checks them.
  LineLimits limits;
  limits.chunkBytes = 8;
  ReadResult result = readAll("0123456789abcdef\nx\n\n0123456", limits, 1);
  CHECK(result.lines ==
        std::vector<ReadLine>{{"0123456789abcdef", 1, false}, {"x", 2, false}, {"", 3, false}, {"0123456", 4, true}});
}

TEST_CASE("line reader reports a skipped long last line without newline", "[collector][line_reader]") {
  LineLimits limits;
  limits.maxLineBytes = 5;
  limits.chunkBytes = 4;
  ReadResult result = readAll("ok\n0123456789", limits);
  CHECK(result.lines == std::vector<ReadLine>{{"ok", 1, false}});
  CHECK(result.skipped == std::vector<int64_t>{2});
}

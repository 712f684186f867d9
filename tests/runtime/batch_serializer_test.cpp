// Shuffle blocks: batches round-trip exactly, damaged bytes are an error, never a crash.

#include <catch2/catch.hpp>

#include "core/errors.h"
#include "runtime/batch_serializer.h"
#include "runtime/shuffle_files.h"
#include "support/test_support.h"

using namespace jobtuner;

namespace {

core::ColumnBatch everyType() {
  core::Schema schema({{"i", core::DataType::int64()}, {"d", core::DataType::decimal(10, 3)},
                       {"x", core::DataType::float64()}, {"b", core::DataType::boolean()},
                       {"s", core::DataType::string()}, {"t", core::DataType::timestamp()}});
  core::ColumnBatch batch(schema);
  for (int row = 0; row < 50; ++row) {
    bool null = row % 7 == 3;
    for (size_t c = 0; c < batch.numColumns(); ++c) {
      core::Column& column = batch.column(c);
      if (null) {
        column.appendNull();
      } else if (c == 2) {
        column.appendDouble(row * 0.5);
      } else if (c == 3) {
        column.appendBool(row % 2 == 0);
      } else if (c == 4) {
        column.appendString(std::string(static_cast<size_t>(row % 5), 'x') + "\n,\"");
      } else {
        column.appendInt64(row * 1000 - 7);
      }
    }
  }
  return batch;
}

std::string render(const core::ColumnBatch& batch) {
  std::string text;
  for (size_t row = 0; row < batch.numRows(); ++row) {
    for (size_t c = 0; c < batch.numColumns(); ++c) text += batch.column(c).toString(row) + "|";
    text += "\n";
  }
  return text;
}

}  // namespace

TEST_CASE("batches round-trip through their binary form", "[shuffle]") {
  core::ColumnBatch batch = everyType();
  std::string bytes = runtime::serialize(batch);
  CHECK(render(runtime::deserialize(bytes, batch.schema())) == render(batch));
}

TEST_CASE("a damaged block is an error, at every truncation and with flipped bytes", "[shuffle]") {
  core::ColumnBatch batch = everyType();
  std::string bytes = runtime::serialize(batch);
  for (size_t length = 0; length < bytes.size(); length += 7) {
    CAPTURE(length);
    CHECK_THROWS_AS(runtime::deserialize(std::string_view(bytes).substr(0, length), batch.schema()), core::SystemError);
  }
  std::string huge = bytes;
  huge[4] = '\xff';  // the row count
  huge[5] = '\xff';
  huge[6] = '\xff';
  CHECK_THROWS_AS(runtime::deserialize(huge, batch.schema()), core::SystemError);
  CHECK_THROWS_AS(runtime::deserialize(bytes + "x", batch.schema()), core::SystemError);
}

TEST_CASE("shuffle map outputs are read back by partition from several map tasks, spilled or not", "[shuffle]") {
  jobtuner::testing::TempDir dir;
  core::ColumnBatch batch = everyType();
  // A budget too small for one block makes the writer spill at every add: the map output and its
  // size must not change.
  bool starved = GENERATE(false, true);
  CAPTURE(starved);
  runtime::MemoryManager manager(runtime::MemoryConfig{starved ? 1000 : 1LL << 30, 0.6, 0.5});
  int64_t spilled = 0;
  for (int map = 0; map < 3; ++map) {
    runtime::TaskMemory memory(manager, map, dir.path(), "map");
    runtime::ShuffleWriter writer(dir.path(), 4, map, 0, 3, memory);
    writer.add(map % 3, batch);
    writer.add(2, batch);
    runtime::ShuffleWriteResult written = writer.finish();
    // The driver commits the attempt's files (data first, then index).
    REQUIRE(written.commits.size() == 2);
    for (const auto& [from, to] : written.commits) fs::rename(from, to);
    CHECK(written.totalRecords == 100);
    CHECK(written.totalBytes == 2 * static_cast<int64_t>(4 + runtime::serialize(batch).size()));
    spilled += memory.diskBytesSpilled();
  }
  CHECK((spilled > 0) == starved);
  for (const auto& entry : fs::directory_iterator(dir.path())) CHECK(entry.path().extension() != ".spill");
  std::vector<core::ColumnBatch> read;
  auto keep = [&](core::ColumnBatch piece) { read.push_back(std::move(piece)); };
  runtime::ShuffleReadResult two = runtime::readShufflePartition(dir.path(), 4, {0, 1, 2}, 2, batch.schema(), keep);
  CHECK(two.records == 200);  // map 2 wrote partition 2 twice, maps 0 and 1 once
  CHECK(two.localBlocks == 3);
  CHECK(read.size() == 4);
  read.clear();
  runtime::ShuffleReadResult one = runtime::readShufflePartition(dir.path(), 4, {0, 1, 2}, 1, batch.schema(), keep);
  CHECK(one.records == 50);
  CHECK(render(read.at(0)) == render(batch));
  CHECK_THROWS_WITH(runtime::readShufflePartition(dir.path(), 5, {0}, 0, batch.schema(), keep),
                    Catch::Contains("missing map output"));
}

TEST_CASE("a missing, truncated or damaged map output is a fetch failure naming the map task", "[shuffle]") {
  jobtuner::testing::TempDir dir;
  core::ColumnBatch batch = everyType();
  runtime::MemoryManager manager(runtime::MemoryConfig{1LL << 30, 0.6, 0.5});
  runtime::TaskMemory memory(manager, 0, dir.path(), "map");
  runtime::ShuffleWriter writer(dir.path(), 7, 3, 1, 2, memory);
  writer.add(1, batch);
  for (const auto& [from, to] : writer.finish().commits) fs::rename(from, to);
  auto ignore = [](core::ColumnBatch) {};
  auto failureOf = [&](int partition) {
    try {
      runtime::readShufflePartition(dir.path(), 7, {3}, partition, batch.schema(), ignore);
    } catch (const runtime::FetchFailedError& error) {
      return error.failure();
    }
    return runtime::FetchFailure{};
  };
  CHECK_FALSE(failureOf(1).any());
  fs::path data = runtime::shuffleDataFile(dir.path(), 7, 3);
  std::string original = jobtuner::testing::readFile(data);
  // One flipped byte in the middle of partition 1's block.
  std::string damaged = original;
  damaged[damaged.size() / 2] ^= 0x5a;
  jobtuner::testing::writeFile(data, damaged);
  runtime::FetchFailure corrupt = failureOf(1);
  CHECK(corrupt.shuffleId == 7);
  CHECK(corrupt.mapId == 3);
  CHECK_THAT(corrupt.message, Catch::Contains("partition 1 fails its checksum"));
  CHECK_FALSE(failureOf(0).any());  // partition 0's block is empty and intact
  jobtuner::testing::writeFile(data, original.substr(0, original.size() / 2));
  CHECK_THAT(failureOf(1).message, Catch::Contains("its index points past the data"));
  fs::remove(data);
  CHECK_THAT(failureOf(1).message, Catch::Contains("missing map output"));
  fs::remove(runtime::shuffleIndexFile(dir.path(), 7, 3));
  CHECK(failureOf(1).mapId == 3);
}

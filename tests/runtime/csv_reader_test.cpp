// CSV splits: every record read exactly once whatever the split points; quoting, CRLF, nulls.

#include <catch2/catch.hpp>

#include "core/errors.h"
#include "runtime/csv_reader.h"
#include "runtime/input_files.h"
#include "support/test_support.h"

using namespace jobtuner;
using namespace jobtuner::testing;

namespace {

std::vector<std::string> readAll(const fs::path& file, const core::Schema& schema, const std::vector<int64_t>& cuts,
                                 runtime::BadRecordPolicy policy = runtime::BadRecordPolicy::kFail) {
  std::vector<std::string> rows;
  int64_t size = static_cast<int64_t>(fs::file_size(file));
  std::vector<int64_t> points = {0};
  points.insert(points.end(), cuts.begin(), cuts.end());
  points.push_back(size);
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    runtime::CsvReader reader({file.string(), points[i], points[i + 1] - points[i]}, schema,
                              runtime::CsvOptions{',', policy, 2});
    while (auto batch = reader.next()) {
      for (size_t row = 0; row < batch->numRows(); ++row) {
        std::string text;
        for (size_t c = 0; c < batch->numColumns(); ++c) text += (c ? "|" : "") + batch->column(c).toString(row);
        rows.push_back(text);
      }
    }
  }
  return rows;
}

}  // namespace

TEST_CASE("splits of a CSV file read every record exactly once, at any split point", "[csv]") {
  TempDir dir;
  std::string text = "id,name,amount\r\n1,\"a, b\",1.5\r\n2,,2\r\n3,\"\",-0.25\r\n4,\"say \"\"hi\"\"\",\r\n\r\n5,e,100.125\n";
  writeFile(dir / "a.csv", text);
  core::Schema schema({{"id", core::DataType::int64()}, {"name", core::DataType::string()},
                       {"amount", core::DataType::decimal(8, 2)}});
  std::vector<std::string> expected = {"1|a, b|1.50", "2|null|2.00", "3||-0.25", "4|say \"hi\"|null", "5|e|100.13"};
  CHECK(readAll(dir / "a.csv", schema, {}) == expected);
  for (int64_t cut = 1; cut < static_cast<int64_t>(text.size()); ++cut) {
    CAPTURE(cut);
    CHECK(readAll(dir / "a.csv", schema, {cut}) == expected);
  }
  CHECK(readAll(dir / "a.csv", schema, {5, 17, 18, 30, 31}) == expected);
}

TEST_CASE("a bad CSV record names its file and line, or is skipped and counted", "[csv]") {
  TempDir dir;
  writeFile(dir / "bad.csv", "id,v\n1,2\n2\n3,x\n4,5\n");
  core::Schema schema({{"id", core::DataType::int64()}, {"v", core::DataType::int64()}});
  try {
    readAll(dir / "bad.csv", schema, {9});
    FAIL("no error");
  } catch (const core::UserError& error) {
    CHECK(error.location().line == 3);
    CHECK(std::string(error.what()).ends_with("bad.csv:3: expected 2 fields, found 1"));
  }
  CHECK(readAll(dir / "bad.csv", schema, {}, runtime::BadRecordPolicy::kSkip) == std::vector<std::string>{"1|2", "4|5"});
  runtime::CsvReader reader({(dir / "bad.csv").string(), 0, 100}, schema,
                            runtime::CsvOptions{',', runtime::BadRecordPolicy::kSkip});
  while (reader.next()) {
  }
  CHECK(reader.badRecords() == 2);
  writeFile(dir / "header.csv", "id,w\n1,2\n");
  CHECK_THROWS_WITH(runtime::CsvReader({(dir / "header.csv").string(), 0, 9}, schema, runtime::CsvOptions{}),
                    Catch::Contains("no column 'v'"));
}

TEST_CASE("schemas are inferred from a CSV sample", "[csv]") {
  TempDir dir;
  writeFile(dir / "s.csv", "i,d,x,b,t,s,e\n1,1.5,1e3,true,2026-11-22,a,\n-2,2.25,2,false,2026-11-22 10:00:00,b,\n");
  core::Schema schema = runtime::inferCsvSchema(dir / "s.csv", ',');
  std::vector<std::string> types;
  for (const auto& field : schema.fields()) types.push_back(field.type.name());
  CHECK(types == std::vector<std::string>{"int64", "decimal(18,2)", "double", "bool", "timestamp", "string", "string"});
  CHECK_THROWS_WITH(runtime::resolveInputFiles((dir / "none*.csv").string(), {"job.yaml", 3, 11}),
                    Catch::Contains("no input files match"));
  CHECK(runtime::resolveInputFiles((dir / "*.csv").string(), {}).size() == 1);
  CHECK(runtime::resolveInputFiles(dir.path().string(), {}).size() == 1);
}

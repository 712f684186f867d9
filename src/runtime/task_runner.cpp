#include "runtime/task_runner.h"

#include <fmt/format.h>
#include <time.h>

#include <random>

#include "core/errors.h"
#include "core/expression_evaluator.h"
#include "runtime/batch_serializer.h"
#include "runtime/clock.h"
#include "runtime/csv_reader.h"
#include "runtime/injected_faults.h"
#include "runtime/task_kills.h"
#include "runtime/jsonl_reader.h"
#include "runtime/key_sketch.h"
#include "runtime/row_writer.h"
#include "runtime/pipeline.h"
#include "runtime/row_hash.h"
#include "runtime/shuffle_files.h"
#include "runtime/sort_rows.h"
#include "runtime/task_memory.h"

namespace jobtuner::runtime {

namespace fs = std::filesystem;

namespace {

/// Rows of the sort keys each map task of a range exchange returns for the bounds.
constexpr size_t kSortSampleRows = 512;

int64_t threadCpuNs() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

/// Copies row `from` of `source` over row `to` of `target` (same type).
void copyValue(const core::Column& source, size_t from, core::Column& target, size_t to) {
  target.valid[to] = source.valid[from];
  if (source.type.isStoredAsInt64()) {
    target.int64s[to] = source.int64s[from];
  } else if (source.type.kind == core::TypeKind::kDouble) {
    target.doubles[to] = source.doubles[from];
  } else if (source.type.kind == core::TypeKind::kBool) {
    target.bools[to] = source.bools[from];
  } else {
    target.strings[to] = source.strings[from];
  }
}

/// A uniform sample of the sort keys of every row a task wrote (reservoir sampling).
class SortKeySampler {
 public:
  SortKeySampler(const core::Schema& schema, const std::vector<SortKey>& keys, uint64_t seed)
      : random_(seed) {
    std::vector<core::Field> fields;
    for (const SortKey& key : keys) {
      fields.push_back(schema.field(static_cast<size_t>(key.column)));
      columns_.push_back(key.column);
    }
    sample_ = core::ColumnBatch(core::Schema(std::move(fields)));
  }

  void add(const core::ColumnBatch& batch) {
    for (size_t row = 0; row < batch.numRows(); ++row, ++seen_) {
      if (seen_ < kSortSampleRows) {
        for (size_t k = 0; k < columns_.size(); ++k) {
          core::Column& target = sample_.column(k);
          target.resize(target.size() + 1);
          copyValue(batch.column(static_cast<size_t>(columns_[k])), row, target, target.size() - 1);
        }
        continue;
      }
      uint64_t slot = random_() % (seen_ + 1);
      if (slot >= kSortSampleRows) continue;
      for (size_t k = 0; k < columns_.size(); ++k) {
        copyValue(batch.column(static_cast<size_t>(columns_[k])), row, sample_.column(k), slot);
      }
    }
  }

  const core::ColumnBatch& sample() const { return sample_; }

 private:
  std::mt19937_64 random_;
  std::vector<int> columns_;
  core::ColumnBatch sample_;
  uint64_t seen_ = 0;
};

/// The last link of a map task: splits batches by partition into the shuffle's map output.
class ShuffleOutput final : public Operator {
 public:
  ShuffleOutput(const TaskContext& context, const ShuffleSpec& shuffle, const std::string& rangeBounds)
      : context_(context),
        shuffle_(shuffle),
        writer_(context.shuffleDir, shuffle.id, context.taskIndex, context.attempt, shuffle.numPartitions,
                *context.memory) {
    if (shuffle.partitioning == PartitioningKind::kRange) {
      std::vector<core::Field> fields;
      for (const SortKey& key : shuffle.sortKeys) fields.push_back(shuffle.schema.field(static_cast<size_t>(key.column)));
      bounds_ = deserialize(fromHex(rangeBounds), core::Schema(std::move(fields)));
      sortKeys_ = shuffle.sortKeys;
    }
    if (context.stage->output.sampleSortKeys) {
      const ShuffleSpec& ranged = rangedShuffleFed(context);
      sampler_.emplace(shuffle.schema, ranged.sortKeys, context.seed);
    }
    if (shuffle.sketchKeys) sketch_.emplace();
    rowsOf_.resize(static_cast<size_t>(shuffle.numPartitions));
  }

  void push(core::ColumnBatch batch) override {
    if (sampler_) sampler_->add(batch);
    size_t rows = batch.numRows();
    if (shuffle_.numPartitions == 1 || shuffle_.partitioning == PartitioningKind::kSingle) {
      if (sketch_) sketchRows(batch);
      writer_.add(0, batch);
      return;
    }
    partitions_.resize(rows);
    switch (shuffle_.partitioning) {
      case PartitioningKind::kHash:
        hashRows(batch, shuffle_.keys, hashes_);
        for (size_t row = 0; row < rows; ++row) partitions_[row] = partitionOf(hashes_[row], shuffle_.numPartitions);
        if (sketch_) sketch_->addBatch(batch, shuffle_.keys, hashes_);
        break;
      case PartitioningKind::kRoundRobin:
        for (size_t row = 0; row < rows; ++row) {
          partitions_[row] = static_cast<int>((nextRoundRobin_++) % static_cast<uint64_t>(shuffle_.numPartitions));
        }
        break;
      case PartitioningKind::kRange:
        partitions_ = rangePartition(batch, sortKeys_, bounds_);
        break;
      case PartitioningKind::kSingle:
        break;
    }
    for (auto& rowsOfPartition : rowsOf_) rowsOfPartition.clear();
    for (size_t row = 0; row < rows; ++row) rowsOf_[static_cast<size_t>(partitions_[row])].push_back(static_cast<uint32_t>(row));
    for (size_t partition = 0; partition < rowsOf_.size(); ++partition) {
      if (rowsOf_[partition].empty()) continue;
      writer_.add(static_cast<int>(partition), core::takeRows(batch, rowsOf_[partition]));
    }
  }

  void finish() override {
    ShuffleWriteResult written = writer_.finish();
    context_.metrics->shuffleWriteBytes += written.totalBytes;
    context_.metrics->shuffleWriteRecords += written.totalRecords;
    context_.metrics->shuffleWriteTimeNs += written.writeTimeNs;
    commits_ = std::move(written.commits);
  }

  /// The driver renames the map output into place for the first attempt of the task to succeed.
  const std::vector<std::pair<std::string, std::string>>& commits() const { return commits_; }

  std::vector<KeySketchEntry> sketchEntries() const {
    std::vector<KeySketchEntry> entries;
    if (!sketch_) return entries;
    for (const auto& entry : sketch_->top(20)) entries.push_back({entry.key, entry.records, entry.bytes});
    return entries;
  }

  std::string sample() const { return sampler_ ? toHex(serialize(sampler_->sample())) : std::string(); }

 private:
  static const ShuffleSpec& rangedShuffleFed(const TaskContext& context) {
    // The range exchange reading this stage's output is the stage that has it as its input.
    for (const PlanStage& stage : context.plan->stages) {
      if (stage.input.kind == StageInputKind::kMapOutput && stage.input.shuffles.at(0) == context.stage->output.shuffle) {
        return context.plan->shuffle(stage.output.shuffle);
      }
    }
    throw core::SystemError("a sampling stage feeds no range exchange");
  }

  void sketchRows(const core::ColumnBatch& batch) {
    hashRows(batch, shuffle_.keys, hashes_);
    sketch_->addBatch(batch, shuffle_.keys, hashes_);
  }

  const TaskContext& context_;
  const ShuffleSpec& shuffle_;
  ShuffleWriter writer_;
  core::ColumnBatch bounds_;
  std::vector<SortKey> sortKeys_;
  std::optional<SortKeySampler> sampler_;
  std::optional<KeySketch> sketch_;
  std::vector<uint64_t> hashes_;
  std::vector<int> partitions_;
  std::vector<std::vector<uint32_t>> rowsOf_;
  uint64_t nextRoundRobin_ = 0;
  std::vector<std::pair<std::string, std::string>> commits_;
};

/// The last link of a result task: the task's part file of the job's output.
class SinkOutput final : public Operator {
 public:
  SinkOutput(const TaskContext& context, const SinkTarget& sink, const core::Schema& schema)
      : context_(context), schema_(schema) {
    finalPath_ = fs::path(sink.tempDir) / partFileName(context.taskIndex, sink.format);
    tempPath_ = finalPath_;
    tempPath_ += fmt::format(".attempt-{}", context.attempt);
    writer_.emplace(tempPath_, schema, sink.format == "jsonl" ? OutputFormat::kJsonl : OutputFormat::kCsv);
  }

  void push(core::ColumnBatch batch) override { writer_->write(batch); }

  void finish() override {
    writer_->close();
    context_.metrics->outputBytes += writer_->bytesWritten();
    context_.metrics->outputRecords += writer_->recordsWritten();
  }

  /// The driver renames the part file into place for the first attempt of the task to succeed.
  std::pair<std::string, std::string> commit() const { return {tempPath_.string(), finalPath_.string()}; }

 private:
  const TaskContext& context_;
  core::Schema schema_;
  fs::path finalPath_;
  fs::path tempPath_;
  std::optional<RowWriter> writer_;
};

/// Sits before a task's first operator: an attempt the driver killed stops at its next batch.
class KillCheckpoint final : public Operator {
 public:
  KillCheckpoint(int64_t taskId, Operator* next) : taskId_(taskId), next_(next) {}
  void push(core::ColumnBatch batch) override {
    throwIfTaskKilled(taskId_);
    next_->push(std::move(batch));
  }
  void finish() override {
    throwIfTaskKilled(taskId_);
    next_->finish();
  }

 private:
  int64_t taskId_;
  Operator* next_;
};

/// Pushes the stage's input for this task into `first`.
void readInput(const TaskContext& context, Operator& first) {
  const StageInput& input = context.stage->input;
  TaskMeasurements& metrics = *context.metrics;
  switch (input.kind) {
    case StageInputKind::kScan: {
      const FileSplit& split = input.splits.at(static_cast<size_t>(context.taskIndex));
      BadRecordPolicy policy = input.skipBadRecords ? BadRecordPolicy::kSkip : BadRecordPolicy::kFail;
      if (input.format == "jsonl") {
        JsonlReader reader(split, input.sourceSchema, policy);
        while (std::optional<core::ColumnBatch> batch = reader.next()) {
          metrics.inputRecords += static_cast<int64_t>(batch->numRows());
          first.push(std::move(*batch));
        }
        metrics.inputBytes += reader.bytesRead();
        metrics.badRecords += reader.badRecords();
      } else {
        CsvReader reader(split, input.sourceSchema, CsvOptions{input.delimiter, policy});
        while (std::optional<core::ColumnBatch> batch = reader.next()) {
          metrics.inputRecords += static_cast<int64_t>(batch->numRows());
          first.push(std::move(*batch));
        }
        metrics.inputBytes += reader.bytesRead();
        metrics.badRecords += reader.badRecords();
      }
      break;
    }
    case StageInputKind::kShuffle:
      for (int shuffle : input.shuffles) {
        readShuffleInput(context, shuffle, context.taskIndex, [&](core::ColumnBatch batch) { first.push(std::move(batch)); });
      }
      break;
    case StageInputKind::kMapOutput: {
      const ShuffleSpec& shuffle = context.plan->shuffle(input.shuffles.at(0));
      ShuffleReadResult read = readShufflePartition(context.shuffleDir, shuffle.id, {context.taskIndex}, 0, shuffle.schema,
                                                    [&](core::ColumnBatch batch) { first.push(std::move(batch)); });
      metrics.shuffleLocalBytes += read.localBytes;
      metrics.shuffleLocalBlocks += read.localBlocks;
      metrics.shuffleReadRecords += read.records;
      break;
    }
  }
  first.finish();
}

}  // namespace

std::string partFileName(int index, const std::string& format) {
  return fmt::format("part-{:05d}.{}", index, format == "jsonl" ? "jsonl" : "csv");
}

TaskResult runTask(const PhysicalPlan& plan, const ExecutorResources& resources, const SinkTarget& sink,
                   const TaskLaunch& launch) {
  TaskResult result;
  result.taskId = launch.taskId;
  result.metrics.launchMs = nowMs();
  int64_t startNs = steadyNs();
  int64_t startCpuNs = threadCpuNs();
  TaskContext context;
  context.plan = &plan;
  context.stage = &plan.stage(launch.stageId);
  context.shuffleDir = resources.shuffleDir;
  context.taskIndex = launch.index;
  context.attempt = launch.attempt;
  // Not the attempt: a retried or speculative map task must route every row as the first did,
  // or reduce tasks that read different attempts' outputs would see a salted row twice or never.
  context.seed = (static_cast<uint64_t>(launch.stageId) << 40) ^ (static_cast<uint64_t>(launch.index) << 8);
  context.metrics = &result.metrics;
  // Declared before the operators, so it outlives them: its end releases the task's memory and
  // removes its spill files, however the task ends.
  TaskMemory memory(*resources.memory, launch.taskId, resources.spillDir,
                    fmt::format("task-{}-stage-{}-partition-{}-attempt-{}", launch.taskId, launch.stageId, launch.index,
                                launch.attempt));
  context.memory = &memory;
  try {
    actOutInjectedFault(launch);
    const PlanStage& stage = *context.stage;
    std::unique_ptr<ShuffleOutput> shuffleOutput;
    std::unique_ptr<SinkOutput> sinkOutput;
    Operator* last = nullptr;
    if (stage.output.sink) {
      sinkOutput = std::make_unique<SinkOutput>(context, sink, stage.outputSchema);
      last = sinkOutput.get();
    } else {
      shuffleOutput = std::make_unique<ShuffleOutput>(context, plan.shuffle(stage.output.shuffle), launch.rangeBounds);
      last = shuffleOutput.get();
    }
    int64_t setupCpuNs = threadCpuNs();
    std::vector<std::unique_ptr<Operator>> operators(stage.ops.size());
    Operator* next = last;
    for (size_t i = stage.ops.size(); i-- > 0;) {
      operators[i] = makeOperator(stage.ops[i], context, next);
      next = operators[i].get();
    }
    result.metrics.deserializeCpuNs = threadCpuNs() - setupCpuNs;
    result.metrics.deserializeMs = result.metrics.deserializeCpuNs / 1'000'000;
    KillCheckpoint checkpoint(launch.taskId, next);
    readInput(context, checkpoint);
    if (sinkOutput) result.commits.push_back(sinkOutput->commit());
    if (shuffleOutput) {
      result.commits = shuffleOutput->commits();
      result.keySketch = shuffleOutput->sketchEntries();
      result.sortKeySample = shuffleOutput->sample();
    }
    result.succeeded = true;
  } catch (const FetchFailedError& error) {
    result.error = error.what();
    result.fetchFailure = error.failure();
  } catch (const TaskKilledError& error) {
    result.error = error.what();
    result.killed = true;
  } catch (const core::UserError& error) {
    result.error = error.render();
    result.userError = true;
  } catch (const std::exception& error) {
    result.error = error.what();
  }
  result.metrics.peakExecutionMemoryBytes = memory.peakBytes();
  result.metrics.memoryBytesSpilled = memory.memoryBytesSpilled();
  result.metrics.diskBytesSpilled = memory.diskBytesSpilled();
  result.metrics.blockedInMemoryManagerMs = memory.blockedNs() / 1'000'000;
  result.metrics.cpuNs = threadCpuNs() - startCpuNs;
  result.metrics.runMs = (steadyNs() - startNs) / 1'000'000;
  result.metrics.finishMs = nowMs();
  return result;
}

}  // namespace jobtuner::runtime

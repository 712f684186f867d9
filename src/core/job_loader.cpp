#include "core/job_loader.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/nearest_name.h"
#include "core/yaml_text.h"

namespace jobtuner::core {

namespace fs = std::filesystem;

const std::vector<std::string>& stepKindNames() {
  static const std::vector<std::string> kNames = {"filter", "derive", "select", "aggregate", "join",
                                                  "sort", "distinct", "repartition", "limit", "union"};
  return kNames;
}

const SourceSpec* JobSpec::findSource(std::string_view sourceName) const {
  for (const SourceSpec& source : sources) {
    if (source.name == sourceName) return &source;
  }
  return nullptr;
}

const ViewSpec* JobSpec::findView(std::string_view viewName) const {
  for (const ViewSpec& view : views) {
    if (view.name == viewName) return &view;
  }
  return nullptr;
}

std::vector<const StepSpec*> JobSpec::allSteps() const {
  std::vector<const StepSpec*> all;
  for (const ViewSpec& view : views) {
    for (const StepSpec& step : view.steps) all.push_back(&step);
  }
  for (const StepSpec& step : steps) all.push_back(&step);
  return all;
}

namespace {

const std::vector<std::string> kTopKeys = {"name", "sources", "views", "from", "steps", "sink"};
const std::vector<std::string> kSourceKeys = {"format", "path", "schema", "delimiter", "on_bad_record"};
const std::vector<std::string> kViewKeys = {"from", "steps"};
const std::vector<std::string> kSinkKeys = {"format", "path"};
const std::vector<std::string> kAggregateKeys = {"name", "by", "compute"};
const std::vector<std::string> kJoinKeys = {"name", "with", "on", "type"};
const std::vector<std::string> kRepartitionKeys = {"name", "partitions", "by"};
const std::vector<std::string> kFunctionNames = {"count", "count_distinct", "sum", "min", "max", "avg"};
const std::vector<std::string> kJoinTypes = {"inner", "left", "semi", "anti"};

class JobReader {
 public:
  explicit JobReader(std::string file) : file_(std::move(file)) {}

  JobSpec read(std::string_view text) {
    YAML::Node root = loadYaml(std::string(text), file_);
    if (!root.IsMap()) throw UserError(SourceLocation{file_, 1, 1}, "a job is a YAML map with sources, from, steps and sink");
    JobSpec job;
    job.file = file_;
    checkKeys(root, kTopKeys, "job");
    YAML::Node name = root["name"];
    if (!name) throw UserError(at(root.Mark()), "the job has no name", "add name: my-job at the top");
    job.name = scalar(name, "the job's name");
    for (char c : job.name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        throw UserError(at(name.Mark()), fmt::format("the job name '{}' may hold only letters, digits, - and _", job.name));
      }
    }
    YAML::Node sources = root["sources"];
    if (!sources || !sources.IsMap() || sources.size() == 0) {
      throw UserError(at(sources ? sources.Mark() : root.Mark()), "the job needs a map of sources",
                      "sources:\n  sales: {path: data/sales.csv}");
    }
    for (auto entry = sources.begin(); entry != sources.end(); ++entry) {
      YAML::Node key = entry->first;
      YAML::Node value = entry->second;
      job.sources.push_back(readSource(scalar(key, "a source name"), key, value));
    }
    if (YAML::Node views = root["views"]) {
      if (!views.IsMap()) throw UserError(at(views.Mark()), "views must be a map of view names to {from, steps}");
      for (auto entry = views.begin(); entry != views.end(); ++entry) {
        YAML::Node key = entry->first;
        YAML::Node value = entry->second;
        job.views.push_back(readView(scalar(key, "a view name"), key, value));
      }
    }
    YAML::Node from = root["from"];
    if (!from) {
      if (job.sources.size() != 1) {
        throw UserError(at(root.Mark()), "the job does not say which source its steps start from",
                        "add from: SOURCE (one of the sources or views)");
      }
      job.from = {job.sources.front().name, job.sources.front().location};
    } else {
      job.from = {scalar(from, "from"), at(from.Mark())};
    }
    if (YAML::Node steps = root["steps"]) job.steps = readSteps(steps);
    if (YAML::Node sink = root["sink"]) job.sink = readSink(sink);
    resolveNames(job);
    return job;
  }

 private:
  SourceLocation at(const YAML::Mark& mark) const { return yamlLocation(file_, mark); }

  /// Where a scalar's text begins: after the opening quote of a quoted scalar.
  SourceLocation textStart(const YAML::Node& node) const {
    SourceLocation location = at(node.Mark());
    if (node.Tag() == "!" && location.column > 0) location.column += 1;
    return location;
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) {
      throw UserError(at(node.Mark()), fmt::format("{} must be a single value, not a {}", what, shape(node)));
    }
    return node.Scalar();
  }

  static std::string shape(const YAML::Node& node) {
    if (node.IsMap()) return "map";
    if (node.IsSequence()) return "list";
    if (node.IsNull()) return "empty value";
    return "value";
  }

  int64_t integer(const YAML::Node& node, const std::string& what, int64_t minimum) const {
    std::string text = scalar(node, what);
    int64_t value = 0;
    size_t used = 0;
    try {
      value = std::stoll(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size()) {
      throw UserError(at(node.Mark()), fmt::format("{} must be a whole number, not '{}'", what, text));
    }
    if (value < minimum) throw UserError(at(node.Mark()), fmt::format("{} must be at least {}, not {}", what, minimum, value));
    return value;
  }

  void checkKeys(const YAML::Node& map, const std::vector<std::string>& valid, const std::string& what) const {
    std::set<std::string> seen;
    for (auto entry = map.begin(); entry != map.end(); ++entry) {
      YAML::Node key = entry->first;
      std::string name = scalar(key, "a key");
      if (!seen.insert(name).second) throw UserError(at(key.Mark()), fmt::format("the key '{}' appears twice", name));
      if (std::find(valid.begin(), valid.end(), name) != valid.end()) continue;
      throw UserError(at(key.Mark()), fmt::format("unknown key '{}' in {}{}", name, what, didYouMean(name, valid)),
                      "valid keys: " + fmt::format("{}", fmt::join(valid, ", ")));
    }
  }

  SourceSpec readSource(const std::string& name, const YAML::Node& key, const YAML::Node& value) {
    SourceSpec source;
    source.name = name;
    source.location = at(key.Mark());
    if (value.IsScalar()) {  // sales: data/sales.csv
      source.path = value.Scalar();
      source.pathLocation = at(value.Mark());
      return source;
    }
    if (!value.IsMap()) throw UserError(at(value.Mark()), fmt::format("source '{}' must be a map with a path", name));
    checkKeys(value, kSourceKeys, fmt::format("source '{}'", name));
    YAML::Node path = value["path"];
    if (!path) throw UserError(source.location, fmt::format("source '{}' has no path", name), "add path: FILE, DIRECTORY or GLOB");
    source.path = scalar(path, "path");
    source.pathLocation = at(path.Mark());
    if (YAML::Node format = value["format"]) {
      source.format = scalar(format, "format");
      if (source.format != "csv" && source.format != "jsonl") {
        throw UserError(at(format.Mark()), fmt::format("unknown format '{}'{}", source.format, didYouMean(source.format, {"csv", "jsonl"})),
                        "formats: csv, jsonl");
      }
    }
    if (YAML::Node delimiter = value["delimiter"]) {
      std::string text = scalar(delimiter, "delimiter");
      if (text == "\\t") text = "\t";
      if (text.size() != 1 || text == "\"" || text == "\n") {
        throw UserError(at(delimiter.Mark()), "the delimiter must be one character (not a quote or newline)");
      }
      source.delimiter = text[0];
    }
    if (YAML::Node policy = value["on_bad_record"]) {
      std::string text = scalar(policy, "on_bad_record");
      if (text != "fail" && text != "skip") {
        throw UserError(at(policy.Mark()), fmt::format("on_bad_record is fail or skip, not '{}'", text));
      }
      source.skipBadRecords = text == "skip";
    }
    if (YAML::Node schema = value["schema"]) {
      if (!schema.IsMap() || schema.size() == 0) {
        throw UserError(at(schema.Mark()), "a schema is a map of column names to types", "schema: {id: int64, amount: \"decimal(12,2)\"}");
      }
      std::vector<Field> fields;
      std::set<std::string> names;
      for (auto entry = schema.begin(); entry != schema.end(); ++entry) {
        YAML::Node column = entry->first;
        YAML::Node type = entry->second;
        std::string columnName = scalar(column, "a column name");
        if (!names.insert(columnName).second) {
          throw UserError(at(column.Mark()), fmt::format("the column '{}' appears twice", columnName));
        }
        std::string typeName = scalar(type, "a type");
        std::optional<DataType> parsed = parseDataType(typeName);
        if (!parsed) throw UserError(at(type.Mark()), parseDataTypeError(typeName));
        fields.push_back({columnName, *parsed});
      }
      source.schema = Schema(std::move(fields));
    }
    return source;
  }

  ViewSpec readView(const std::string& name, const YAML::Node& key, const YAML::Node& value) {
    ViewSpec view;
    view.name = name;
    view.location = at(key.Mark());
    if (!value.IsMap()) throw UserError(at(value.Mark()), fmt::format("view '{}' must be a map with from and steps", name));
    checkKeys(value, kViewKeys, fmt::format("view '{}'", name));
    YAML::Node from = value["from"];
    if (!from) throw UserError(view.location, fmt::format("view '{}' has no from", name), "add from: SOURCE");
    view.from = {scalar(from, "from"), at(from.Mark())};
    if (YAML::Node steps = value["steps"]) view.steps = readSteps(steps);
    return view;
  }

  SinkSpec readSink(const YAML::Node& node) {
    SinkSpec sink;
    sink.location = at(node.Mark());
    if (!node.IsMap()) throw UserError(sink.location, "the sink must be a map with format and path");
    checkKeys(node, kSinkKeys, "the sink");
    if (YAML::Node format = node["format"]) {
      sink.format = scalar(format, "format");
      if (sink.format != "csv" && sink.format != "jsonl") {
        throw UserError(at(format.Mark()), fmt::format("unknown sink format '{}'{}", sink.format, didYouMean(sink.format, {"csv", "jsonl"})),
                        "formats: csv, jsonl");
      }
    }
    if (YAML::Node path = node["path"]) sink.path = scalar(path, "path");
    return sink;
  }

  std::vector<StepSpec> readSteps(const YAML::Node& node) {
    if (!node.IsSequence()) throw UserError(at(node.Mark()), "steps must be a list, each step a map such as {filter: ...}");
    std::vector<StepSpec> steps;
    for (size_t i = 0; i < node.size(); ++i) steps.push_back(readStep(node[i]));
    return steps;
  }

  StepSpec readStep(const YAML::Node& node) {
    StepSpec step;
    step.location = at(node.Mark());
    if (!node.IsMap()) throw UserError(step.location, fmt::format("a step is a map such as {{filter: ...}}, not a {}", shape(node)));
    const std::vector<std::string>& kinds = stepKindNames();
    std::optional<std::string> kindName;
    YAML::Node value;
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      YAML::Node key = entry->first;
      std::string name = scalar(key, "a step key");
      if (name == "name") {
        step.name = scalar(entry->second, "a step name");
        continue;
      }
      if (std::find(kinds.begin(), kinds.end(), name) == kinds.end()) {
        throw UserError(at(key.Mark()), fmt::format("unknown step '{}'{}", name, didYouMean(name, kinds)),
                        "steps: " + fmt::format("{}", fmt::join(kinds, ", ")));
      }
      if (kindName) {
        throw UserError(at(key.Mark()), fmt::format("one step holds both '{}' and '{}'", *kindName, name),
                        "write each as its own list item");
      }
      kindName = name;
      value = entry->second;
      step.location = at(key.Mark());
    }
    if (!kindName) throw UserError(step.location, "this step says nothing to do", "steps: " + fmt::format("{}", fmt::join(kinds, ", ")));
    step.kind = static_cast<StepKind>(std::find(kinds.begin(), kinds.end(), *kindName) - kinds.begin());
    switch (step.kind) {
      case StepKind::kFilter:
        step.condition = {scalar(value, "a filter"), textStart(value)};
        break;
      case StepKind::kDerive:
        if (!value.IsMap()) throw UserError(at(value.Mark()), "derive takes a map of new column names to expressions");
        step.columns = namedExpressions(value);
        break;
      case StepKind::kSelect:
        if (value.IsSequence()) {
          for (size_t i = 0; i < value.size(); ++i) {
            YAML::Node item = value[i];
            std::string column = scalar(item, "a column name");
            // A bare name is an expression too: quoting it with backticks keeps odd names working.
            step.columns.push_back({column, {"`" + column + "`", textStart(item)}});
            step.columns.back().expression.location.column -= step.columns.back().expression.location.column > 0 ? 1 : 0;
          }
        } else if (value.IsMap()) {
          step.columns = namedExpressions(value);
        } else {
          throw UserError(at(value.Mark()), "select takes a list of columns or a map of names to expressions");
        }
        break;
      case StepKind::kAggregate: readAggregate(step, value); break;
      case StepKind::kJoin: readJoin(step, value); break;
      case StepKind::kSort:
        if (value.IsScalar()) {
          step.sortKeys.push_back(sortKey(value));
        } else if (value.IsSequence() && value.size() > 0) {
          for (size_t i = 0; i < value.size(); ++i) step.sortKeys.push_back(sortKey(value[i]));
        } else {
          throw UserError(at(value.Mark()), "sort takes a list of columns, each optionally followed by asc or desc");
        }
        break;
      case StepKind::kDistinct:
        if (value.IsScalar() && value.Scalar() != "true") {
          throw UserError(at(value.Mark()), "write distinct: true");
        }
        break;
      case StepKind::kRepartition:
        if (value.IsScalar()) {
          step.partitions = integer(value, "repartition", 1);
        } else if (value.IsMap()) {
          checkKeys(value, kRepartitionKeys, "repartition");
          if (YAML::Node name = value["name"]) step.name = scalar(name, "a step name");
          if (YAML::Node partitions = value["partitions"]) step.partitions = integer(partitions, "partitions", 1);
          if (YAML::Node by = value["by"]) step.keys = columnList(by, "by");
        } else {
          throw UserError(at(value.Mark()), "repartition takes a number or {partitions: N, by: [columns]}");
        }
        break;
      case StepKind::kLimit: step.limit = integer(value, "limit", 0); break;
      case StepKind::kUnion: step.with = {scalar(value, "union"), at(value.Mark())}; break;
    }
    return step;
  }

  std::vector<NamedExpression> namedExpressions(const YAML::Node& map) const {
    std::vector<NamedExpression> result;
    std::set<std::string> names;
    for (auto entry = map.begin(); entry != map.end(); ++entry) {
      YAML::Node key = entry->first;
      YAML::Node value = entry->second;
      std::string name = scalar(key, "a column name");
      if (!names.insert(name).second) throw UserError(at(key.Mark()), fmt::format("the column '{}' appears twice", name));
      if (name.rfind("__", 0) == 0) throw UserError(at(key.Mark()), "column names starting with __ are reserved for jobtuner");
      result.push_back({name, {scalar(value, "an expression"), textStart(value)}});
    }
    return result;
  }

  std::vector<ColumnRef> columnList(const YAML::Node& node, const std::string& what) const {
    std::vector<ColumnRef> columns;
    if (node.IsScalar()) {
      columns.push_back({node.Scalar(), at(node.Mark())});
      return columns;
    }
    if (!node.IsSequence()) throw UserError(at(node.Mark()), fmt::format("{} takes a list of column names", what));
    for (size_t i = 0; i < node.size(); ++i) {
      YAML::Node item = node[i];
      columns.push_back({scalar(item, "a column name"), at(item.Mark())});
    }
    return columns;
  }

  SortKeySpec sortKey(const YAML::Node& node) const {
    std::string text = scalar(node, "a sort key");
    std::istringstream words(text);
    std::string column, direction, extra;
    words >> column >> direction >> extra;
    std::transform(direction.begin(), direction.end(), direction.begin(), [](unsigned char c) { return std::tolower(c); });
    if (column.empty() || !extra.empty() || (!direction.empty() && direction != "asc" && direction != "desc")) {
      throw UserError(at(node.Mark()), fmt::format("a sort key is 'column', 'column asc' or 'column desc', not '{}'", text));
    }
    return {{column, at(node.Mark())}, direction != "desc"};
  }

  void readAggregate(StepSpec& step, const YAML::Node& value) {
    if (!value.IsMap()) throw UserError(at(value.Mark()), "aggregate takes a map with by and compute");
    checkKeys(value, kAggregateKeys, "aggregate");
    if (YAML::Node name = value["name"]) step.name = scalar(name, "a step name");
    if (YAML::Node by = value["by"]) step.keys = columnList(by, "by");
    YAML::Node compute = value["compute"];
    if (!compute || !compute.IsMap() || compute.size() == 0) {
      throw UserError(at(compute ? compute.Mark() : value.Mark()), "aggregate needs compute: a map of output names to functions",
                      "compute: {orders: \"count()\", revenue: \"sum(amount)\"}");
    }
    std::set<std::string> names;
    for (const ColumnRef& key : step.keys) names.insert(key.name);
    for (auto entry = compute.begin(); entry != compute.end(); ++entry) {
      YAML::Node key = entry->first;
      YAML::Node call = entry->second;
      AggregateCallSpec spec;
      spec.outputName = scalar(key, "an output column name");
      if (!names.insert(spec.outputName).second) {
        throw UserError(at(key.Mark()), fmt::format("the output column '{}' appears twice", spec.outputName));
      }
      spec.location = textStart(call);
      std::string text = scalar(call, "an aggregate function");
      size_t open = text.find('(');
      size_t close = text.rfind(')');
      auto trim = [](std::string s) {
        s.erase(0, s.find_first_not_of(" \t"));
        s.erase(s.find_last_not_of(" \t") + 1);
        return s;
      };
      if (open == std::string::npos || close == std::string::npos || close < open || !trim(text.substr(close + 1)).empty()) {
        throw UserError(spec.location, fmt::format("'{}' is not an aggregate call such as sum(amount)", text),
                        "functions: " + fmt::format("{}", fmt::join(kFunctionNames, ", ")));
      }
      std::string function = trim(text.substr(0, open));
      std::transform(function.begin(), function.end(), function.begin(), [](unsigned char c) { return std::tolower(c); });
      auto found = std::find(kFunctionNames.begin(), kFunctionNames.end(), function);
      if (found == kFunctionNames.end()) {
        throw UserError(spec.location, fmt::format("unknown aggregate function '{}'{}", function, didYouMean(function, kFunctionNames)),
                        "functions: " + fmt::format("{}", fmt::join(kFunctionNames, ", ")));
      }
      spec.function = static_cast<AggregateFunctionName>(found - kFunctionNames.begin());
      std::string argument = trim(text.substr(open + 1, close - open - 1));
      if (argument == "*") argument.clear();
      if (argument.size() >= 2 && argument.front() == '`' && argument.back() == '`') argument = argument.substr(1, argument.size() - 2);
      if (argument.empty() && spec.function != AggregateFunctionName::kCount) {
        throw UserError(spec.location, fmt::format("{} needs a column, e.g. {}(amount)", function, function));
      }
      SourceLocation argumentLocation = spec.location;
      if (argumentLocation.column > 0) argumentLocation.column += static_cast<int64_t>(open + 1);
      spec.column = {argument, argumentLocation};
      step.calls.push_back(std::move(spec));
    }
  }

  void readJoin(StepSpec& step, const YAML::Node& value) {
    if (!value.IsMap()) throw UserError(at(value.Mark()), "join takes a map with with, on and type");
    checkKeys(value, kJoinKeys, "join");
    if (YAML::Node name = value["name"]) step.name = scalar(name, "a step name");
    YAML::Node with = value["with"];
    if (!with) throw UserError(at(value.Mark()), "join needs with: the source or view to join");
    step.with = {scalar(with, "with"), at(with.Mark())};
    YAML::Node on = value["on"];
    if (!on) throw UserError(at(value.Mark()), "join needs on: the key columns", "on: [customer_id] or on: {left_col: right_col}");
    if (on.IsMap()) {
      for (auto entry = on.begin(); entry != on.end(); ++entry) {
        YAML::Node left = entry->first;
        YAML::Node right = entry->second;
        step.on.push_back({{scalar(left, "a column"), at(left.Mark())}, {scalar(right, "a column"), at(right.Mark())}});
      }
    } else {
      for (const ColumnRef& column : columnList(on, "on")) step.on.push_back({column, column});
    }
    if (step.on.empty()) throw UserError(at(on.Mark()), "join needs at least one key column");
    if (YAML::Node type = value["type"]) {
      std::string text = scalar(type, "type");
      auto found = std::find(kJoinTypes.begin(), kJoinTypes.end(), text);
      if (found == kJoinTypes.end()) {
        throw UserError(at(type.Mark()), fmt::format("unknown join type '{}'{}", text, didYouMean(text, kJoinTypes)),
                        "types: inner, left, semi, anti");
      }
      step.joinType = static_cast<JoinType>(found - kJoinTypes.begin());
    }
  }

  /// Checks every name a pipeline refers to, and gives every step its stable name.
  void resolveNames(JobSpec& job) {
    std::vector<std::string> inputs;
    std::set<std::string> seen;
    for (const SourceSpec& source : job.sources) {
      inputs.push_back(source.name);
      seen.insert(source.name);
    }
    for (const ViewSpec& view : job.views) {
      if (!seen.insert(view.name).second) {
        throw UserError(view.location, fmt::format("'{}' names both a source and a view", view.name));
      }
      inputs.push_back(view.name);
    }
    auto checkInput = [&](const ColumnRef& ref, const char* what) {
      if (std::find(inputs.begin(), inputs.end(), ref.name) == inputs.end()) {
        throw UserError(ref.location, fmt::format("{} '{}' is no source or view{}", what, ref.name, didYouMean(ref.name, inputs)),
                        "sources and views: " + fmt::format("{}", fmt::join(inputs, ", ")));
      }
    };
    auto checkSteps = [&](const std::vector<StepSpec>& steps) {
      for (const StepSpec& step : steps) {
        if (step.kind == StepKind::kJoin) checkInput(step.with, "join with");
        if (step.kind == StepKind::kUnion) checkInput(step.with, "union with");
      }
    };
    checkInput(job.from, "from");
    checkSteps(job.steps);
    for (const ViewSpec& view : job.views) {
      checkInput(view.from, "from");
      checkSteps(view.steps);
    }
    for (const ViewSpec& view : job.views) checkCycle(job, view.name, {});

    std::set<std::string> used;
    // Explicit names first, so a derived name never takes one a user chose.
    for (const StepSpec* step : job.allSteps()) {
      if (step->name.empty()) continue;
      if (!used.insert(step->name).second) {
        throw UserError(step->location, fmt::format("two steps are named '{}'", step->name), "step names must be unique in a job");
      }
    }
    auto nameDerived = [&](std::vector<StepSpec>& steps, const std::string& prefix) {
      for (StepSpec& step : steps) {
        if (!step.name.empty()) {
          step.stableName = step.name;
          continue;
        }
        std::string base = prefix + derivedName(step);
        std::string candidate = base;
        for (int n = 2; used.count(candidate); ++n) candidate = fmt::format("{}-{}", base, n);
        used.insert(candidate);
        step.stableName = candidate;
      }
    };
    for (ViewSpec& view : job.views) nameDerived(view.steps, view.name + "-");
    nameDerived(job.steps, "");
  }

  void checkCycle(const JobSpec& job, const std::string& view, std::vector<std::string> path) {
    if (std::find(path.begin(), path.end(), view) != path.end()) {
      path.push_back(view);
      throw UserError(job.findView(path.front())->location,
                      fmt::format("views refer to each other in a cycle: {}", fmt::join(path, " -> ")));
    }
    const ViewSpec* spec = job.findView(view);
    if (!spec) return;
    path.push_back(view);
    checkCycle(job, spec->from.name, path);
    for (const StepSpec& step : spec->steps) {
      if (step.kind == StepKind::kJoin || step.kind == StepKind::kUnion) checkCycle(job, step.with.name, path);
    }
  }

  static std::string derivedName(const StepSpec& step) {
    auto joinNames = [](const std::vector<ColumnRef>& columns) {
      std::string text;
      for (const ColumnRef& column : columns) text += (text.empty() ? "" : "-") + column.name;
      return text;
    };
    switch (step.kind) {
      case StepKind::kAggregate: return step.keys.empty() ? "aggregate-all" : "aggregate-by-" + joinNames(step.keys);
      case StepKind::kJoin: return "join-" + step.with.name;
      case StepKind::kSort: return "sort-by-" + step.sortKeys.front().column.name;
      case StepKind::kRepartition: return step.keys.empty() ? "repartition" : "repartition-by-" + joinNames(step.keys);
      case StepKind::kUnion: return "union-" + step.with.name;
      default: return stepKindNames()[static_cast<size_t>(step.kind)];
    }
  }

  std::string file_;
};

}  // namespace

JobSpec parseJob(std::string_view yamlText, const std::string& file) { return JobReader(file).read(yamlText); }

JobSpec loadJob(const fs::path& path, std::string* expandedText, const EnvironmentLookup& lookup) {
  std::error_code error;
  uintmax_t size = fs::file_size(path, error);
  if (error) {
    throw UserError(SourceLocation{path.string()}, fmt::format("cannot read the job file: {}", error.message()),
                    "check the path");
  }
  if (size > kMaxJobFileBytes) {
    throw UserError(SourceLocation{path.string()}, fmt::format("the job file is {} bytes, more than a job can be", size),
                    "a job file describes the steps; data goes in sources");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string expanded = expandEnvironment(text, path.string(), lookup);
  JobSpec job = parseJob(expanded, path.string());
  if (expandedText) *expandedText = std::move(expanded);
  return job;
}

}  // namespace jobtuner::core

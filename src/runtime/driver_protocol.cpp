#include "runtime/driver_protocol.h"

#include "core/errors.h"

namespace jobtuner::runtime {

namespace {

nlohmann::json schemaToJson(const core::Schema& schema) {
  nlohmann::json fields = nlohmann::json::array();
  for (const core::Field& field : schema.fields()) fields.push_back({field.name, field.type.name()});
  return fields;
}

core::Schema schemaFromJson(const nlohmann::json& fields) {
  std::vector<core::Field> result;
  for (const nlohmann::json& field : fields) {
    std::string typeName = field.at(1).get<std::string>();
    std::optional<core::DataType> type = core::parseDataType(typeName);
    if (!type) throw core::SystemError("the driver sent an unknown column type: " + typeName);
    result.push_back({field.at(0).get<std::string>(), *type});
  }
  return core::Schema(std::move(result));
}

nlohmann::json profileToJson(const core::Profile& profile) {
  nlohmann::json steps = nlohmann::json::object();
  for (const auto& [name, step] : profile.steps) {
    nlohmann::json entry = nlohmann::json::object();
    if (step.partitions) entry["partitions"] = *step.partitions;
    if (step.broadcast) entry["broadcast"] = *step.broadcast;
    if (step.salting) entry["salting"] = {{"buckets", step.salting->buckets}, {"keys", step.salting->keys}};
    steps[name] = entry;
  }
  return {{"shufflePartitions", profile.shufflePartitions},
          {"broadcastThresholdBytes", profile.broadcastThresholdBytes},
          {"maxPartitionBytes", profile.maxPartitionBytes},
          {"executorCores", profile.executorCores},
          {"executorMemoryBytes", profile.executorMemoryBytes},
          {"memoryFraction", profile.memoryFraction},
          {"storageFraction", profile.storageFraction},
          {"memoryOverheadBytes", profile.memoryOverheadBytes},
          {"heartbeatIntervalMs", profile.heartbeatIntervalMs},
          {"steps", steps}};
}

core::Profile profileFromJson(const nlohmann::json& in) {
  core::Profile profile;
  profile.shufflePartitions = in.at("shufflePartitions").get<int64_t>();
  profile.broadcastThresholdBytes = in.at("broadcastThresholdBytes").get<int64_t>();
  profile.maxPartitionBytes = in.at("maxPartitionBytes").get<int64_t>();
  profile.executorCores = in.at("executorCores").get<int64_t>();
  profile.executorMemoryBytes = in.at("executorMemoryBytes").get<int64_t>();
  profile.memoryFraction = in.at("memoryFraction").get<double>();
  profile.storageFraction = in.at("storageFraction").get<double>();
  profile.memoryOverheadBytes = in.at("memoryOverheadBytes").get<int64_t>();
  profile.heartbeatIntervalMs = in.at("heartbeatIntervalMs").get<int64_t>();
  for (const auto& [name, entry] : in.at("steps").items()) {
    core::StepOverride step;
    if (entry.contains("partitions")) step.partitions = entry["partitions"].get<int64_t>();
    if (entry.contains("broadcast")) step.broadcast = entry["broadcast"].get<bool>();
    if (entry.contains("salting")) {
      step.salting = core::SaltingOverride{entry["salting"].at("buckets").get<int64_t>(),
                                           entry["salting"].at("keys").get<std::vector<std::string>>()};
    }
    profile.steps.emplace(name, std::move(step));
  }
  return profile;
}

}  // namespace

void to_json(nlohmann::json& out, const ExecutorSetup& setup) {
  nlohmann::json sources = nlohmann::json::object();
  for (const auto& [name, source] : setup.sources) {
    sources[name] = {{"schema", schemaToJson(source.schema)}, {"files", source.files}};
  }
  out = {{"executorId", setup.executorId},
         {"appId", setup.appId},
         {"runDir", setup.runDir},
         {"jobFile", setup.jobFile},
         {"jobText", setup.jobText},
         {"profile", profileToJson(setup.profile)},
         {"sources", sources},
         {"outputTempDir", setup.outputTempDir},
         {"sinkFormat", setup.sinkFormat}};
}

void from_json(const nlohmann::json& in, ExecutorSetup& setup) {
  setup.executorId = in.at("executorId").get<int>();
  setup.appId = in.at("appId").get<std::string>();
  setup.runDir = in.at("runDir").get<std::string>();
  setup.jobFile = in.at("jobFile").get<std::string>();
  setup.jobText = in.at("jobText").get<std::string>();
  setup.profile = profileFromJson(in.at("profile"));
  for (const auto& [name, source] : in.at("sources").items()) {
    ResolvedSource resolved;
    resolved.schema = schemaFromJson(source.at("schema"));
    resolved.files = source.at("files").get<std::vector<std::pair<std::string, int64_t>>>();
    setup.sources.emplace(name, std::move(resolved));
  }
  setup.outputTempDir = in.at("outputTempDir").get<std::string>();
  setup.sinkFormat = in.at("sinkFormat").get<std::string>();
}

std::string toHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 15]);
  }
  return out;
}

std::string fromHex(std::string_view hex) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    throw core::SystemError("a driver message holds a malformed hex blob");
  };
  if (hex.size() % 2 != 0) throw core::SystemError("a driver message holds a malformed hex blob");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(digit(hex[2 * i]) * 16 + digit(hex[2 * i + 1]));
  }
  return out;
}

}  // namespace jobtuner::runtime

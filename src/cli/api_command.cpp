// jobtuner api REST-PATH : what the Spark History Server's REST API (/api/v1) would answer,
// computed from the store.

#include <iostream>

#include "cli/command_context.h"
#include "cli/terminal_text.h"
#include "collector/history_server_api.h"
#include "core/errors.h"

namespace jobtuner::cli {

namespace {

int runApi(const std::string& restPath, const CommandContext& context) {
  collector::ApiRequest request = collector::parseApiPath(restPath);
  auto store = context.openStore();
  collector::ApiResponse response = collector::answerApiRequest(*store, request);
  if (response.status == 200) {
    // Text from event logs may hold invalid UTF-8; it is printed replaced, never as raw bytes.
    std::cout << response.body.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return core::kExitOk;
  }
  if (response.unknownPath) {
    std::cerr << "jobtuner: error: no History Server endpoint answers " << terminalSafe(restPath, 300) << "\n"
              << "The supported paths (below /api/v1, as in Spark's REST API) are:\n";
    for (const std::string& path : collector::supportedApiPaths()) std::cerr << "  " << path << "\n";
    return core::kExitBadInput;
  }
  std::cerr << "jobtuner: error: " << terminalSafe(response.error, 1000) << " (HTTP " << response.status << ", "
            << terminalSafe(restPath, 300) << ")\n";
  if (response.status == 404) std::cerr << "'jobtuner apps' lists the apps in the store.\n";
  return core::kExitBadInput;
}

}  // namespace

void addApiCommand(CLI::App& app, CommandContext& context) {
  auto restPath = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "api", "Print what the Spark History Server's REST API would answer for REST-PATH, from the store");
  command->add_option("REST-PATH", *restPath,
                      "A path below /api/v1, e.g. /applications or '/applications/APP-ID/jobs?status=failed'")
      ->required();
  command->footer("Dates are GMT, as Spark writes them; lastUpdated is the event log's modification time.");
  command->callback([restPath, &context] { context.exitCode = runApi(*restPath, context); });
}

}  // namespace jobtuner::cli

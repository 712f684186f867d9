#pragma once

// /applications/{app-id}[/{attempt-id}]/environment: Spark's ApplicationEnvironmentInfo, from the
// stored EnvironmentUpdate (already redacted) and resource profiles.

#include "collector/history_server_api.h"

namespace jobtuner::collector {

ApiResponse answerEnvironment(const Store& store, const AppAttemptRef& app);

}  // namespace jobtuner::collector

#include "cli/app.h"

namespace jobtuner::cli {

int run(int, char**) { return 0; }

}  // namespace jobtuner::cli

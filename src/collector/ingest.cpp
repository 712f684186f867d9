#include "collector/ingest.h"

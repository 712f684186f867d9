#include "cli/app.h"

int main(int argc, char** argv) { return jobtuner::cli::run(argc, argv); }

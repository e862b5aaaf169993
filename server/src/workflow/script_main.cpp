// pledge-script: the helper process the server runs workflow scripts in
// (pledge/server/workflow/script_sandbox.h). Not meant to be run by hand.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "pledge/server/workflow/script_sandbox.h"

int main(int argc, char** argv) {
  std::int64_t memoryBytes = 64LL << 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--memory-bytes") == 0) memoryBytes = std::atoll(argv[i + 1]);
  }
  if (memoryBytes < (1 << 20)) {
    std::cerr << "pledge-script: --memory-bytes must be at least 1 MiB\n";
    return 2;
  }
  return pledge::server::workflow::runScriptHelper(memoryBytes);
}

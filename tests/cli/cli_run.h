// Runs the pledge CLI in-process against a server, as a user would type it, and keeps what it
// printed: the CLI tests' one way to call it.
//
//   Outcome shown = runPledge(server.url(), {"show", id});
//   EXPECT_EQ(shown.status, kExitOk) << shown.err;
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "pledge/cli/cli_app.h"

namespace pledge::cli {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

inline Outcome runPledge(const std::string& serverUrl, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"pledge", "--server", serverUrl};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<const char*> raw;
  for (const std::string& arg : argv) raw.push_back(arg.c_str());
  std::ostringstream out;
  std::ostringstream err;
  int status = runCli(static_cast<int>(raw.size()), raw.data(), out, err, CliEnvironment{});
  return Outcome{status, out.str(), err.str()};
}

}  // namespace pledge::cli

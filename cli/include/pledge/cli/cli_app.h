// The pledge command-line tool over REST API v1: start processes (many at once, with a progress
// bar), list and inspect them (drawn as a tree), restart, abort, send events, see queues, actors
// and the cluster, block and unblock actors, register and draw workflow definitions, define and
// operate schedules. `--json` prints the API's JSON for scripts.
//
//   pledge start NotificationDecider#1.0 start '["user-{i}","hi"]' --count 91 --wait
//   pledge ps --state broken
//   pledge show 0193d4c2-...
//   pledge event send pizzaReady order-42 '{"ready":true}' --id delivery-7
//   pledge workflow register greet.json
//   pledge start workflow:greet --input '{"id":"ann"}' --wait
//   pledge schedule create nightly --cron '0 2 * * *' --tz Europe/Berlin Report#1.0 start
#pragma once

#include <ostream>
#include <string>

namespace pledge::cli {

// Exit statuses.
inline constexpr int kExitOk = 0;
// The server refused, or a waited-for process did not complete.
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;        // bad command line
inline constexpr int kExitUnreachable = 3;  // no server answered

struct CliEnvironment {
  // Where output goes decides colours and the progress bar's form.
  bool stdoutTerminal = false;
  bool stderrTerminal = false;
  // --server's default: $PLEDGE_SERVER, else http://127.0.0.1:8080.
  std::string defaultServer = "http://127.0.0.1:8080";
  // --token's default: $PLEDGE_TOKEN; --ca's: $PLEDGE_CA.
  std::string defaultToken;
  std::string defaultCa;
};

// Runs one command; returns the exit status. Never throws.
int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliEnvironment& environment);

}  // namespace pledge::cli

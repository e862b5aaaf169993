// ProcessView: a process drawn in the terminal. Tasks appear as the tree of the decisions that
// created them (a start task, the tasks its decision created under it, ...), each with its
// state, its promise edges ("← #2": waits for task #2's promise; "⇢ #3": takes it without
// waiting; "= #5": its result is task #5's) and, for a failed task, its error.
//
//   std::cout << renderProcess(processJson, tasksJson, {.colour = isatty(1)});
#pragma once

#include <string>

#include "pledge/json.h"

namespace pledge::cli {

struct RenderOptions {
  bool colour = false;
  // Epoch ms used for relative times ("3s ago").
  std::int64_t now = 0;
};

// process: GET /api/v1/processes/{id}; tasks: GET /api/v1/processes/{id}/tasks.
std::string renderProcess(const Json& process, const Json& tasks, const RenderOptions& options);

// "340 ms", "4.2 s", "3 min", "2 h".
std::string humanDuration(std::int64_t ms);
// "just now", "3s ago", "5 min ago", "2 h ago", "in 4 min".
std::string relativeTime(std::int64_t at, std::int64_t now);
// Epoch ms as the local time, "2026-12-04 17:04:12"; "-" for 0 or less.
std::string localTime(std::int64_t epochMs);
// A state word in its colour (when colour is on): completed green, running/ready yellow,
// waiting/scheduled grey, failed/broken red, aborted/cancelled magenta.
std::string paintState(const std::string& state, bool colour);

}  // namespace pledge::cli

// Replay: the comparison behind `pledge replay TASK_ID --plugin lib.so`. A decider task's
// recorded decision (GET /api/v1/tasks/{id}'s "decision") and the decision the decider makes
// now from the same input are brought to one comparable form and diffed line by line.
//
//   Json recorded = comparableDecision(record["decision"], replayed);
//   Json now = comparableDecision(replayed);
//   std::string diff = unifiedDiff(recorded.dump(2), now.dump(2));   // "" when the same
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "pledge/decision.h"
#include "pledge/json.h"

namespace pledge::cli {

// A decision with the ids its own new tasks got replaced by their place ("new task 1" is the
// first one it created), since a replay makes new ids; promises of earlier tasks keep their id.
// A start time is compared as present or not (a decider that computes it from the clock
// differs on every run), priority 0 and the default task list as absent.
Json comparableDecision(const Decision& decision);
// The recorded decision (the wire form of GET /api/v1/tasks/{id}'s "decision") in the same
// form. The server fills in each recorded task's lease (timeoutMs) from its default; it is
// compared only where the replayed task at the same place names one.
Json comparableDecision(const Json& recorded, const Decision& replayed);

// The lines of before and after that differ, as a unified diff ("--- recorded", "+++ replayed",
// hunks with 3 lines of context); "" when they are the same.
std::string unifiedDiff(const std::string& before, const std::string& after);

}  // namespace pledge::cli

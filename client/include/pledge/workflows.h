// Workflows from code: a decider calls a workflow registered on the server (docs/workflows.md)
// as it calls another decider. The workflow runs in the decider's process as a sub-process
// (its steps are decider tasks the server runs itself); the promise resolves with its output.
//
//   pledge::Promise<pledge::Json> checked =
//       pledge::callWorkflow("kyc", 2, pledge::Json{{"users", users}});
//   return mailer.send(owner, checked);   // once the workflow ended
//
// The input may be the promise of a Json value (the workflow starts once it resolves).
#pragma once

#include <string_view>

#include "pledge/arg.h"
#include "pledge/call_options.h"
#include "pledge/json.h"
#include "pledge/promise.h"

namespace pledge {

// Records a call of workflow name (version >= 1) with this input (an object) as a task of the
// running decider. Throws pledge::Error outside a decider, for a name that cannot be an actor
// name, a version below 1, or an input value that is not an object.
Promise<Json> callWorkflow(std::string_view name, int version, Arg<Json> input,
                           CallOptions options = {});

}  // namespace pledge

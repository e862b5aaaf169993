// Internal to the workflow room: the checks parseWorkflow runs once every task is read.
#pragma once

#include "pledge/server/workflow/definition.h"

namespace pledge::server::workflow {

// Throws WorkflowError for a template path that cannot resolve, a joinOn naming no task, a
// SWITCH or dynamic fork naming an input it does not have.
void checkReferences(const WorkflowDef& def);

}  // namespace pledge::server::workflow

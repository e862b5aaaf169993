// WorkflowView: a workflow definition (Conductor JSON) drawn in the terminal as the tree of its
// tasks, in the box-drawing style of `pledge show`. Each task shows its type and reference name
// and what it does (a SIMPLE task's actor, a script's expression, ...); a SWITCH's cases and a
// FORK_JOIN's branches are labelled branches under it, a DO_WHILE's body is nested under it.
//
//   std::cout << renderWorkflow(client.workflow("greet").definition);
//
//   workflow:greet#2  says hello
//   input: id
//
//   ├─ SIMPLE lookup  lookup#1
//   └─ SWITCH pick  javascript $.lang == 'fr' ? 'fr' : 'other'
//      ├─ case "fr"
//      │  └─ SET_VARIABLE fr  sets hi
//      └─ default
//         └─ SET_VARIABLE en  sets hi
#pragma once

#include <string>

#include "pledge/json.h"

namespace pledge::cli {

// The definition as registered (GET /api/v1/workflows/{name}: "definition"). Draws what it can
// of a definition that does not hold together (the server refuses those); never throws.
std::string renderWorkflow(const Json& definition);

}  // namespace pledge::cli

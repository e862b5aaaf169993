// Runs a decider method in a recording scope and returns the tasks it recorded: how the
// examples' unit tests look at what a decider plans.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pledge/task_recorder.h"

namespace pledge::testing {

inline std::vector<TaskSpec> recordDecision(const std::string& decider, const std::function<void()>& call) {
  TaskRecorder recorder(decider);
  RecordingScope scope(recorder);
  call();
  return recorder.takeTasks();
}

}  // namespace pledge::testing

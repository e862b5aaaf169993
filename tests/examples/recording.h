// recordDecision: runs decider code in a recording scope and returns the tasks it recorded — how
// the examples' unit tests look at what a decider plans, without a server. Read the result with
// the generated <Actor>Recording test doubles.
//
//   FibonacciImpl decider;
//   auto tasks = pledge::testing::recordDecision(Fibonacci::kActor, [&] { decider.fib(5); });
//   EXPECT_EQ(AdderRecording(tasks).add().size(), 1u);
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "pledge/task_recorder.h"

namespace pledge::testing {

// decider: the actor id of the decider whose code call runs (its async() records tasks of it).
inline std::vector<TaskSpec> recordDecision(const std::string& decider,
                                            const std::function<void()>& call) {
  TaskRecorder recorder(decider);
  RecordingScope scope(recorder);
  call();
  return recorder.takeTasks();
}

}  // namespace pledge::testing

// Internal to the workflow room: one step of the built-in decider (interpreter.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pledge/server/workflow/interpreter.h"

namespace pledge::server::workflow {

class Step {
 public:
  // A DO_WHILE runs its tasks at most this many times.
  static constexpr std::int64_t kMaxIterations = 10'000;
  // A dynamic fork starts at most this many tasks.
  static constexpr std::size_t kMaxDynamicTasks = 10'000;

  Step(const WorkflowDef& def, const PolledTask& task, const StepServices& services);
  Decision run();

 private:
  static Json valueOf(const ArgValue& arg);
  void buildScope();
  // Puts what a promise resolved to into the scope.
  void settle(const Json& entry, const ArgValue& value);
  // A task settled in this step: into the scope and the frame.
  void remember(const std::string& ref, Json input, Json output);
  Json inputOf(const WorkflowTask& t) const;
  // Settles t now when it needs no time; false when it must be recorded.
  bool settleAtOnce(const WorkflowTask& t, Json& top);
  std::string switchValue(const WorkflowTask& t, const Json& input);
  Json script(const WorkflowTask& t, const std::string& code, const Json& input);
  // At the end of a DO_WHILE's tasks: true when they run again.
  bool loopAgain(Json& top);
  Json joinOutput(const WorkflowTask& join, const Json& top);
  void finish();
  void finishTerminated(const Json& terminate);
  Json records() const;

  // interpreter_tasks.cpp
  // Records t as a task of the process (its promise joins the frame under ref).
  void recordTask(const WorkflowTask& t, Json input, const std::string& ref);
  void fork(const WorkflowTask& t);
  void forkDynamic(const WorkflowTask& t);
  // Records a step that runs frame once every promise of promised resolved.
  Uuid recordStep(const Json& frame);
  // The next step of this walk, and this step forwards to it.
  void waitForNextStep();
  void promise(Json entry, const Uuid& taskId, bool optional);
  std::string eventKey(const Json& input) const;
  std::string subWorkflowActor(const WorkflowTask& t) const;

  const WorkflowDef& def_;
  const PolledTask& task_;
  const StepServices& services_;
  Json frame_;
  std::vector<ArgValue> promisedValues_;
  Json scope_;
  Decision decision_;
  std::optional<Json> terminated_;
  bool stopped_ = false;
};

}  // namespace pledge::server::workflow

// One step of a workflow (interpreter.h); the tasks a step records are in
// interpreter_tasks.cpp.
#include "pledge/server/workflow/interpreter.h"

#include <fmt/format.h>

#include "pledge/server/workflow/templates.h"
#include "workflow/step.h"

namespace pledge::server::workflow {

Step::Step(const WorkflowDef& def, const PolledTask& task, const StepServices& services)
    : def_(def), task_(task), services_(services) {
  decision_.taskId = task.taskId;
  decision_.processId = task.processId;
  decision_.attempt = task.attempt;
  if (task.method != kStepMethod) {  // the start task: args [input]
    Json input = task.args.empty() ? Json::object() : valueOf(task.args[0]);
    if (input.is_null()) input = Json::object();
    if (!input.is_object()) {
      throw TaskError("pledge.BadWorkflowInput",
                      "the input of a workflow is an object, got " + describeJson(input), false);
    }
    frame_ = {{"input", std::move(input)},
              {"vars", Json::object()},
              {"stack", Json::array({{{"list", "/tasks"}, {"index", 0}}})},
              {"known", Json::object()},
              {"promised", Json::array()},
              {"branch", false}};
  } else {
    PLEDGE_REQUIRE(task.args.size() == 2 && task.args[1].kind == ArgValue::Kind::List,
                   "a workflow step has two arguments: its frame and a list of promises");
    frame_ = valueOf(task.args[0]);
    promisedValues_ = task.args[1].list;
  }
  buildScope();
}

Json Step::valueOf(const ArgValue& arg) {
  PLEDGE_REQUIRE(arg.kind == ArgValue::Kind::Value, "a workflow step's argument is a value");
  return arg.value;
}

void Step::buildScope() {
  scope_ = Json::object();
  scope_["workflow"] = {{"input", frame_["input"]},
                        {"variables", frame_["vars"]},
                        {"workflowId", task_.processId.toString()},
                        {"workflowType", def_.name},
                        {"version", def_.version}};
  for (const auto& [ref, record] : frame_["known"].items()) scope_[ref] = record;
  const Json& promised = frame_["promised"];
  PLEDGE_REQUIRE(promised.size() == promisedValues_.size(),
                 "a workflow step lists {} promises for {} entries", promisedValues_.size(),
                 promised.size());
  for (std::size_t i = 0; i < promised.size(); ++i) settle(promised[i], promisedValues_[i]);
}

void Step::settle(const Json& entry, const ArgValue& value) {
  const std::string kind = entry.value("kind", "task");
  const std::string ref = entry.value("ref", "");
  Json record{{"input", entry.value("input", Json::object())}, {"status", "COMPLETED"}};
  if (value.kind == ArgValue::Kind::Failed) {
    record["status"] = value.failure.type() == kTimeoutError ? "TIMED_OUT" : "FAILED";
    record["reasonForIncompletion"] = value.failure.message();
    record["output"] = Json::object();
    scope_[ref] = std::move(record);
    return;
  }
  if (value.kind != ArgValue::Kind::Value) return;  // not resolved yet: not read
  if (kind == "branch") {
    const Json& result = value.value;
    for (const auto& [branchRef, branchRecord] : result["records"].items()) {
      scope_[branchRef] = branchRecord;
    }
    for (const auto& [name, variable] : result["vars"].items()) {
      frame_["vars"][name] = variable;
      scope_["workflow"]["variables"][name] = variable;
    }
    if (result.contains("terminate")) terminated_ = result["terminate"];
    return;
  }
  record["output"] = kind == "timer" ? Json::object() : value.value;
  scope_[ref] = std::move(record);
}

void Step::remember(const std::string& ref, Json input, Json output) {
  Json record{{"input", std::move(input)}, {"output", std::move(output)}, {"status", "COMPLETED"}};
  scope_[ref] = record;
  frame_["known"][ref] = std::move(record);
  frame_["last"] = ref;
}

Json Step::inputOf(const WorkflowTask& t) const { return resolveTemplates(t.inputParameters, scope_); }

Decision Step::run() {
  if (terminated_) {
    finishTerminated(*terminated_);
    return std::move(decision_);
  }
  Json& stack = frame_["stack"];
  while (!stack.empty()) {
    Json& top = stack.back();
    const auto& list = def_.list(top["list"].get<std::string>());
    const auto index = top["index"].get<std::size_t>();
    if (index >= list.size()) {
      if (top.contains("loop") && loopAgain(top)) continue;
      stack.erase(stack.size() - 1);
      if (!stack.empty()) stack.back()["index"] = stack.back()["index"].get<std::size_t>() + 1;
      continue;
    }
    const WorkflowTask& t = list[index];
    if (settleAtOnce(t, top)) continue;
    if (decision_.error || stopped_) return std::move(decision_);
    // A task that needs time: record it (or a fork's branches), then wait in the next step.
    top["index"] = index + 1;
    if (t.kind == TaskKind::ForkJoin || t.kind == TaskKind::ForkJoinDynamic) {
      fork(t);
    } else {
      recordTask(t, inputOf(t), t.ref);
    }
    frame_["last"] = t.ref;
    waitForNextStep();
    return std::move(decision_);
  }
  finish();
  return std::move(decision_);
}

bool Step::settleAtOnce(const WorkflowTask& t, Json& top) {
  const auto next = [&] { top["index"] = top["index"].get<std::size_t>() + 1; };
  switch (t.kind) {
    case TaskKind::SetVariable: {
      Json input = inputOf(t);
      for (const auto& [name, value] : input.items()) {
        frame_["vars"][name] = value;
        scope_["workflow"]["variables"][name] = value;
      }
      remember(t.ref, std::move(input), Json::object());
      next();
      return true;
    }
    case TaskKind::Switch: {
      Json input = inputOf(t);
      const std::string chosen = switchValue(t, input);
      auto found = t.decisionCases.find(chosen);
      const bool isDefault = found == t.decisionCases.end();
      const auto& tasks = isDefault ? t.defaultCase : found->second;
      remember(t.ref, std::move(input), {{"evaluationResult", Json::array({chosen})}});
      if (tasks.empty()) {
        next();
      } else {
        frame_["stack"].push_back(
            {{"list", isDefault ? t.pointer + "/defaultCase"
                                : t.pointer + "/decisionCases/" + pointerToken(chosen)},
             {"index", 0}});
      }
      return true;
    }
    case TaskKind::DoWhile:
      remember(t.ref, inputOf(t), {{"iteration", 1}});
      if (t.loopOver.empty()) {
        next();
      } else {
        frame_["stack"].push_back({{"list", t.pointer + "/loopOver"},
                                   {"index", 0},
                                   {"loop", t.ref},
                                   {"iteration", 1}});
      }
      return true;
    case TaskKind::Join:
      remember(t.ref, Json::object(), joinOutput(t, top));
      next();
      return true;
    case TaskKind::Terminate: {
      Json input = inputOf(t);
      remember(t.ref, input, Json::object());
      Json terminate{{"status", input["terminationStatus"]},
                     {"output", input.value("workflowOutput", Json::object())},
                     {"reason", input.value("terminationReason", "")},
                     {"ref", t.ref}};
      finishTerminated(terminate);
      stopped_ = true;
      return false;
    }
    default:
      return false;
  }
}

std::string Step::switchValue(const WorkflowTask& t, const Json& input) {
  Json value;
  if (t.evaluatorType == "value-param") {
    value = input.contains(t.expression) ? input[t.expression] : Json();
  } else {
    value = script(t, t.expression, input);
  }
  return value.is_string() ? value.get<std::string>() : dumpJson(value);
}

Json Step::script(const WorkflowTask& t, const std::string& code, const Json& input) {
  try {
    return services_.javaScript(code, input);
  } catch (const ScriptFailure& failure) {
    throw TaskError(failure.type(), fmt::format("{} ({}): {}", t.ref, t.pointer, failure.what()),
                    false);
  }
}

bool Step::loopAgain(Json& top) {
  const std::string ref = top["loop"].get<std::string>();
  const WorkflowTask& loop = *def_.byRef.at(ref);
  const auto iteration = top["iteration"].get<std::int64_t>();
  Json bound = inputOf(loop);
  for (const WorkflowTask& t : loop.loopOver) {
    if (scope_.contains(t.ref)) bound[t.ref] = scope_[t.ref]["output"];
  }
  bound[ref] = {{"iteration", iteration}};
  remember(ref, inputOf(loop), {{"iteration", iteration}});
  const Json again = script(loop, loop.loopCondition, bound);
  const bool truthy = again.is_boolean() ? again.get<bool>()
                      : again.is_number() ? again.get<double>() != 0
                      : again.is_string() ? !again.get<std::string>().empty()
                                          : !again.is_null();
  if (!truthy) return false;
  if (iteration >= kMaxIterations) {
    throw TaskError("pledge.LoopLimit",
                    fmt::format("{} ({}): more than {} iterations", ref, loop.pointer,
                                kMaxIterations),
                    false);
  }
  top["iteration"] = iteration + 1;
  top["index"] = 0;
  remember(ref, inputOf(loop), {{"iteration", iteration + 1}});
  return true;
}

Json Step::joinOutput(const WorkflowTask& join, const Json& top) {
  std::vector<std::string> refs = join.joinOn;
  const auto& list = def_.list(top["list"].get<std::string>());
  const auto index = top["index"].get<std::size_t>();
  if (refs.empty() && index > 0) {
    const WorkflowTask& fork = list[index - 1];
    if (fork.kind == TaskKind::ForkJoinDynamic && scope_.contains(fork.ref)) {
      for (const Json& ref : scope_[fork.ref]["output"]["forkedTasks"]) refs.push_back(ref);
    }
    for (const auto& branch : fork.forkTasks) {
      if (!branch.empty()) refs.push_back(branch.back().ref);
    }
  }
  Json output = Json::object();
  for (const std::string& ref : refs) {
    output[ref] = scope_.contains(ref) ? scope_[ref]["output"] : Json();
  }
  return output;
}

void Step::finish() {
  if (frame_["branch"].get<bool>()) {
    decision_.result = {{"records", records()}, {"vars", frame_["vars"]}};
    return;
  }
  if (def_.outputParameters) {
    decision_.result = resolveTemplates(*def_.outputParameters, scope_);
  } else {
    const std::string last = frame_.value("last", "");
    decision_.result = scope_.contains(last) ? scope_[last]["output"] : Json::object();
  }
}

void Step::finishTerminated(const Json& terminate) {
  if (terminate["status"] != "COMPLETED") {
    const std::string reason = terminate.value("reason", "");
    decision_.error = TaskError(
        "pledge.Terminated",
        fmt::format("the workflow was terminated ({}) by {}{}", terminate["status"].get<std::string>(),
                    terminate.value("ref", "?"), reason.empty() ? "" : ": " + reason),
        false);
  } else if (frame_["branch"].get<bool>()) {
    decision_.result = {{"records", records()}, {"vars", frame_["vars"]}, {"terminate", terminate}};
  } else {
    decision_.result = terminate["output"];
  }
}

Json Step::records() const {
  Json out = Json::object();
  for (const auto& [ref, record] : scope_.items()) {
    if (ref != "workflow") out[ref] = record;
  }
  return out;
}

Decision runStep(const WorkflowDef& def, const PolledTask& task, const StepServices& services) {
  try {
    Step step(def, task, services);
    return step.run();
  } catch (const TaskError& error) {
    Decision failed;
    failed.taskId = task.taskId;
    failed.processId = task.processId;
    failed.attempt = task.attempt;
    failed.error = error;
    return failed;
  }
}

}  // namespace pledge::server::workflow

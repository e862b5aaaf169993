// The graph's side of a decision: the arguments a polled task carries, the checks of new
// tasks, and applying a released decision.
#include "pledge/server/engine/process_graph.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/promise_walk.h"
#include "pledge/error.h"
#include "pledge/event.h"
#include "pledge/json_writer.h"

namespace pledge::server {

ArgValue ProcessGraph::resolvedArg(const Task& task, const ArgSpec& arg) const {
  switch (arg.kind) {
    case ArgSpec::Kind::Value: return ArgValue::ofValue(arg.value);
    case ArgSpec::Kind::List: {
      std::vector<ArgValue> items;
      items.reserve(arg.list.size());
      for (const ArgSpec& item : arg.list) items.push_back(resolvedArg(task, item));
      return ArgValue::ofList(std::move(items));
    }
    case ArgSpec::Kind::Promise: {
      const Task* target = findTask(arg.promise);
      PLEDGE_ASSERT(target != nullptr, "argument of task {} refers to unknown task {}",
                    task.id.toString(), arg.promise.toString());
      if (target->promise == PromiseState::Resolved) return ArgValue::ofValue(*target->value);
      if (target->promise == PromiseState::Failed) return ArgValue::ofFailure(*target->error);
      return ArgValue::ofPromise(arg.promise);
    }
  }
  return ArgValue::ofValue(nullptr);
}

std::vector<ArgValue> ProcessGraph::resolvedArgs(const Task& task) const {
  std::vector<ArgValue> args;
  args.reserve(task.args.size());
  for (const ArgSpec& arg : task.args) args.push_back(resolvedArg(task, arg));
  return args;
}

PolledTask ProcessGraph::polledTask(const Task& task) const {
  PolledTask polled;
  polled.taskId = task.id;
  polled.processId = task.process->id;
  polled.actor = *task.actor;
  polled.method = *task.method;
  polled.type = task.type;
  polled.attempt = task.attempt;
  polled.timeoutMs = task.timeoutMs;
  polled.args = resolvedArgs(task);
  return polled;
}

namespace {

// An event task waits for the first of at most this many events.
constexpr std::size_t kMaxEventNames = 16;

// What an event or a timer task must look like (docs/events.md).
std::optional<std::string> checkSystemTask(const TaskSpec& spec) {
  if (spec.type == TaskType::Event) {
    if (spec.args.empty() || spec.args.size() > 2) {
      return fmt::format(
          "an event task takes its correlation key (and the names of more events it may take "
          "first); got {} arguments",
          spec.args.size());
    }
    if (spec.args.size() == 2) {
      const ArgSpec& more = spec.args[1];
      if (more.kind != ArgSpec::Kind::Value || !more.value.is_array() || more.value.empty() ||
          more.value.size() > kMaxEventNames) {
        return fmt::format("args[1]: the names of more events, a list of 1 to {} names",
                           kMaxEventNames);
      }
      for (std::size_t n = 0; n < more.value.size(); ++n) {
        const Json& name = more.value[n];
        if (!name.is_string()) return fmt::format("args[1][{}]: a name is a string", n);
        if (auto problem = checkMethodName(name.get_ref<const std::string&>())) {
          return fmt::format("args[1][{}]: {}", n, *problem);
        }
      }
    }
    const ArgSpec& key = spec.args[0];
    if (key.kind == ArgSpec::Kind::List) return std::string("args[0]: a key is no list");
    if (key.kind == ArgSpec::Kind::Value && !key.value.is_string()) {
      return "args[0]: a key is a string, got " + describeJson(key.value);
    }
    if (key.kind == ArgSpec::Kind::Value) {
      if (auto problem = checkEventKey(key.value.get_ref<const std::string&>())) {
        return "args[0]: " + *problem;
      }
    }
  } else if (spec.type == TaskType::Timer) {
    if (!spec.args.empty()) return std::string("a timer task takes no arguments");
    if (!spec.options.timeoutMs) {
      return std::string("options.timeoutMs: a timer task needs its delay");
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Rejection> ProcessGraph::checkNewTasks(const Process& process, const Task& creator,
                                                     const std::vector<TaskSpec>& specs) const {
  if (specs.empty()) return std::nullopt;
  if (creator.type == TaskType::Worker) {
    return Rejection{ErrorCode::BadRequest, "a worker task creates no tasks; only deciders do"};
  }
  // The new ids, sorted (a vector: decisions are mostly small, and a hash map's nodes cost more).
  std::vector<std::pair<Uuid, std::size_t>> fresh;
  fresh.reserve(specs.size());
  std::size_t used = specs.size();  // the first id taken already, or twice
  for (std::size_t i = 0; i < specs.size() && used == specs.size(); ++i) {
    if (tasks_.contains(specs[i].taskId)) used = i;
    fresh.emplace_back(specs[i].taskId, i);
  }
  std::sort(fresh.begin(), fresh.end());
  for (std::size_t k = 1; k < fresh.size(); ++k) {
    if (fresh[k].first == fresh[k - 1].first) used = std::min(used, fresh[k].second);
  }
  if (used < specs.size()) {
    return Rejection{ErrorCode::BadRequest, fmt::format("tasks[{}]: task id {} is already used",
                                                        used, specs[used].taskId.toString())};
  }
  const auto freshIndex = [&fresh](const Uuid& id) -> std::optional<std::size_t> {
    auto it = std::lower_bound(fresh.begin(), fresh.end(), std::pair{id, std::size_t{0}});
    if (it == fresh.end() || it->first != id) return std::nullopt;
    return it->second;
  };
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (auto problem = checkSystemTask(specs[i])) {
      return Rejection{ErrorCode::BadRequest, fmt::format("tasks[{}]: {}", i, *problem)};
    }
    if (specs[i].processDeadline) {
      return Rejection{ErrorCode::BadRequest,
                       fmt::format("tasks[{}].processDeadline: only a start task has one (start "
                                   "the process with deadlineMs)",
                                   i)};
    }
  }
  // Every promise refers to a task of this process, and the awaited references among the new
  // tasks form no cycle (such tasks could never become ready).
  std::vector<std::vector<std::size_t>> awaits(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    std::optional<Rejection> problem;
    for (std::size_t a = 0; a < specs[i].args.size() && !problem; ++a) {
      forEachPromise(specs[i].args[a], [&](const ArgSpec& ref) {
        if (problem) return;
        if (std::optional<std::size_t> local = freshIndex(ref.promise)) {
          if (*local == i) {
            problem = Rejection{
                ErrorCode::BadRequest,
                fmt::format("tasks[{}].args[{}]: a task cannot take its own promise", i, a)};
          } else if (!ref.flags.noWait) {
            awaits[i].push_back(*local);
          }
          return;
        }
        const Task* target = findTask(ref.promise);
        if (target == nullptr || target->process != &process) {
          problem = Rejection{ErrorCode::BadRequest,
                              fmt::format("tasks[{}].args[{}]: promise {} is no task of process {}",
                                          i, a, ref.promise.toString(), process.id.toString())};
        }
      });
    }
    if (problem) return problem;
  }
  // Depth-first search with an explicit stack (a client decides how deep the graph is).
  std::vector<int> color(specs.size(), 0);  // 0 unseen, 1 on the path, 2 done
  std::vector<std::pair<std::size_t, std::size_t>> path;  // (task, next edge to follow)
  for (std::size_t root = 0; root < specs.size(); ++root) {
    if (color[root] != 0) continue;
    color[root] = 1;
    path.emplace_back(root, 0);
    while (!path.empty()) {
      auto& [node, edge] = path.back();
      if (edge == awaits[node].size()) {
        color[node] = 2;
        path.pop_back();
        continue;
      }
      const std::size_t next = awaits[node][edge++];
      if (color[next] == 1) {
        return Rejection{
            ErrorCode::BadRequest,
            fmt::format("tasks[{}]: the new tasks wait for each other in a cycle", next)};
      }
      if (color[next] == 0) {
        color[next] = 1;
        path.emplace_back(next, 0);
      }
    }
  }
  return std::nullopt;
}

void ProcessGraph::linkArgument(Task& task, const ArgSpec& arg, Effects& effects) {
  forEachPromise(arg, [&](const ArgSpec& ref) {
    if (ref.flags.noWait) return;
    Task* target = findTask(ref.promise);
    PLEDGE_ASSERT(target != nullptr, "unchecked promise {}", ref.promise.toString());
    if (target->promise == PromiseState::Resolved) return;
    if (target->promise == PromiseState::Failed && ref.flags.acceptFail.accepts(*target->error)) {
      return;
    }
    ++task.pendingArgs;
    target->waiters.push_back(Waiter{&task, &ref.flags});
    if (target->promise == PromiseState::Failed) {
      // A new task takes a failure it does not accept: it can never run.
      breakProcess(*task.process, *target, *target->error, effects);
    }
  });
}

void ProcessGraph::linkArguments(Task& task, Effects& effects) {
  for (const ArgSpec& arg : task.args) linkArgument(task, arg, effects);
}

std::optional<Rejection> ProcessGraph::applyDecision(Task& task, const Decision& decision,
                                                     std::int64_t now, Effects& effects) {
  PLEDGE_ASSERT(task.state == TaskState::Leased && decision.attempt == task.attempt,
                "decision for attempt {} of a task in state {} on attempt {}", decision.attempt,
                taskStateName(task.state), task.attempt);
  Process& process = *task.process;
  if (decision.error) {
    task.releasedAttempt = task.attempt;
    failAttempt(task, *decision.error, /*leaseLost=*/false, now, effects);
    return std::nullopt;
  }
  if (decision.promise && task.type == TaskType::Worker) {
    return Rejection{ErrorCode::BadRequest, "a worker returns a value, not a promise"};
  }
  if (auto problem = checkNewTasks(process, task, decision.tasks)) return problem;

  Task* target = nullptr;
  if (decision.promise) {
    bool isNew = false;
    for (const TaskSpec& spec : decision.tasks) isNew = isNew || spec.taskId == *decision.promise;
    if (!isNew) {
      target = findTask(*decision.promise);
      if (target == nullptr || target->process != &process) {
        return Rejection{ErrorCode::BadRequest,
                         fmt::format("promise {} is no task of process {}",
                                     decision.promise->toString(), process.id.toString())};
      }
      for (const Task* step = target; step != nullptr; step = step->forwardTo) {
        if (step == &task) {
          return Rejection{ErrorCode::BadRequest,
                           "the promise forwards back to this task: a forwarding cycle"};
        }
      }
    }
  }

  std::vector<Task*> created;
  created.reserve(decision.tasks.size());
  for (const TaskSpec& spec : decision.tasks) {
    Task& child = createTask(process, spec, task.id, now);
    created.push_back(&child);
    effects.changedTasks.push_back(&child);
  }
  for (Task* child : created) linkArguments(*child, effects);
  for (Task* child : created) {
    if (child->pendingArgs == 0) makeRunnable(*child, now, effects);
  }

  task.releasedAttempt = task.attempt;
  leaveLiveState(task, TaskState::Completed, now, effects);
  if (decision.promise) {
    if (target == nullptr) target = findTask(*decision.promise);
    task.forwardTo = target;
    if (target->promise == PromiseState::Resolved) {
      resolvePromise(task, target->value, now, effects);
    } else {
      target->forwarders.push_back(&task);
      if (target->promise == PromiseState::Failed) failPromise(task, *target->error, now, effects);
    }
  } else {
    resolvePromise(task, std::make_shared<const Json>(decision.result), now, effects);
  }
  checkCompletion(process, now, effects);
  return std::nullopt;
}

}  // namespace pledge::server

// GET /api/v1/tasks/{id}: one task with what it was given and what it decided, read from the
// process's tasks (live in memory, or from the store once the process left it). `pledge replay`
// runs a decider again on `input` and compares its decision with `decision`.
#include <algorithm>
#include <map>
#include <vector>

#include "rest/views.h"

namespace pledge::server {
namespace {

using Snapshots = std::map<Uuid, const TaskSnapshot*>;

// An argument as a poll hands it out (ProcessGraph::resolvedArg), from the stored promise
// states: a resolved promise gives its value, a failed one its error, a pending one stays a
// promise (a noWait argument).
ArgValue resolvedArg(const ArgSpec& arg, const Snapshots& tasks) {
  switch (arg.kind) {
    case ArgSpec::Kind::Value: return ArgValue::ofValue(arg.value);
    case ArgSpec::Kind::List: {
      std::vector<ArgValue> items;
      for (const ArgSpec& item : arg.list) items.push_back(resolvedArg(item, tasks));
      return ArgValue::ofList(std::move(items));
    }
    case ArgSpec::Kind::Promise: {
      auto target = tasks.find(arg.promise);
      if (target != tasks.end()) {
        const TaskRow& row = target->second->row;
        if (row.promise == PromiseState::Resolved && !row.value.empty()) {
          return ArgValue::ofValue(parseJson(row.value));
        }
        if (row.promise == PromiseState::Failed && !row.error.empty()) {
          return ArgValue::ofFailure(parseJson(row.error).get<TaskError>());
        }
      }
      return ArgValue::ofPromise(arg.promise);
    }
  }
  return ArgValue::ofValue(nullptr);
}

// The decision the task's last execution made, or null while it has made none: its outcome
// and the tasks it created, in creation order.
Json decisionJson(const TaskSnapshot& task, const std::vector<TaskSnapshot>& all) {
  const TaskRow& row = task.row;
  if (row.state != TaskState::Completed && row.state != TaskState::Failed) return nullptr;
  std::vector<const TaskSnapshot*> created;
  for (const TaskSnapshot& other : all) {
    if (other.row.parentId == row.id) created.push_back(&other);
  }
  std::sort(created.begin(), created.end(),
            [](const TaskSnapshot* a, const TaskSnapshot* b) { return a->row.seq < b->row.seq; });
  Json tasks = Json::array();
  for (const TaskSnapshot* child : created) tasks.push_back(child->spec);
  Json decision = {{"tasks", std::move(tasks)}};
  if (row.state == TaskState::Failed) {
    decision["error"] = row.error.empty() ? Json() : parseJson(row.error);
  } else if (row.forwardTo) {
    decision["promise"] = *row.forwardTo;
  } else {
    decision["result"] = row.value.empty() ? Json() : parseJson(row.value);
  }
  return decision;
}

}  // namespace

std::optional<Json> taskRecordJson(const std::vector<TaskSnapshot>& tasks, const Uuid& taskId,
                                   const ProcessInfo& process) {
  Snapshots byId;
  for (const TaskSnapshot& task : tasks) byId.emplace(task.row.id, &task);
  auto found = byId.find(taskId);
  if (found == byId.end()) return std::nullopt;
  const TaskSnapshot& task = *found->second;
  PolledTask input;
  input.taskId = taskId;
  input.processId = process.processId;
  input.actor = task.spec.actor;
  input.method = task.spec.method;
  input.type = task.spec.type;
  input.attempt = std::max(task.row.attempt, 1);
  input.timeoutMs = task.spec.options.timeoutMs.value_or(input.timeoutMs);
  for (const ArgSpec& arg : task.spec.args) input.args.push_back(resolvedArg(arg, byId));
  Json record = taskJson(task, process.taskId);
  record["processId"] = process.processId;
  record["spec"] = task.spec;
  record["input"] = input;
  record["decision"] = decisionJson(task, tasks);
  return record;
}

}  // namespace pledge::server

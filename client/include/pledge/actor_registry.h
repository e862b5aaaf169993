// ActorRegistry: the actors a process can run, each an actor id with a factory of dispatchers.
// A dispatcher owns one implementation instance and turns a polled task (method + JSON args)
// into a call of it.
//
// Generated code fills the registry: every IDL file yields one exported registration function
// that adds the actors whose implementation class the IDL names. A bootstrap plugin exports it,
// and a program that links its actors calls it directly:
//
//   pledge::ActorRegistry registry;
//   pledge_register_notification(registry);
//   const pledge::ActorEntry* entry = registry.find("MailService#1.0");
//   std::unique_ptr<pledge::TaskRuntime> runtime = pledge::makeRuntime(*entry);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pledge/json.h"
#include "pledge/polled_task.h"
#include "pledge/task_spec.h"
#include "pledge/uuid.h"

namespace pledge {

// What a method call returned: a value (null for void), or — from a decider — the promise of a
// task whose result becomes this task's result.
struct DispatchResult {
  Json value;
  std::optional<Uuid> promise;
};

// Calls methods of one implementation instance. Thread-confined: a runtime thread owns one.
class ActorDispatcher {
 public:
  virtual ~ActorDispatcher() = default;
  // Decodes task.args, calls task.method and encodes the result. Whatever the method throws
  // propagates, as does JsonError for arguments that do not decode and pledge::Error for an
  // unknown method.
  virtual DispatchResult dispatch(const PolledTask& task) = 0;
};

using DispatcherFactory = std::function<std::unique_ptr<ActorDispatcher>()>;

struct ActorEntry {
  // "Name#version".
  std::string actor;
  // Worker or Decider: the type of the actor's tasks.
  TaskType type = TaskType::Worker;
  std::vector<std::string> methods;
  // Makes a dispatcher with a fresh implementation instance; called once per runtime thread.
  DispatcherFactory makeDispatcher;
};

// Built once at start-up, then read-only (safe to read from any thread).
class ActorRegistry {
 public:
  // Throws pledge::Error when the actor id is malformed or already registered.
  void add(ActorEntry entry);

  const ActorEntry* find(std::string_view actor) const;
  std::vector<std::string> actors() const;
  bool empty() const { return entries_.empty(); }

 private:
  std::map<std::string, ActorEntry, std::less<>> entries_;
};

}  // namespace pledge

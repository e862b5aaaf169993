// WorkflowRunner: the workflow room's part of a node (docs/workflows.md). It keeps the
// registered definitions (the store holds them; parsed ones are cached, a version never changes)
// and runs, on its own threads, the tasks the server settles itself: the steps of workflows
// (actors "workflow:NAME#VERSION") and the system tasks of scripts and events (actor
// "pledge.system#1"). It polls and releases through the engine like any runner, so leases,
// retries, restarts, aborts and partitions apply to workflows unchanged; in a cluster every node
// runs the steps of the processes it owns.
//
//   WorkflowRunner runner(engine, {.scripts = {.program = "/usr/bin/pledge-script"}});
//   auto registered = runner.registerWorkflow(parseJson(body));   // throws WorkflowError
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pledge/polled_task.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/workflow/definition.h"
#include "pledge/server/workflow/interpreter.h"
#include "pledge/server/workflow/script_sandbox.h"

namespace pledge::server::workflow {

struct WorkflowRunnerOptions {
  ScriptSandboxOptions scripts;
  // Threads that run steps and system tasks (scripts wait for their helper on them).
  int threads = 4;
  // How often the registered definitions are read again (a cluster node learns of those
  // registered on other nodes).
  std::int64_t refreshMs = 1'000;
};

struct RegisteredWorkflow {
  std::shared_ptr<const WorkflowDef> def;
  std::int64_t createdAt = 0;
  // False when this version held the same definition already.
  bool created = false;
};

class WorkflowRunner {
 public:
  WorkflowRunner(Engine& engine, WorkflowRunnerOptions options);
  ~WorkflowRunner();
  WorkflowRunner(const WorkflowRunner&) = delete;
  WorkflowRunner& operator=(const WorkflowRunner&) = delete;

  // Stops polling and waits for the tasks in hand to be released. Idempotent.
  void stop();

  // Checks and stores a definition. Throws WorkflowError for a bad one, pledge::Error(Conflict)
  // when its version holds another definition.
  RegisteredWorkflow registerWorkflow(const Json& source, std::int64_t now);
  // A version, or the latest (version nullopt); null when none is registered.
  std::shared_ptr<const WorkflowDef> find(const std::string& name, std::optional<int> version);
  std::optional<RegisteredWorkflow> findRegistered(const std::string& name,
                                                   std::optional<int> version);
  std::vector<WorkflowRow> list();

  // What a worker task of the server settles (kSystemActor); throws TaskError.
  Json runSystemTask(const PolledTask& task);
  // The decision of a task this runner serves.
  Decision decide(const PolledTask& task);

 private:
  void pollLoop();
  void workLoop();
  void refreshActors();
  std::vector<QueueSelector> queues();

  Engine& engine_;
  WorkflowRunnerOptions options_;
  ScriptSandbox sandbox_;

  std::mutex cacheMutex_;
  std::map<std::pair<std::string, int>, RegisteredWorkflow> cache_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> actors_;  // workflow actors polled
  std::size_t nextChunk_ = 0;
  std::deque<PolledTask> work_;
  int inHand_ = 0;  // tasks polled and not yet released
  int lastPolled_ = 0;  // tasks the last poll brought
  bool polling_ = false;
  bool stopping_ = false;
  std::function<void()> cancelPoll_;
  std::int64_t refreshedAt_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace pledge::server::workflow

// A node's engine and workflow runner on a real store (SQLite, or the tests' PostgreSQL) with a
// worker of the test serving SIMPLE tasks by handlers: the fixture of the workflow tests.
#pragma once

#include <gtest/gtest.h>
#include <fmt/format.h>

#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <thread>

#include "pledge/server/engine/engine.h"
#include "pledge/server/workflow/workflow_runner.h"
#include "store_fixture.h"

namespace pledge::server::workflow::testing {

using Handler = std::function<Json(const PolledTask&)>;

class WorkflowFixture : public ::testing::TestWithParam<std::string> {
 protected:
  WorkflowFixture() { open(); }
  ~WorkflowFixture() override { close(); }

  void open() {
    engine_ = place_.openEngine(engineOptions_, &metrics_);
    runner_ = std::make_unique<WorkflowRunner>(
        *engine_, WorkflowRunnerOptions{.scripts = {.program = PLEDGE_SCRIPT_PROGRAM,
                                                    .timeoutMs = 700,
                                                    .memoryBytes = 16 << 20,
                                                    .processes = 2},
                                        .threads = 2,
                                        .refreshMs = 200});
    stopping_ = false;
    worker_ = std::thread([this] { serve(); });
  }

  void close() {
    stopping_ = true;
    if (worker_.joinable()) worker_.join();
    runner_.reset();
    engine_.reset();
  }

  // The test's worker: runs handlers_ by "actor.method"; a TaskError thrown is the error.
  void serve() {
    while (!stopping_) {
      std::vector<QueueSelector> queues;
      {
        std::lock_guard lock(mutex_);
        for (const auto& [actor, handler] : actors_) queues.push_back({actor, ""});
      }
      if (queues.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        continue;
      }
      std::promise<std::vector<PolledTask>> polled;
      engine_->poll(PollRequest{.worker = "test", .queues = queues, .max = 8, .waitMs = 100},
                    [&](std::vector<PolledTask> tasks) { polled.set_value(std::move(tasks)); });
      for (const PolledTask& task : polled.get_future().get()) {
        Decision decision{.taskId = task.taskId, .processId = task.processId,
                          .attempt = task.attempt};
        try {
          Handler handler;
          {
            std::lock_guard lock(mutex_);
            handler = handlers_.at(task.actor + "." + task.method);
          }
          decision.result = handler(task);
        } catch (const TaskError& error) {
          decision.error = error;
        }
        std::promise<void> released;
        engine_->release({decision}, [&](std::vector<ReleaseResult>) { released.set_value(); });
        released.get_future().wait();
      }
    }
  }

  void handle(const std::string& actor, const std::string& method, Handler handler) {
    std::lock_guard lock(mutex_);
    actors_[actor] = true;
    handlers_[actor + "." + method] = std::move(handler);
  }

  void add(const Json& definition) { runner_->registerWorkflow(definition, 1); }

  Uuid start(const std::string& actor, Json input) {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(
        StartRequest{.actor = actor, .method = "execute", .args = Json::array({std::move(input)})},
        [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    return started.get_future().get().value().processId;
  }

  ProcessInfo awaitEnd(const Uuid& processId, std::int64_t waitMs = 10'000) {
    std::promise<Result<ProcessInfo>> done;
    engine_->awaitProcess(processId, waitMs,
                          [&](Result<ProcessInfo> info) { done.set_value(std::move(info)); });
    Result<ProcessInfo> info = done.get_future().get();
    if (!info.ok()) throw info.error();
    return info.value();
  }

  ProcessInfo run(const Json& definition, Json input) {
    add(definition);
    return awaitEnd(start(fmt::format("workflow:{}#{}", definition["name"].get<std::string>(),
                                      definition.value("version", 1)),
                          std::move(input)));
  }

  void send(const std::string& name, const std::string& key, Json payload,
            std::optional<Uuid> processId = std::nullopt) {
    std::promise<Result<EventDelivery>> done;
    engine_->sendEvent(Event{.name = name, .key = key, .payload = std::move(payload)}, processId,
                       [&](Result<EventDelivery> d) { done.set_value(std::move(d)); });
    ASSERT_TRUE(done.get_future().get().ok());
  }

  // Waits until the process has a task listening for an event.
  void awaitListening(const Uuid& processId) {
    for (int i = 0; i < 200; ++i) {
      auto tasks = engine_->processTasks(processId);
      if (tasks) {
        for (const TaskSnapshot& task : *tasks) {
          if (task.row.state == TaskState::Listening) return;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL() << "no task of " << processId.toString() << " listens";
  }

  StorePlace place_{GetParam()};
  Metrics metrics_;
  // What open() gives the engine (a test may change it, then close() and open()).
  EngineOptions engineOptions_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<WorkflowRunner> runner_;
  std::mutex mutex_;
  std::map<std::string, bool> actors_;
  std::map<std::string, Handler> handlers_;
  std::atomic<bool> stopping_{false};
  std::thread worker_;
};

inline Json task(const std::string& ref, const std::string& type, Json fields = Json::object()) {
  if (!fields.contains("name")) fields["name"] = ref;
  fields["taskReferenceName"] = ref;
  fields["type"] = type;
  return fields;
}

inline Json workflow(const std::string& name, Json tasks, Json output = nullptr) {
  Json out{{"name", name}, {"version", 1}, {"tasks", std::move(tasks)}};
  if (!output.is_null()) out["outputParameters"] = std::move(output);
  return out;
}

inline Json arg0(const PolledTask& t) { return t.args.at(0).value; }

}  // namespace pledge::server::workflow::testing

// The engine's in-memory apply: one fanout process from start to completion on the graph
// (start, lease and release of 13 tasks, promise resolution, completion), and the apply of the
// fanout decision alone.
#include <benchmark/benchmark.h>

#include "pledge/server/engine/process_graph.h"

namespace {

using namespace pledge;
using namespace pledge::server;

std::vector<TaskSpec> fanoutTasks() {
  TaskSpec produce{.taskId = Uuid::random(), .actor = "Fan#1.0", .method = "produce",
                   .type = TaskType::Worker, .args = {ArgSpec::ofValue(7)}};
  std::vector<TaskSpec> tasks{produce};
  std::vector<ArgSpec> parts;
  for (int b = 0; b < 10; ++b) {
    tasks.push_back(TaskSpec{.taskId = Uuid::random(),
                             .actor = "Fan#1.0",
                             .method = "branch",
                             .type = TaskType::Worker,
                             .args = {ArgSpec::ofPromise(produce.taskId)}});
    parts.push_back(ArgSpec::ofPromise(tasks.back().taskId));
  }
  tasks.push_back(TaskSpec{.taskId = Uuid::random(), .actor = "Fan#1.0", .method = "join",
                           .type = TaskType::Worker, .args = {ArgSpec::ofList(parts)}});
  return tasks;
}

void BM_FanoutProcessOnTheGraph(benchmark::State& state) {
  ProcessGraph graph(64);
  Effects effects;
  std::int64_t now = 1'000'000;
  const StartRequest request{.actor = "Fanout#1.0", .method = "start", .args = Json::array({7})};
  for (auto _ : state) {
    std::vector<TaskSpec> tasks = fanoutTasks();
    Process& process = graph.startProcess(request, Uuid::random(), Uuid::random(), now, effects);
    Task& start = *process.startTask;
    graph.lease(start, now, effects);
    graph.applyDecision(
        start,
        Decision{.taskId = start.id, .attempt = 1, .promise = tasks.back().taskId, .tasks = tasks},
        now, effects);
    for (const TaskSpec& spec : tasks) {
      Task& task = *graph.findTask(spec.taskId);
      graph.lease(task, now, effects);
      PolledTask polled = graph.polledTask(task);
      benchmark::DoNotOptimize(polled);
      graph.applyDecision(task, Decision{.taskId = task.id, .attempt = 1, .result = 8}, now,
                          effects);
    }
    if (process.state != ProcessState::Completed)
      state.SkipWithError("the process did not complete");
    graph.evict(process);
    effects.clear();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(13 * state.iterations()));
}
BENCHMARK(BM_FanoutProcessOnTheGraph);

void BM_ApplyFanoutDecision(benchmark::State& state) {
  ProcessGraph graph(64);
  Effects effects;
  const StartRequest request{.actor = "Fanout#1.0", .method = "start", .args = Json::array({7})};
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<TaskSpec> tasks = fanoutTasks();
    Process& process = graph.startProcess(request, Uuid::random(), Uuid::random(), 0, effects);
    graph.lease(*process.startTask, 0, effects);
    Decision decision{.taskId = process.startTask->id, .attempt = 1, .promise = tasks.back().taskId,
                      .tasks = std::move(tasks)};
    state.ResumeTiming();
    graph.applyDecision(*process.startTask, decision, 0, effects);
    state.PauseTiming();
    graph.abort(process, 0, effects);
    graph.evict(process);
    effects.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(12 * state.iterations()));
}
BENCHMARK(BM_ApplyFanoutDecision);

}  // namespace

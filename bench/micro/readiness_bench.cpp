// Readiness of a wait-all list of 1,000 promises: one task waits for a list argument of 1,000
// promises; each release resolves one; the task becomes ready after the last.
#include <benchmark/benchmark.h>

#include "pledge/server/engine/process_graph.h"

namespace {

using namespace pledge;
using namespace pledge::server;

void BM_WaitAllOf1000Promises(benchmark::State& state) {
  constexpr int kParts = 1000;
  ProcessGraph graph(64);
  Effects effects;
  const StartRequest request{.actor = "D#1", .method = "start"};
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<TaskSpec> tasks;
    std::vector<ArgSpec> parts;
    for (int i = 0; i < kParts; ++i) {
      tasks.push_back(TaskSpec{
          .taskId = Uuid::random(), .actor = "W#1", .method = "part", .type = TaskType::Worker});
      parts.push_back(ArgSpec::ofPromise(tasks.back().taskId));
    }
    tasks.push_back(TaskSpec{.taskId = Uuid::random(),
                             .actor = "W#1",
                             .method = "all",
                             .type = TaskType::Worker,
                             .args = {ArgSpec::ofList(parts)}});
    Process& process = graph.startProcess(request, Uuid::random(), Uuid::random(), 0, effects);
    graph.lease(*process.startTask, 0, effects);
    graph.applyDecision(*process.startTask,
                        Decision{.taskId = process.startTask->id, .attempt = 1, .tasks = tasks}, 0,
                        effects);
    std::vector<Task*> workers;
    for (int i = 0; i < kParts; ++i) {
      Task* task = graph.findTask(tasks[static_cast<std::size_t>(i)].taskId);
      graph.lease(*task, 0, effects);
      workers.push_back(task);
    }
    Task& all = *graph.findTask(tasks.back().taskId);
    state.ResumeTiming();
    for (Task* task : workers) {
      graph.applyDecision(*task, Decision{.taskId = task->id, .attempt = 1, .result = 1}, 0,
                          effects);
    }
    if (all.state != TaskState::Ready) state.SkipWithError("the waiting task is not ready");
    state.PauseTiming();
    graph.abort(process, 0, effects);
    graph.evict(process);
    effects.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(kParts * state.iterations()));
}
BENCHMARK(BM_WaitAllOf1000Promises)->Unit(benchmark::kMicrosecond);

}  // namespace

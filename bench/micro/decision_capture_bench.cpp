// Decision capture: a decider method run by the DeciderRuntime, its proxy calls recorded.
#include <benchmark/benchmark.h>

#include "bench.pledge.h"
#include "bench_actors.h"
#include "pledge/decider_runtime.h"

namespace {

pledge::PolledTask startTask(const char* actor) {
  pledge::PolledTask task;
  task.taskId = pledge::Uuid::random();
  task.processId = pledge::Uuid::random();
  task.actor = actor;
  task.method = "start";
  task.type = pledge::TaskType::Decider;
  task.args = {pledge::ArgValue::ofValue(7)};
  return task;
}

template <typename Dispatcher, typename Impl>
void captureDecision(benchmark::State& state, const char* actor) {
  pledge::DeciderRuntime runtime(actor, std::make_unique<Dispatcher>(std::make_unique<Impl>()));
  pledge::PolledTask task = startTask(actor);
  std::size_t tasks = 0;
  for (auto _ : state) {
    pledge::Decision decision = runtime.execute(task);
    tasks += decision.tasks.size();
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(tasks));
  state.counters["tasks/decision"] =
      static_cast<double>(tasks) / static_cast<double>(state.iterations());
}

void BM_CaptureChainDecision(benchmark::State& state) {
  captureDecision<pledge_bench::ChainDispatcher, pledge_bench::ChainImpl>(
      state, pledge_bench::Chain::kActor);
}
BENCHMARK(BM_CaptureChainDecision);

void BM_CaptureFanoutDecision(benchmark::State& state) {
  captureDecision<pledge_bench::FanoutDispatcher, pledge_bench::FanoutImpl>(
      state, pledge_bench::Fanout::kActor);
}
BENCHMARK(BM_CaptureFanoutDecision);

}  // namespace

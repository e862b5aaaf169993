// JSON encode/decode of the wire model: a TaskSpec, and the fanout decision (12 tasks).
#include <benchmark/benchmark.h>

#include "bench.pledge.h"
#include "bench_actors.h"
#include "pledge/decider_runtime.h"
#include "pledge/json_writer.h"

namespace {

pledge::Decision fanoutDecision() {
  pledge::DeciderRuntime runtime(pledge_bench::Fanout::kActor,
                                 std::make_unique<pledge_bench::FanoutDispatcher>(
                                     std::make_unique<pledge_bench::FanoutImpl>()));
  pledge::PolledTask task;
  task.taskId = pledge::Uuid::random();
  task.actor = pledge_bench::Fanout::kActor;
  task.method = "start";
  task.type = pledge::TaskType::Decider;
  task.args = {pledge::ArgValue::ofValue(7)};
  return runtime.execute(task);
}

void BM_EncodeTaskSpec(benchmark::State& state) {
  pledge::TaskSpec spec = fanoutDecision().tasks.back();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = pledge::Json(spec).dump();
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_EncodeTaskSpec);

// The same text as BM_EncodeTaskSpec, written without a Json tree (pledge/json_writer.h).
void BM_WriteTaskSpec(benchmark::State& state) {
  pledge::TaskSpec spec = fanoutDecision().tasks.back();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string text = pledge::toJsonText(spec);
    bytes += text.size();
    benchmark::DoNotOptimize(text);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_WriteTaskSpec);

void BM_DecodeTaskSpec(benchmark::State& state) {
  const std::string text = pledge::Json(fanoutDecision().tasks.back()).dump();
  for (auto _ : state) {
    pledge::TaskSpec spec = pledge::parseJson(text).get<pledge::TaskSpec>();
    benchmark::DoNotOptimize(spec);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}
BENCHMARK(BM_DecodeTaskSpec);

void BM_EncodeFanoutDecision(benchmark::State& state) {
  pledge::Decision decision = fanoutDecision();
  for (auto _ : state) {
    std::string text = pledge::Json(decision).dump();
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(decision.tasks.size() * state.iterations()));
}
BENCHMARK(BM_EncodeFanoutDecision);

void BM_WriteFanoutDecision(benchmark::State& state) {
  pledge::Decision decision = fanoutDecision();
  for (auto _ : state) {
    std::string text = pledge::toJsonText(decision);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(decision.tasks.size() * state.iterations()));
}
BENCHMARK(BM_WriteFanoutDecision);

void BM_ParseFanoutDecisionTree(benchmark::State& state) {
  const std::string text = pledge::Json(fanoutDecision()).dump();
  for (auto _ : state) {
    pledge::Json tree = pledge::parseJson(text);
    benchmark::DoNotOptimize(tree);
  }
}
BENCHMARK(BM_ParseFanoutDecisionTree);

void BM_DecodeFanoutDecision(benchmark::State& state) {
  pledge::Decision decision = fanoutDecision();
  const std::string text = pledge::Json(decision).dump();
  for (auto _ : state) {
    pledge::Decision decoded = pledge::parseJson(text).get<pledge::Decision>();
    benchmark::DoNotOptimize(decoded);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(decision.tasks.size() * state.iterations()));
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}
BENCHMARK(BM_DecodeFanoutDecision);

}  // namespace

// The workflow workloads: the fanout of the peers' benchmark (W2) written as a Conductor
// workflow run by the server's built-in decider (docs/workflows.md), on the same Fan#1.0 C++
// workers as the code-first Fanout decider: produce(i) = i + 1; ten branch(x) side by side;
// join sums them; the output 10 * (i + 1).
#include <fmt/format.h>

#include "load_run.h"
#include "pledge/error.h"
#include "pledge/rest_client.h"

namespace pledge::bench {
namespace {

Json fanoutWorkflow() {
  Json branches = Json::array();
  Json parts = Json::array();
  for (int b = 0; b < 10; ++b) {
    const std::string ref = fmt::format("branch{}", b);
    branches.push_back(Json::array({Json{{"name", "branch"},
                                         {"taskReferenceName", ref},
                                         {"type", "SIMPLE"},
                                         {"actor", "Fan#1.0"},
                                         {"method", "branch"},
                                         {"args", {"${produce.output}"}}}}));
    parts.push_back(fmt::format("${{{}.output}}", ref));
  }
  return Json{
      {"name", "bench-fanout"},
      {"version", 1},
      {"description", "pledge-bench's fanout (W2) as a workflow"},
      {"inputParameters", {"i"}},
      {"tasks",
       {{{"name", "produce"}, {"taskReferenceName", "produce"}, {"type", "SIMPLE"},
         {"actor", "Fan#1.0"}, {"method", "produce"}, {"args", {"${workflow.input.i}"}}},
        {{"name", "fan"}, {"taskReferenceName", "fan"}, {"type", "FORK_JOIN"},
         {"forkTasks", branches}},
        {{"name", "joined"}, {"taskReferenceName", "joined"}, {"type", "JOIN"}},
        {{"name", "join"}, {"taskReferenceName", "sum"}, {"type", "SIMPLE"},
         {"actor", "Fan#1.0"}, {"method", "join"}, {"args", {parts}}}}}};
}

}  // namespace

void registerBenchWorkflow(RestClient& client, const std::string& actor) {
  PLEDGE_REQUIRE(actor == "workflow:bench-fanout#1", "no bench workflow is named {}", actor);
  client.registerWorkflow(fanoutWorkflow());
}

}  // namespace pledge::bench

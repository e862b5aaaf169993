// Workflows over REST on a real pledge-server (docs/workflows.md): definitions registered,
// checked and read back; workflows started by name, their SIMPLE tasks served by a raw REST
// worker; kill -9 of the server in the middle of workflows loses nothing acknowledged.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

// a (SIMPLE double) -> wait for "go" keyed by the input's key -> b (SIMPLE inc of a + payload).
Json twoStepWorkflow() {
  return parseJson(R"({
    "name": "steps", "version": 1, "inputParameters": ["x", "key"],
    "tasks": [
      {"name": "double", "taskReferenceName": "a", "inputParameters": {"x": "${workflow.input.x}"}},
      {"name": "go", "taskReferenceName": "go", "type": "WAIT",
       "inputParameters": {"event": "go", "key": "${workflow.input.key}"}},
      {"name": "inc", "taskReferenceName": "b", "type": "SIMPLE",
       "inputParameters": {"x": "${a.output}", "plus": "${go.output}"}}
    ],
    "outputParameters": {"result": "${b.output}", "doubled": "${a.output}"}
  })");
}

// Serves double#1 and inc#1 once: what is ready now (waiting up to waitMs); returns how many.
int serveWorkers(TestApi& api, std::int64_t waitMs) {
  int served = 0;
  for (const std::string actor : {"double#1", "inc#1"}) {
    for (const PolledTask& task : api.poll(actor, 50, waitMs)) {
      const Json& input = task.args.at(0).value;
      const int value = actor == "double#1" ? input["x"].get<int>() * 2
                                            : input["x"].get<int>() + input["plus"].get<int>();
      EXPECT_EQ(api.releaseStatus(valueOf(task, value)), "accepted");
      ++served;
    }
  }
  return served;
}

TEST(WorkflowRest, registersChecksAndServesDefinitionsByVersion) {
  ServerProcess server;
  TestApi api(server.port());
  HttpClient& http = api.http();
  HttpResult notJson = http.post("/api/v1/workflows", "{\"name\": ");
  EXPECT_EQ(notJson.status, 400);
  Json bad = twoStepWorkflow();
  bad["tasks"][1]["type"] = "WAIT_FOR_GODOT";
  HttpResult refused = http.post("/api/v1/workflows", bad);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_TRUE(refused.json()["error"]["message"].get<std::string>().starts_with(
      "/tasks/1/type: unknown task type \"WAIT_FOR_GODOT\""))
      << refused.body;
  bad = twoStepWorkflow();
  bad["outputParameters"]["oops"] = "${c.output}";
  refused = http.post("/api/v1/workflows", bad);
  EXPECT_EQ(refused.json()["error"]["message"],
            "/outputParameters/oops: ${c.output}: no task has the reference name \"c\"");

  HttpResult created = http.post("/api/v1/workflows", twoStepWorkflow());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["actor"], "workflow:steps#1");
  EXPECT_EQ(http.post("/api/v1/workflows", twoStepWorkflow()).status, 200);
  Json changed = twoStepWorkflow();
  changed["description"] = "another";
  EXPECT_EQ(http.post("/api/v1/workflows", changed).status, 409);
  changed["version"] = 2;
  EXPECT_EQ(http.post("/api/v1/workflows", changed).status, 201);

  Json list = http.get("/api/v1/workflows").json()["items"];
  ASSERT_EQ(list.size(), 2U);
  EXPECT_EQ(list[0]["version"], 1);
  EXPECT_EQ(list[1]["description"], "another");
  EXPECT_EQ(http.get("/api/v1/workflows/steps").json()["version"], 2);
  EXPECT_EQ(http.get("/api/v1/workflows/steps/1").json()["definition"], twoStepWorkflow());
  EXPECT_EQ(http.get("/api/v1/workflows/steps/3").status, 404);
  EXPECT_EQ(http.get("/api/v1/workflows/steps/x").status, 404);
  EXPECT_EQ(http.get("/api/v1/workflows/nothing").status, 404);
  // The server survived all of it and still serves.
  EXPECT_EQ(http.get("/api/v1/workflows").status, 200);
}

TEST(WorkflowRest, startsAWorkflowByNameAndRunsItWithARestWorker) {
  ServerProcess server;
  TestApi api(server.port());
  ASSERT_EQ(api.http().post("/api/v1/workflows", twoStepWorkflow()).status, 201);
  HttpResult unknown = api.http().post("/api/v1/processes",
                                       Json{{"actor", "workflow:nope"}, {"input", Json::object()}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("no workflow \\\"nope\\\" is registered"), std::string::npos)
      << unknown.body;
  EXPECT_EQ(api.http().post("/api/v1/processes", Json{{"actor", "workflow:steps#x"}}).status, 400);
  HttpResult started = api.http().post(
      "/api/v1/processes", Json{{"actor", "workflow:steps"}, {"input", {{"x", 20}, {"key", "k"}}}});
  ASSERT_EQ(started.status, 201) << started.body;
  const Uuid id = started.json()["processId"].get<Uuid>();
  EXPECT_EQ(api.process(id).actor, "workflow:steps#1");
  EXPECT_EQ(serveWorkers(api, 5000), 1);
  for (int i = 0; i < 100 && api.http().post("/api/v1/events", Json{{"name", "go"}, {"key", "k"},
                                                                    {"payload", 2}})
                                     .json()["resolved"] == 0;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(serveWorkers(api, 5000), 1);
  ProcessInfo done = api.awaitResult(id, 10'000);
  ASSERT_EQ(done.state, ProcessState::Completed) << server.log();
  EXPECT_EQ(done.result, (Json{{"result", 42}, {"doubled", 40}}));
}

// kill -9 while workflows are at every stage (not yet stepped, waiting for their worker task,
// waiting for their event): after the restart each one completes with its own result.
TEST(WorkflowRest, killDashNineMidWorkflowLosesNothingAcknowledged) {
  constexpr int kWorkflows = 30;
  ServerProcess server;
  std::vector<Uuid> ids;
  {
    TestApi api(server.port());
    ASSERT_EQ(api.http().post("/api/v1/workflows", twoStepWorkflow()).status, 201);
    for (int i = 0; i < kWorkflows; ++i) {
      HttpResult started = api.http().post(
          "/api/v1/processes",
          Json{{"actor", "workflow:steps#1"}, {"input", {{"x", i}, {"key", fmt::format("k{}", i)}}}});
      ASSERT_EQ(started.status, 201) << started.body;
      ids.push_back(started.json()["processId"].get<Uuid>());
    }
    // About half get their first worker task done before the crash.
    int served = 0;
    while (served < kWorkflows / 2) served += serveWorkers(api, 2000);
  }
  server.stop(SIGKILL);
  server.start();
  TestApi api(server.port());
  std::vector<bool> sent(kWorkflows, false);
  for (int round = 0; round < 400; ++round) {
    serveWorkers(api, 20);
    for (int i = 0; i < kWorkflows; ++i) {
      if (sent[i]) continue;
      Json delivery = api.http()
                          .post("/api/v1/events",
                                Json{{"name", "go"}, {"key", fmt::format("k{}", i)},
                                     {"payload", 1}, {"retentionMs", 60'000}})
                          .json();
      sent[i] = true;
      EXPECT_FALSE(delivery.value("duplicate", false));
    }
    bool all = true;
    for (const Uuid& id : ids) all = all && api.process(id).state == ProcessState::Completed;
    if (all) break;
  }
  for (int i = 0; i < kWorkflows; ++i) {
    ProcessInfo done = api.awaitResult(ids[i], 5'000);
    ASSERT_EQ(done.state, ProcessState::Completed) << "workflow " << i << "\n" << server.log();
    EXPECT_EQ(done.result, (Json{{"result", 2 * i + 1}, {"doubled", 2 * i}}));
  }
}

}  // namespace
}  // namespace pledge::testing

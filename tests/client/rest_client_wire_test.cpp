// What RestClient puts on the wire for polls, releases, events and workflow definitions, against
// a recording HTTP server on loopback: the bodies it writes are the wire model's text
// (poll_request.h, release.h, event.h: the same writer the server's views and forwards use), and
// the answers it reads are the values the server's writer wrote.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "pledge/event.h"
#include "pledge/json_writer.h"
#include "pledge/release.h"
#include "pledge/rest_client.h"
#include "recording_server.h"

namespace pledge {
namespace {

using testing::RecordingServer;

Decision someDecision() {
  return Decision{.taskId = Uuid::random(), .processId = Uuid::random(), .attempt = 2,
                  .result = Json{{"sum", 3}},
                  .tasks = {TaskSpec{.taskId = Uuid::random(), .actor = "W#1", .method = "m"}}};
}

PolledTask somePolledTask() {
  return PolledTask{.taskId = Uuid::random(), .processId = Uuid::random(), .actor = "W#1",
                    .method = "m", .args = {ArgValue::ofValue(1)}};
}

class RestClientWire : public ::testing::Test {
 protected:
  RecordingServer server_;
  RestClient client_{{server_.url()}, RestClientOptions{.workerId = "worker-7"}};
};

TEST_F(RestClientWire, aPollIsTheWireModelsText) {
  server_.answer("/api/v1/tasks/poll", R"({"tasks":[]})");
  client_.poll({{"A#1", ""}, {"B#2", "slow"}}, 8, std::chrono::milliseconds(250));
  const PollRequest expected{
      .worker = "worker-7", .queues = {{"A#1", ""}, {"B#2", "slow"}}, .max = 8, .waitMs = 250};
  const std::vector<std::string> bodies = server_.bodies("/api/v1/tasks/poll");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0], toJsonText(expected));
  EXPECT_EQ(bodies[0], Json(expected).dump());
  // What the server reads of it.
  EXPECT_EQ(parseJson(bodies[0]).get<PollRequest>(), expected);
}

TEST_F(RestClientWire, aReleaseIsTheWireModelsTextAndItsAnswerTheServersValues) {
  const std::vector<Decision> decisions = {someDecision(), someDecision()};
  const ReleaseAnswer answer = ReleaseAnswer::of(
      {ReleaseResult{decisions[0].taskId, ReleaseStatus::Accepted, std::nullopt},
       ReleaseResult{decisions[1].taskId, ReleaseStatus::Rejected,
                     Error(ErrorCode::Conflict, "attempt 2 is not leased")}});
  server_.answer("/api/v1/tasks/release", toJsonText(answer));

  const std::vector<ReleaseOutcome> outcomes = client_.release(decisions);

  const std::vector<std::string> bodies = server_.bodies("/api/v1/tasks/release");
  ASSERT_EQ(bodies.size(), 1u);
  const ReleaseRequest expected{.decisions = decisions};
  EXPECT_EQ(bodies[0], toJsonText(expected));
  EXPECT_EQ(bodies[0], Json(expected).dump());
  EXPECT_EQ(parseReleaseRequest(bodies[0]), expected);
  EXPECT_EQ(outcomes, answer.results);
  EXPECT_EQ(releaseStatusName(outcomes[1].status), "rejected");
}

TEST_F(RestClientWire, aReleaseWithAPollCarriesItAndReadsTheLeasedTasks) {
  const std::vector<Decision> decisions = {someDecision()};
  const ReleaseAnswer answer = ReleaseAnswer::of(
      {ReleaseResult{decisions[0].taskId, ReleaseStatus::Duplicate, std::nullopt}},
      std::vector<PolledTask>{somePolledTask(), somePolledTask()});
  server_.answer("/api/v1/tasks/release", toJsonText(answer));

  const ReleaseAnswer got = client_.releaseAndPoll(decisions, {{"W#1", ""}}, 4);

  const std::vector<std::string> bodies = server_.bodies("/api/v1/tasks/release");
  ASSERT_EQ(bodies.size(), 1u);
  const ReleaseRequest expected{
      .decisions = decisions,
      .poll = PollRequest{.worker = "worker-7", .queues = {{"W#1", ""}}, .max = 4}};
  EXPECT_EQ(bodies[0], toJsonText(expected));
  EXPECT_EQ(parseReleaseRequest(bodies[0]), expected);
  EXPECT_EQ(got, answer);
}

TEST_F(RestClientWire, aReleaseRefusedAsAWholeKeepsItsResults) {
  const Decision decision = someDecision();
  const ReleaseAnswer answer = ReleaseAnswer::of({ReleaseResult{
      decision.taskId, ReleaseStatus::Rejected, Error(ErrorCode::Conflict, "stale")}});
  server_.answer("/api/v1/tasks/release", toJsonText(answer), answer.httpStatus());
  EXPECT_EQ(client_.release({decision}), answer.results);

  server_.answer("/api/v1/tasks/release", errorObjectText(ErrorCode::BadRequest, "no"), 400);
  try {
    client_.release({decision});
    FAIL() << "an error object without results is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_EQ(error.message(), "no");
  }
}

TEST_F(RestClientWire, anEventIsTheWireModelsTextAndItsDeliveryIsRead) {
  const Event event{.name = "pizzaReady",
                    .key = "order-42",
                    .payload = Json{{"ready", true}},
                    .id = "e-1",
                    .retentionMs = 60'000};
  const EventDelivery delivery{
      .name = "pizzaReady", .key = "order-42", .id = "e-1", .resolved = 2, .kept = false};
  server_.answer("/api/v1/events", Json(delivery).dump());

  EXPECT_EQ(client_.sendEvent(event), delivery);

  const std::vector<std::string> bodies = server_.bodies("/api/v1/events");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(bodies[0],
            R"({"id":"e-1","key":"order-42","name":"pizzaReady","payload":{"ready":true},)"
            R"("retentionMs":60000})");
  // What the server reads of it.
  EXPECT_EQ(parseJson(bodies[0]).get<Event>(), event);
}

TEST_F(RestClientWire, anEventForOneProcessGoesToItsPathAndANotFoundIsAnError) {
  const Uuid process = Uuid::random();
  const std::string path = "/api/v1/processes/" + process.toString() + "/events";
  server_.answer(path, R"({"name":"poke","key":"","resolved":0,"kept":true,"duplicate":false})");
  const Event poke{.name = "poke", .key = "", .payload = Json(), .id = {}, .retentionMs = {}};

  const EventDelivery delivery = client_.sendEvent(process, poke);

  EXPECT_EQ(delivery, (EventDelivery{.name = "poke", .key = "", .resolved = 0, .kept = true}));
  EXPECT_EQ(server_.bodies(path),
            std::vector<std::string>{R"({"key":"","name":"poke","payload":null})"});
  EXPECT_TRUE(server_.bodies("/api/v1/events").empty());

  server_.answer(path, errorObjectText(ErrorCode::NotFound, "no process " + process.toString()),
                 404);
  try {
    client_.sendEvent(process, poke);
    FAIL() << "a 404 is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::NotFound);
    EXPECT_EQ(error.message(), "no process " + process.toString());
  }
}

TEST_F(RestClientWire, workflowsAreRegisteredListedAndReadWithTheirDefinition) {
  const Json definition = {{"name", "greet"}, {"version", 2},
                           {"tasks", {{{"name", "hi"}, {"taskReferenceName", "hi"}}}}};
  Json registered = {{"name", "greet"},       {"version", 2},   {"actor", "workflow:greet#2"},
                     {"description", "says hi"}, {"tasks", 1}, {"createdAt", 1767225600000},
                     {"created", true},       {"definition", definition}};
  server_.answer("/api/v1/workflows", registered.dump(), 201);

  const WorkflowInfo info = client_.registerWorkflow(definition);

  EXPECT_EQ(server_.bodies("/api/v1/workflows"), std::vector<std::string>{definition.dump()});
  EXPECT_EQ(info, (WorkflowInfo{.name = "greet", .version = 2, .actor = "workflow:greet#2",
                                .description = "says hi", .tasks = 1, .createdAt = 1767225600000,
                                .created = true, .definition = definition}));
  EXPECT_EQ(Json(info), registered);

  registered["created"] = false;
  server_.answer("/api/v1/workflows", registered.dump());
  EXPECT_FALSE(client_.registerWorkflow(definition).created);

  Json summary = registered;
  summary.erase("created");
  summary.erase("definition");
  server_.answer("/api/v1/workflows", Json{{"items", {summary}}}.dump());
  const std::vector<WorkflowInfo> listed = client_.workflows();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].actor, "workflow:greet#2");
  EXPECT_TRUE(listed[0].definition.is_null());

  Json one = summary;
  one["definition"] = definition;
  server_.answer("/api/v1/workflows/greet", one.dump());
  server_.answer("/api/v1/workflows/a%20b/7", one.dump());
  EXPECT_EQ(client_.workflow("greet").definition, definition);
  EXPECT_EQ(client_.workflow("a b", 7).version, 2);
  EXPECT_EQ(server_.bodies("/api/v1/workflows/a%20b/7").size(), 1u);
}

TEST_F(RestClientWire, aBadDefinitionIsABadRequestNamingTheFieldAndAnUnknownOneNotFound) {
  server_.answer("/api/v1/workflows",
                 errorObjectText(ErrorCode::BadRequest, "/tasks/0/type: unknown task type"), 400);
  try {
    client_.registerWorkflow(Json{{"name", "w"}});
    FAIL() << "a 400 is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::BadRequest);
    EXPECT_EQ(error.message(), "/tasks/0/type: unknown task type");
  }
  server_.answer("/api/v1/workflows/nope",
                 errorObjectText(ErrorCode::NotFound, "no workflow \"nope\" is registered"), 404);
  try {
    client_.workflow("nope");
    FAIL() << "a 404 is an error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::NotFound);
  }
}

}  // namespace
}  // namespace pledge

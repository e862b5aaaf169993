// Release requests, results and answers: every codec writes the same bytes (Json dump, the fast
// writer), every reader (strict, fast) reads back the same value, the wire form keeps the
// API's field names and order, and bad requests are refused with the server's messages.
#include "pledge/release.h"

#include <gtest/gtest.h>

#include <string>

#include "pledge/json_reader.h"
#include "pledge/json_writer.h"
#include "pledge/limits.h"

namespace pledge {
namespace {

template <typename T>
void expectSameBytes(const T& value) {
  EXPECT_EQ(toJsonText(value), Json(value).dump());
}

Decision someDecision(int n) {
  TaskSpec child{.taskId = Uuid::random(), .actor = "W#1", .method = "m",
                 .args = {ArgSpec::ofValue(n), ArgSpec::ofPromise(Uuid::random())}};
  return Decision{.taskId = Uuid::random(), .processId = Uuid::random(), .attempt = n,
                  .result = Json{{"n", n}}, .tasks = {child}};
}

PolledTask somePolledTask() {
  return PolledTask{.taskId = Uuid::random(), .processId = Uuid::random(), .actor = "W#1",
                    .method = "m", .attempt = 2, .timeoutMs = 1'000,
                    .args = {ArgValue::ofValue("x"), ArgValue::ofFailure(TaskError("T", "m"))}};
}

std::vector<ReleaseResult> everyKindOfResult() {
  return {ReleaseResult{Uuid::random(), ReleaseStatus::Accepted, std::nullopt},
          ReleaseResult{Uuid::random(), ReleaseStatus::Duplicate, std::nullopt},
          ReleaseResult{Uuid::random(), ReleaseStatus::Rejected,
                        Error(ErrorCode::Conflict, "attempt 1 is not \"leased\"\n")},
          ReleaseResult{Uuid::random(), ReleaseStatus::Rejected,
                        Error(ErrorCode::Unavailable, "grüße 🙂")}};
}

std::vector<ReleaseRequest> someRequests() {
  return {ReleaseRequest{.decisions = {someDecision(1)}},
          ReleaseRequest{.decisions = {someDecision(1), someDecision(2)},
                         .poll = PollRequest{.worker = "w", .queues = {{"W#1", "t"}}, .max = 8}}};
}

std::vector<ReleaseAnswer> someAnswers() {
  return {ReleaseAnswer::of(everyKindOfResult()),
          ReleaseAnswer::of(everyKindOfResult(), std::vector<PolledTask>{}),
          ReleaseAnswer::of(everyKindOfResult(), std::vector<PolledTask>{somePolledTask()}),
          ReleaseAnswer::of({everyKindOfResult()[2], everyKindOfResult()[3]}),
          ReleaseAnswer::of({})};
}

TEST(ReleaseStatus, namesRoundTrip) {
  for (ReleaseStatus status :
       {ReleaseStatus::Accepted, ReleaseStatus::Duplicate, ReleaseStatus::Rejected}) {
    EXPECT_EQ(releaseStatusFromName(releaseStatusName(status)), status);
    EXPECT_EQ(Json(status).get<ReleaseStatus>(), status);
  }
  EXPECT_EQ(releaseStatusFromName("done"), std::nullopt);
  EXPECT_THROW(Json("done").get<ReleaseStatus>(), JsonError);
}

TEST(ReleaseResult, everyWriterWritesTheSameBytesAndReadsThemBack) {
  for (const ReleaseResult& result : everyKindOfResult()) {
    expectSameBytes(result);
    EXPECT_EQ(parseJson(toJsonText(result)).get<ReleaseResult>(), result);
  }
}

TEST(ReleaseResult, wireFormIsTheErrorObjectBesideStatusAndTaskId) {
  const Uuid id = Uuid::random();
  EXPECT_EQ(toJsonText(ReleaseResult{id, ReleaseStatus::Rejected, Error(ErrorCode::Conflict, "x")}),
            R"({"error":{"code":"conflict","message":"x"},"status":"rejected","taskId":")" +
                id.toString() + "\"}");
  EXPECT_EQ(toJsonText(ReleaseResult{id, ReleaseStatus::Duplicate, std::nullopt}),
            R"({"status":"duplicate","taskId":")" + id.toString() + "\"}");
}

TEST(ReleaseResult, brokenUtf8InAMessageIsReplacedByEveryWriter) {
  ReleaseResult result{Uuid::random(), ReleaseStatus::Rejected,
                       Error(ErrorCode::BadRequest, "bad \xff byte")};
  expectSameBytes(result);
  EXPECT_NE(toJsonText(result).find("bad \xEF\xBF\xBD byte"), std::string::npos);
}

TEST(ReleaseRequest, everyWriterWritesTheSameBytes) {
  for (const ReleaseRequest& request : someRequests()) expectSameBytes(request);
}

TEST(ReleaseRequest, everyReaderReadsBackWhatItWrote) {
  for (const ReleaseRequest& request : someRequests()) {
    const std::string text = toJsonText(request);
    EXPECT_EQ(parseJson(text).get<ReleaseRequest>(), request);
    std::optional<ReleaseRequest> fast = readReleaseRequestFast(text);
    ASSERT_TRUE(fast.has_value()) << text;
    EXPECT_EQ(*fast, request);
    EXPECT_EQ(parseReleaseRequest(text), request);
  }
}

TEST(ReleaseRequest, decisionsAreWrittenAsTheDecisionWriterWritesThem) {
  const Decision decision = someDecision(3);
  EXPECT_EQ(toJsonText(ReleaseRequest{.decisions = {decision}}),
            "{\"decisions\":[" + toJsonText(decision) + "]}");
}

TEST(ReleaseRequest, decisionsHeldElsewhereAreWrittenAsTheRequestWouldBe) {
  for (const ReleaseRequest& request : someRequests()) {
    std::vector<const Decision*> decisions;
    for (const Decision& decision : request.decisions) decisions.push_back(&decision);
    std::string text;
    appendReleaseRequest(text, decisions, request.poll ? &*request.poll : nullptr);
    EXPECT_EQ(text, toJsonText(request));
  }
}

// The message parseReleaseRequest refuses text with; both readers agree on it.
std::string refusal(const std::string& text) {
  EXPECT_EQ(readReleaseRequestFast(text), std::nullopt) << text;
  try {
    parseReleaseRequest(text);
  } catch (const Error& error) {
    return error.what();
  }
  ADD_FAILURE() << "accepted " << text;
  return "";
}

TEST(ReleaseRequest, refusesBadRequestsWithTheServersMessages) {
  const std::string decision = toJsonText(someDecision(1));
  EXPECT_EQ(refusal(R"({"decisions":[]})"), "decisions: release at least one decision");
  EXPECT_EQ(refusal(R"({"decisions":[)" + decision + R"(],"extra":1})"),
            "extra: unknown field (expected one of: decisions, poll)");
  EXPECT_EQ(refusal(R"({"poll":{}})"), "decisions: missing required field");
  EXPECT_EQ(refusal(R"({"decisions":[)" + decision + R"(],"poll":{"actors":[],"max":0}})"),
            "poll.max: must be 1 to 1000, got 0");
  EXPECT_EQ(refusal(R"({"decisions":[)" + decision + R"(],"poll":{"actors":[{"actor":"x"}]}})"),
            R"(poll.actors[0].actor: expected "Name#version", got "x")");
  std::string many = "{\"decisions\":[" + decision;
  for (std::size_t i = 0; i < limits::kMaxDecisionsPerRelease; ++i) many += "," + decision;
  EXPECT_EQ(refusal(many + "]}"),
            "decisions: release at most 1000 decisions per request, got 1001");
}

TEST(ReleaseAnswer, everyWriterWritesTheSameBytes) {
  for (const ReleaseAnswer& answer : someAnswers()) expectSameBytes(answer);
}

TEST(ReleaseAnswer, everyReaderReadsBackWhatItWrote) {
  limits::Ignored written;  // answers are written by a server
  for (const ReleaseAnswer& answer : someAnswers()) {
    const std::string text = toJsonText(answer);
    EXPECT_EQ(parseJson(text).get<ReleaseAnswer>(), answer) << text;
    EXPECT_EQ(parseReleaseAnswer(text), answer) << text;
    // The fast reader takes the answers that carry tasks.
    std::optional<ReleaseAnswer> fast = readReleaseAnswerFast(text);
    EXPECT_EQ(fast.has_value(), answer.tasks.has_value()) << text;
    if (fast) {
      EXPECT_EQ(*fast, answer);
    }
  }
}

TEST(ReleaseAnswer, aReleaseWithNoDecisionAppliedCarriesTheFirstRejection) {
  std::vector<ReleaseResult> results = everyKindOfResult();
  const ReleaseAnswer partly = ReleaseAnswer::of(results);
  EXPECT_EQ(partly.error, std::nullopt);
  EXPECT_EQ(partly.httpStatus(), 200);
  const ReleaseAnswer refused = ReleaseAnswer::of({results[2], results[3]});
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->code(), ErrorCode::Conflict);
  EXPECT_EQ(refused.httpStatus(), 409);
  const std::string text = toJsonText(refused);
  EXPECT_EQ(text.rfind(R"({"error":{"code":"conflict","message":"attempt 1 is not )", 0), 0u)
      << text;
  EXPECT_EQ(ReleaseAnswer::of({}).httpStatus(), 200);
}

TEST(ReleaseAnswer, readsResultsAsAClientDoesIgnoringWhatItDoesNotKnow) {
  const Uuid id = Uuid::random();
  const ReleaseAnswer answer = parseReleaseAnswer(
      R"({"results":[{"taskId":")" + id.toString() + R"(","status":"accepted","note":1}],"x":2})");
  EXPECT_EQ(answer, (ReleaseAnswer{.results = {ReleaseResult{id, ReleaseStatus::Accepted, {}}}}));
  EXPECT_THROW(parseReleaseAnswer(R"({"error":{"code":"conflict","message":"m"}})"), JsonError);
  EXPECT_THROW(parseReleaseAnswer(R"({"results":[{"taskId":")" + id.toString() +
                                  R"(","status":"done"}]})"),
               JsonError);
}

}  // namespace
}  // namespace pledge

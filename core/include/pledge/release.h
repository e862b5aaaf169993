// A release (POST /api/v1/tasks/release): the decisions a runner reports, with an optional poll
// for its next tasks, and the answer: one result per decision, in order, and the tasks the poll
// leased. One description for the client that writes the request and reads the answer and the
// server that does the reverse (and forwards parts of a release to other nodes).
//
// Wire forms (keys in the order Json::dump writes them):
//   request  {"decisions":[Decision...],"poll":PollRequest}                  poll optional
//   answer   {"error":{"code","message"},"results":[ReleaseResult...],"tasks":[PolledTask...]}
//   result   {"error":{"code","message"},"status":"rejected","taskId":"<uuid>"}
// An answer's error is there when no decision was applied (every one rejected): the first
// rejection's, whose code gives the HTTP status; its tasks are there when its poll ran.
//
//   ReleaseRequest request{.decisions = {decision}, .poll = poll};
//   std::string body = toJsonText(request);            // json_writer.h; == Json(request).dump()
//   ReleaseRequest read = parseReleaseRequest(body);   // the fast reader, else the strict one
//   ReleaseAnswer answer = ReleaseAnswer::of(results, tasks);
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "pledge/decision.h"
#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/poll_request.h"
#include "pledge/polled_task.h"
#include "pledge/uuid.h"

namespace pledge {

// What became of one decision: applied, a repeat of one already applied (nothing changed), or
// refused (with the error saying why).
enum class ReleaseStatus { Accepted, Duplicate, Rejected };

// "accepted", "duplicate", "rejected".
std::string_view releaseStatusName(ReleaseStatus status);
std::optional<ReleaseStatus> releaseStatusFromName(std::string_view name);

// A plain value; copyable, compared by value (errors by code and message).
struct ReleaseResult {
  Uuid taskId;
  ReleaseStatus status = ReleaseStatus::Accepted;
  // Set when rejected.
  std::optional<Error> error;

  bool operator==(const ReleaseResult& other) const;
};

// A plain value; copyable, compared by value.
struct ReleaseRequest {
  std::vector<Decision> decisions;
  // What to lease once the decisions are durable, answered in the same reply.
  std::optional<PollRequest> poll;

  bool operator==(const ReleaseRequest&) const = default;
};

// A plain value; copyable, compared by value.
struct ReleaseAnswer {
  // The answer's error: the first rejection's when no decision was applied.
  std::optional<Error> error;
  std::vector<ReleaseResult> results;
  // Leased by the request's poll; nullopt when it had none or it did not run.
  std::optional<std::vector<PolledTask>> tasks;

  // The answer to these results: with the error of the first rejection when every result is
  // one (a refused release, retried as a whole).
  static ReleaseAnswer of(std::vector<ReleaseResult> results,
                          std::optional<std::vector<PolledTask>> tasks = std::nullopt);
  // Whether any decision was applied (accepted or duplicate); false for no results.
  bool anyApplied() const;
  // The HTTP status it is answered with: 200, or the status of its error's code.
  int httpStatus() const;

  bool operator==(const ReleaseAnswer& other) const;
};

void to_json(Json& out, ReleaseStatus status);
void from_json(const Json& in, ReleaseStatus& status);
// Results and answers are read as a client reads them: fields it does not know are ignored, an
// error object through errorFromObject (json.h); a missing taskId, status or results, or an
// unknown status, throws JsonError.
void to_json(Json& out, const ReleaseResult& result);
void from_json(const Json& in, ReleaseResult& result);
void to_json(Json& out, const ReleaseAnswer& answer);
void from_json(const Json& in, ReleaseAnswer& answer);
// Strict, as the server reads a release: unknown fields throw JsonError; no decisions, or more
// than limits::kMaxDecisionsPerRelease, throw Error(BadRequest) "decisions: ..."; the poll's
// errors are located under "poll".
void to_json(Json& out, const ReleaseRequest& request);
void from_json(const Json& in, ReleaseRequest& request);

// The request in text, read by the fast reader (json_reader.h) when it takes the text, by
// parseJson and from_json otherwise: the same value or the same error either way.
ReleaseRequest parseReleaseRequest(std::string_view text);
// The answer in text, likewise (the fast reader takes answers that carry tasks).
ReleaseAnswer parseReleaseAnswer(std::string_view text);

}  // namespace pledge

#include "pledge/release.h"

#include "pledge/json_reader.h"
#include "pledge/limits.h"

namespace pledge {
namespace {

constexpr std::string_view kStatusNames[] = {"accepted", "duplicate", "rejected"};

bool sameError(const std::optional<Error>& a, const std::optional<Error>& b) {
  if (!a || !b) return !a && !b;
  return a->code() == b->code() && a->message() == b->message();
}

// The inner {"code","message"} of the error object (json.h writes its shape).
Json innerErrorObject(const Error& error) { return errorObject(error)["error"]; }

}  // namespace

std::string_view releaseStatusName(ReleaseStatus status) {
  return kStatusNames[static_cast<int>(status)];
}

std::optional<ReleaseStatus> releaseStatusFromName(std::string_view name) {
  for (ReleaseStatus status :
       {ReleaseStatus::Accepted, ReleaseStatus::Duplicate, ReleaseStatus::Rejected}) {
    if (releaseStatusName(status) == name) return status;
  }
  return std::nullopt;
}

bool ReleaseResult::operator==(const ReleaseResult& other) const {
  return taskId == other.taskId && status == other.status && sameError(error, other.error);
}

ReleaseAnswer ReleaseAnswer::of(std::vector<ReleaseResult> results,
                                std::optional<std::vector<PolledTask>> tasks) {
  ReleaseAnswer answer;
  answer.results = std::move(results);
  answer.tasks = std::move(tasks);
  if (!answer.anyApplied() && !answer.results.empty()) {
    // Every result is a rejection here.
    const ReleaseResult& first = answer.results.front();
    answer.error = first.error.value_or(Error(ErrorCode::Internal, "rejected without a reason"));
  }
  return answer;
}

bool ReleaseAnswer::anyApplied() const {
  for (const ReleaseResult& result : results) {
    if (result.status != ReleaseStatus::Rejected) return true;
  }
  return false;
}

int ReleaseAnswer::httpStatus() const { return error ? pledge::httpStatus(error->code()) : 200; }

bool ReleaseAnswer::operator==(const ReleaseAnswer& other) const {
  return sameError(error, other.error) && results == other.results && tasks == other.tasks;
}

void to_json(Json& out, ReleaseStatus status) { out = std::string(releaseStatusName(status)); }

void from_json(const Json& in, ReleaseStatus& status) {
  const std::string name = readString(in);
  const std::optional<ReleaseStatus> known = releaseStatusFromName(name);
  if (!known) {
    throw JsonError("expected one of accepted, duplicate, rejected, got " + describeJson(in));
  }
  status = *known;
}

void to_json(Json& out, const ReleaseResult& result) {
  out = result.error ? errorObject(*result.error) : Json::object();
  out["taskId"] = result.taskId;
  out["status"] = result.status;
}

void from_json(const Json& in, ReleaseResult& result) {
  ReleaseResult read;
  read.taskId = readField(in, "taskId", readUuid);
  read.status =
      readField(in, "status", [](const Json& value) { return value.get<ReleaseStatus>(); });
  if (const Json* error = optionalField(in, "error")) read.error = errorFromObject(*error);
  result = std::move(read);
}

void to_json(Json& out, const ReleaseAnswer& answer) {
  out = Json::object();
  if (answer.error) out["error"] = innerErrorObject(*answer.error);
  Json results = Json::array();
  for (const ReleaseResult& result : answer.results) results.push_back(result);
  out["results"] = std::move(results);
  if (answer.tasks) {
    Json tasks = Json::array();
    for (const PolledTask& task : *answer.tasks) tasks.push_back(task);
    out["tasks"] = std::move(tasks);
  }
}

void from_json(const Json& in, ReleaseAnswer& answer) {
  ReleaseAnswer read;
  if (const Json* error = optionalField(in, "error")) read.error = errorFromObject(*error);
  read.results = readField(in, "results", readArray<ReleaseResult>);
  read.tasks = readOptionalField(in, "tasks", readArray<PolledTask>);
  answer = std::move(read);
}

void to_json(Json& out, const ReleaseRequest& request) {
  Json decisions = Json::array();
  for (const Decision& decision : request.decisions) decisions.push_back(decision);
  out = Json{{"decisions", std::move(decisions)}};
  if (request.poll) out["poll"] = *request.poll;
}

void from_json(const Json& in, ReleaseRequest& request) {
  rejectUnknownFields(in, {"decisions", "poll"});
  ReleaseRequest read;
  read.decisions = readField(in, "decisions", readArray<Decision>);
  PLEDGE_REQUIRE(!read.decisions.empty(), "decisions: release at least one decision");
  PLEDGE_REQUIRE(read.decisions.size() <= limits::kMaxDecisionsPerRelease,
                 "decisions: release at most {} decisions per request, got {}",
                 limits::kMaxDecisionsPerRelease, read.decisions.size());
  if (const Json* poll = optionalField(in, "poll")) {
    read.poll = atField("poll", [&] { return poll->get<PollRequest>(); });
  }
  request = std::move(read);
}

ReleaseRequest parseReleaseRequest(std::string_view text) {
  if (std::optional<ReleaseRequest> fast = readReleaseRequestFast(text)) return std::move(*fast);
  return parseJson(text).get<ReleaseRequest>();
}

ReleaseAnswer parseReleaseAnswer(std::string_view text) {
  if (std::optional<ReleaseAnswer> fast = readReleaseAnswerFast(text)) return std::move(*fast);
  return parseJson(text).get<ReleaseAnswer>();
}

}  // namespace pledge

#include "rest_json.h"

#include <fmt/format.h>

#include "pledge/json_reader.h"
#include "pledge/limits.h"

namespace pledge {

Error errorFromResponse(int status, const std::string& body) {
  limits::Ignored written;  // by a server
  try {
    Json parsed = parseJson(body);
    if (parsed.is_object() && parsed.contains("error")) {
      const Json& error = parsed["error"];
      return errorFromObject(error, body);
    }
  } catch (const Error&) {
  }
  return Error(status == 404 ? ErrorCode::NotFound : ErrorCode::Internal,
               fmt::format("HTTP {}: {}", status, body.substr(0, 500)));
}

void appendOutcomes(const Json& answer, std::vector<ReleaseOutcome>& outcomes) {
  for (const Json& result : answer.at("results")) {
    ReleaseOutcome outcome;
    outcome.taskId = readField(result, "taskId", readUuid);
    outcome.status = readField(result, "status", readString);
    if (result.contains("error")) {
      outcome.error = errorFromObject(result["error"]);
    }
    outcomes.push_back(std::move(outcome));
  }
}

}  // namespace pledge

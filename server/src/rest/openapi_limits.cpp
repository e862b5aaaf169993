#include "rest/openapi_limits.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "pledge/error.h"
#include "pledge/limits.h"

namespace pledge::server::openapi {
namespace {

// A name the API stores (actor, method, task list, worker, error type).
Json nameSchema(std::size_t maxBytes, bool allowEmpty = false) {
  return {
      {"type", "string"},
      {"minLength", allowEmpty ? 0 : 1},
      {"maxLength", maxBytes},
      {"pattern", "^[^\\u0000-\\u001F\\u007F]*$"},
      {"description", fmt::format("UTF-8 without control characters, at most {} bytes", maxBytes)}};
}

void setRange(Json& schema, std::int64_t minimum, std::int64_t maximum) {
  schema["minimum"] = minimum;
  schema["maximum"] = maximum;
}

}  // namespace

void addLimits(Json& doc) {
  using namespace limits;
  doc["info"]["x-pledge-limits"] = {
      {"jsonDepth", kMaxJsonDepth},
      {"nameBytes", kMaxNameBytes},
      {"customIdBytes", kMaxCustomIdBytes},
      {"errorMessageBytes", kMaxErrorMessageBytes},
      {"tagsPerProcess", kMaxTagsPerProcess},
      {"tagKeyBytes", kMaxTagKeyBytes},
      {"tagValueBytes", kMaxTagValueBytes},
      {"decisionsPerRelease", kMaxDecisionsPerRelease},
      {"tasksPerDecision", kMaxTasksPerDecision},
      {"argsPerTask", kMaxArgsPerTask},
      {"listItems", kMaxListItems},
      {"startsPerBatch", kMaxStartsPerBatch},
      {"queuesPerPoll", kMaxQueuesPerPoll},
      {"errorTypes", kMaxErrorTypes},
      {"timeoutMs", kMaxTimeoutMs},
      {"retryDelayMs", kMaxRetryDelayMs},
      {"epochMs", kMaxEpochMs},
      {"retryMultiplier", kMaxRetryMultiplier},
      {"retryAttempts", kMaxRetryAttempts},
  };
  doc["info"]["description"] =
      doc["info"]["description"].get<std::string>() +
      fmt::format(
          " Limits (over one is a 4xx naming the field, never a cut): JSON nested at most {} "
          "levels; names "
          "(actor, method, taskList, worker, error types) UTF-8 without control characters, at "
          "most {} bytes; "
          "customId and requestId at most {} bytes; an error message at most {} bytes; at most {} "
          "decisions per "
          "release, {} tasks per decision, {} arguments per task, {} items per list argument, {} "
          "starts per batch, "
          "{} queues per poll; timeoutMs 1 to {}; epoch times up to {}. Per server (flags, "
          "defaults): "
          "--max-connections 10000 (one more: 503), --idle-timeout-ms 120000, --header-timeout-ms "
          "10000, "
          "--body-timeout-ms 60000, --max-body-bytes 16 MiB (413), --max-waiting-requests 10000 "
          "and "
          "--max-queues 10000 (429). 503 means retry: a partition moving between nodes, a node "
          "stopping, or a "
          "store that cannot be written now.",
          kMaxJsonDepth, kMaxNameBytes, kMaxCustomIdBytes, kMaxErrorMessageBytes,
          kMaxDecisionsPerRelease, kMaxTasksPerDecision, kMaxArgsPerTask, kMaxListItems,
          kMaxStartsPerBatch, kMaxQueuesPerPoll, kMaxTimeoutMs, kMaxEpochMs);

  Json& schemas = doc["components"]["schemas"];
  Json codes = Json::array();
  for (ErrorCode code : allErrorCodes()) codes.push_back(errorCodeName(code));
  schemas["Error"]["properties"]["error"]["properties"]["code"]["enum"] = codes;

  Json& start = schemas["StartRequest"]["properties"];
  start["actor"].update(nameSchema(kMaxNameBytes));
  start["method"].update(nameSchema(kMaxNameBytes));
  start["taskList"].update(nameSchema(kMaxNameBytes, true));
  start["customId"].update(nameSchema(kMaxCustomIdBytes));
  start["requestId"].update(nameSchema(kMaxCustomIdBytes));
  start["args"]["maxItems"] = kMaxArgsPerTask;
  setRange(start["startTime"], 0, kMaxEpochMs);
  setRange(start["scheduleToStartMs"], 1, kMaxTimeoutMs);
  setRange(start["deadlineMs"], 1, kMaxTimeoutMs);

  Json& tags = schemas["Tags"];
  tags["maxProperties"] = kMaxTagsPerProcess;
  tags["propertyNames"] = {{"pattern", fmt::format("^[A-Za-z0-9_.-]{{1,{}}}$", kMaxTagKeyBytes)}};
  tags["additionalProperties"]["maxLength"] = kMaxTagValueBytes;

  Json& event = schemas["Event"]["properties"];
  event["name"].update(nameSchema(kMaxNameBytes));
  event["key"].update(nameSchema(kMaxCustomIdBytes, true));
  event["id"].update(nameSchema(kMaxCustomIdBytes));
  setRange(event["retentionMs"], 0, kMaxTimeoutMs);

  Json& spec = schemas["TaskSpec"]["properties"];
  spec["actor"].update(nameSchema(kMaxNameBytes));
  spec["method"].update(nameSchema(kMaxNameBytes));
  spec["args"]["maxItems"] = kMaxArgsPerTask;
  Json& options = spec["options"]["properties"];
  options["taskList"].update(nameSchema(kMaxNameBytes, true));
  setRange(options["startTime"], 0, kMaxEpochMs);
  setRange(options["timeoutMs"], 1, kMaxTimeoutMs);
  setRange(options["scheduleToStartMs"], 1, kMaxTimeoutMs);

  schemas["ArgSpec"]["properties"]["list"]["maxItems"] = kMaxListItems;
  schemas["ArgSpec"]["properties"]["acceptFail"]["oneOf"][1]["maxItems"] = kMaxErrorTypes;
  schemas["ArgSpec"]["properties"]["acceptFail"]["oneOf"][1]["items"] = nameSchema(kMaxNameBytes);
  schemas["Decision"]["properties"]["tasks"]["maxItems"] = kMaxTasksPerDecision;
  schemas["TaskError"]["properties"]["type"].update(nameSchema(kMaxNameBytes));
  schemas["TaskError"]["properties"]["message"]["maxLength"] = kMaxErrorMessageBytes;
  Json& retry = schemas["RetryPolicy"]["properties"];
  setRange(retry["initialMs"], 0, kMaxRetryDelayMs);
  setRange(retry["maxMs"], 0, kMaxRetryDelayMs);
  setRange(retry["maxAttempts"], 0, kMaxRetryAttempts);
  retry["multiplier"]["minimum"] = 1;
  retry["multiplier"]["maximum"] = kMaxRetryMultiplier;
  retry["nonRetryable"]["maxItems"] = kMaxErrorTypes;
  retry["nonRetryable"]["items"] = nameSchema(kMaxNameBytes);

  Json& paths = doc["paths"];
  paths["/api/v1/processes/batch"]["post"]["requestBody"]["content"]["application/json"]["schema"]
       ["properties"]["processes"]["maxItems"] = kMaxStartsPerBatch;
  Json& release = paths["/api/v1/tasks/release"]["post"]["requestBody"]["content"]
                       ["application/json"]["schema"];
  release["properties"]["decisions"]["maxItems"] = kMaxDecisionsPerRelease;
  for (Json* poll : {&paths["/api/v1/tasks/poll"]["post"]["requestBody"]["content"]
                           ["application/json"]["schema"],
                     &release["properties"]["poll"]}) {
    Json& properties = (*poll)["properties"];
    properties["worker"].update(nameSchema(kMaxNameBytes, true));
    properties["actors"]["maxItems"] = kMaxQueuesPerPoll;
    properties["actors"]["items"]["properties"]["actor"].update(nameSchema(kMaxNameBytes));
    properties["actors"]["items"]["properties"]["taskList"].update(nameSchema(kMaxNameBytes, true));
  }
  // Every operation may meet a limit (429), a node that cannot serve it now (503) and, with a body,
  // one over the body limit (413).
  for (auto& [path, operations] : paths.items()) {
    for (auto& [method, operation] : operations.items()) {
      Json& responses = operation["responses"];
      for (const char* status : {"400", "429", "503"}) {
        if (!responses.contains(status))
          responses[status] = {{"$ref", "#/components/responses/Error"}};
      }
      if (method == "post" && !responses.contains("413")) {
        responses["413"] = {{"$ref", "#/components/responses/Error"}};
      }
    }
  }
}

}  // namespace pledge::server::openapi

// The JSON views of REST API v1: how the engine's snapshots and results are written in answers,
// and how the views of several nodes merge into one. Private to rest/; errors are written by
// the error codec (errorObject in pledge/json.h, errorResponse in http_server.h).
//
//   respond(jsonResponse(200, actorJson(actor)));
//
// Pure functions over values; thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "pledge/json.h"
#include "pledge/polled_task.h"
#include "pledge/release.h"
#include "pledge/server/engine/engine.h"
#include "pledge/server/http/http_server.h"
#include "pledge/uuid.h"

namespace pledge::server {

// An answer whose body is the JSON value.
HttpResponse jsonResponse(int status, const Json& body);

// {"tasks":[...]}, written straight from the tasks (a poll answer is the hottest reply).
std::string pollAnswerText(const std::vector<PolledTask>& tasks);

// A task of GET /api/v1/processes/{id}/tasks (TaskView); start tells the process's first task.
Json taskJson(const TaskSnapshot& snapshot, const Uuid& startTaskId);

// GET /api/v1/tasks/{id} (task_record.cpp): the task's view with its processId, its spec, the
// input a poll hands it (promised arguments resolved) and its decision (null until it made
// one); nullopt when tasks has no such task.
std::optional<Json> taskRecordJson(const std::vector<TaskSnapshot>& tasks, const Uuid& taskId,
                                   const ProcessInfo& process);

// An item of GET /api/v1/queues.
Json queueJson(const QueueStats& queue);

// A limit as GET /api/v1/limits and the queues show it: what is set, this node's share, and
// what counts against it here (summed over a cluster's nodes by mergeLimits).
Json limitJson(const LimitStats& limit);
// The body of PUT /api/v1/limits: one limit; unknown fields and wrong types throw JsonError
// naming the field (the engine checks the values).
TaskLimit readLimit(const Json& body);
// Limits of several nodes: running and heldTotal summed per (actor, taskList).
Json mergeLimits(std::vector<Json> answers);

// An item of GET /api/v1/actors, and the answer to block and unblock.
Json actorJson(const ActorStats& actor);

// The answer to a release, written straight from it (json_writer.h, as the client writes its
// requests), with its status: 200 unless every decision was rejected (ReleaseAnswer::of).
HttpResponse releaseAnswer(const ReleaseAnswer& answer);

// Queues of several nodes: counts summed per (actor, taskList), the oldest ready age kept.
Json mergeQueues(std::vector<Json> answers);

// Actors of several nodes: counts summed, pollers joined, the latest poll kept.
Json mergeActors(std::vector<Json> answers);

}  // namespace pledge::server

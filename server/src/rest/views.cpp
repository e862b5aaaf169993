#include "rest/views.h"

#include <map>
#include <string>
#include <utility>

#include "pledge/json_writer.h"
#include "pledge/limits.h"
#include "pledge/server/rest/rest_api.h"

namespace pledge::server {
namespace {

Json nullIfZero(std::int64_t value) { return value == 0 ? Json() : Json(value); }

}  // namespace

HttpResponse jsonResponse(int status, const Json& body) {
  return HttpResponse{status, "application/json", dumpJson(body), {}};
}

std::string pollAnswerText(const std::vector<PolledTask>& tasks) {
  std::string text = "{\"tasks\":";
  appendJsonArray(text, tasks);
  text += "}";
  return text;
}

Json taskJson(const TaskSnapshot& snapshot, const Uuid& startTaskId) {
  limits::Ignored stored;
  const TaskSpec& spec = snapshot.spec;
  const TaskRow& row = snapshot.row;
  Json args = Json::array();
  for (const ArgSpec& arg : spec.args) args.push_back(arg);
  Json task = {
      {"taskId", spec.taskId},
      {"actor", spec.actor},
      {"method", spec.method},
      {"type", spec.type},
      {"start", spec.taskId == startTaskId},
      {"parentId", row.parentId ? Json(*row.parentId) : Json()},
      {"state", taskStateName(row.state)},
      {"promise", promiseStateName(row.promise)},
      {"args", std::move(args)},
      {"result", row.value.empty() ? Json() : parseJson(row.value)},
      {"forwardTo", row.forwardTo ? Json(*row.forwardTo) : Json()},
      {"error", row.error.empty() ? Json() : parseJson(row.error)},
      {"attempts", row.attempt},
      {"taskList", spec.options.taskList.value_or("")},
      {"priority", spec.options.priority.value_or(0)},
      {"timeoutMs", spec.options.timeoutMs ? Json(*spec.options.timeoutMs) : Json()},
      {"retry", spec.options.retry ? Json(*spec.options.retry) : Json()},
      {"scheduleToStartMs",
       spec.options.scheduleToStartMs ? Json(*spec.options.scheduleToStartMs) : Json()},
      {"notBefore", nullIfZero(row.notBefore)},
      {"leaseUntil",
       row.state == TaskState::Leased ? Json(row.leaseUntil) : Json()},
      // A listening event task times out then (docs/events.md); a timer fires at notBefore.
      {"deadline",
       row.state == TaskState::Listening && row.leaseUntil != 0 ? Json(row.leaseUntil) : Json()},
      {"createdAt", nullIfZero(row.createdAt)},
      {"readyAt", nullIfZero(row.readyAt)},
      {"startedAt", nullIfZero(row.startedAt)},
      {"endedAt", nullIfZero(row.endedAt)},
  };
  return task;
}

std::string archiveLineOf(const EndedProcess& ended, std::int64_t defaultTimeoutMs) {
  Json tasks = Json::array();
  for (const TaskRow& row : ended.tasks) {
    tasks.push_back(
        taskJson(storedTaskSnapshot(row, defaultTimeoutMs), ended.process.info.taskId));
  }
  return Json{{"process", ended.process.info}, {"tasks", std::move(tasks)}}.dump();
}

Json queueJson(const QueueStats& queue) {
  return {{"actor", queue.actor},
          {"taskList", queue.taskList},
          {"ready", queue.ready},
          {"running", queue.running},
          {"waiting", queue.waiting},
          {"oldestReadyMs", queue.oldestReadyMs ? Json(*queue.oldestReadyMs) : Json()},
          {"limit", queue.limit ? limitJson(*queue.limit) : Json()},
          {"held", queue.held}};
}

namespace {

template <typename T>
Json orNull(const std::optional<T>& value) {
  return value ? Json(*value) : Json();
}

// Sums the counts of other into into.
void addCounts(Json& into, const Json& other, std::initializer_list<const char*> counts) {
  for (const char* count : counts) {
    into[count] = into.value(count, std::int64_t{0}) + other.value(count, std::int64_t{0});
  }
}

}  // namespace

Json limitJson(const LimitStats& limit) {
  return {{"actor", limit.limit.actor},
          {"taskList", limit.limit.taskList},
          {"maxRunning", orNull(limit.limit.maxRunning)},
          {"perSecond", orNull(limit.limit.perSecond)},
          {"burst", orNull(limit.limit.burst)},
          {"running", limit.running},
          {"heldTotal", limit.heldTotal},
          {"node", {{"maxRunning", orNull(limit.nodeMaxRunning)},
                    {"perSecond", orNull(limit.nodePerSecond)}}}};
}

TaskLimit readLimit(const Json& body) {
  requireObject(body);
  rejectUnknownFields(body, {"actor", "taskList", "maxRunning", "perSecond", "burst"});
  TaskLimit limit;
  limit.actor = readField(body, "actor", readString);
  limit.taskList = readOptionalField(body, "taskList", readString).value_or("");
  limit.maxRunning = readOptionalField(body, "maxRunning", readInt);
  limit.perSecond = readOptionalField(body, "perSecond", readNumber);
  limit.burst = readOptionalField(body, "burst", readInt);
  return limit;
}

Json mergeLimits(std::vector<Json> answers) {
  std::map<std::pair<std::string, std::string>, Json> merged;
  for (const Json& answer : answers) {
    if (!answer.is_array()) continue;
    for (const Json& limit : answer) {
      Json& into = merged[{limit.value("actor", ""), limit.value("taskList", "")}];
      if (into.is_null()) {
        into = limit;
      } else {
        addCounts(into, limit, {"running", "heldTotal"});
      }
    }
  }
  Json items = Json::array();
  for (auto& [key, limit] : merged) items.push_back(std::move(limit));
  return items;
}

Json actorJson(const ActorStats& actor) {
  Json pollers = Json::array();
  for (const PollerStats& poller : actor.pollers) {
    pollers.push_back({{"worker", poller.worker}, {"lastPollAt", poller.lastPollAt}});
  }
  return {{"actor", actor.actor},
          {"blocked", actor.blocked},
          {"lastPollAt", actor.lastPollAt ? Json(*actor.lastPollAt) : Json()},
          {"pollers", std::move(pollers)},
          {"ready", actor.ready},
          {"running", actor.running},
          {"waiting", actor.waiting}};
}

HttpResponse releaseAnswer(const ReleaseAnswer& answer) {
  return HttpResponse{answer.httpStatus(), "application/json", toJsonText(answer), {}};
}

Json mergeQueues(std::vector<Json> answers) {
  std::map<std::pair<std::string, std::string>, Json> merged;
  for (const Json& answer : answers) {
    if (!answer.is_array()) continue;
    for (const Json& queue : answer) {
      Json& into = merged[{queue.value("actor", ""), queue.value("taskList", "")}];
      if (into.is_null()) {
        into = queue;
        continue;
      }
      addCounts(into, queue, {"ready", "running", "waiting", "held"});
      if (into["limit"].is_object() && queue["limit"].is_object()) {
        addCounts(into["limit"], queue["limit"], {"running", "heldTotal"});
      }
      if (queue["oldestReadyMs"].is_number() &&
          (!into["oldestReadyMs"].is_number() || queue["oldestReadyMs"] > into["oldestReadyMs"])) {
        into["oldestReadyMs"] = queue["oldestReadyMs"];
      }
    }
  }
  Json items = Json::array();
  for (auto& [key, queue] : merged) items.push_back(std::move(queue));
  return items;
}

Json mergeActors(std::vector<Json> answers) {
  std::map<std::string, Json> merged;
  for (const Json& answer : answers) {
    if (!answer.is_array()) continue;
    for (const Json& actor : answer) {
      Json& into = merged[actor.value("actor", "")];
      if (into.is_null()) {
        into = actor;
        continue;
      }
      addCounts(into, actor, {"ready", "running", "waiting"});
      into["blocked"] = into.value("blocked", false) || actor.value("blocked", false);
      if (actor["lastPollAt"].is_number() &&
          (!into["lastPollAt"].is_number() || actor["lastPollAt"] > into["lastPollAt"])) {
        into["lastPollAt"] = actor["lastPollAt"];
      }
      for (const Json& poller : actor.value("pollers", Json::array()))
        into["pollers"].push_back(poller);
    }
  }
  Json items = Json::array();
  for (auto& [key, actor] : merged) items.push_back(std::move(actor));
  return items;
}

}  // namespace pledge::server

#include "pledge/server/rest/rest_api.h"

#include <spdlog/spdlog.h>

#include <array>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "pledge/json.h"
#include "pledge/json_reader.h"
#include "pledge/json_writer.h"
#include "pledge/limits.h"
#include "pledge/text.h"

namespace pledge::server {
namespace {

using Params = std::vector<std::string>;

HttpResponse jsonResponse(int status, const Json& body) {
  return HttpResponse{status, "application/json", dumpJson(body), {}};
}

// {"tasks":[...]} written straight from the tasks (a poll answer is the hottest reply).
std::string pollAnswerText(const std::vector<PolledTask>& tasks) {
  std::string text = "{\"tasks\":";
  appendJsonArray(text, tasks);
  text += "}";
  return text;
}

Json nullIfZero(std::int64_t value) { return value == 0 ? Json() : Json(value); }

std::string_view promiseStateName(int state) {
  switch (static_cast<PromiseState>(state)) {
    case PromiseState::Pending: return "pending";
    case PromiseState::Resolved: return "resolved";
    case PromiseState::Failed: return "failed";
  }
  return "pending";
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
      {"state", taskStateName(static_cast<TaskState>(row.state))},
      {"promise", promiseStateName(row.promise)},
      {"args", std::move(args)},
      {"result", row.value.empty() ? Json() : parseJson(row.value)},
      {"forwardTo", row.forwardTo ? Json(*row.forwardTo) : Json()},
      {"error", row.error.empty() ? Json() : parseJson(row.error)},
      {"attempts", row.attempt},
      {"taskList", spec.options.taskList.value_or("")},
      {"priority", spec.options.priority.value_or(0)},
      {"timeoutMs", spec.options.timeoutMs.value_or(0)},
      {"retry", spec.options.retry ? Json(*spec.options.retry) : Json()},
      {"notBefore", nullIfZero(row.notBefore)},
      {"leaseUntil", row.state == static_cast<int>(TaskState::Leased) ? Json(row.leaseUntil) : Json()},
      {"createdAt", nullIfZero(row.createdAt)},
      {"readyAt", nullIfZero(row.readyAt)},
      {"startedAt", nullIfZero(row.startedAt)},
      {"endedAt", nullIfZero(row.endedAt)},
  };
  return task;
}

Uuid uuidParam(const std::string& text, std::string_view what) {
  auto id = Uuid::parse(text);
  if (!id) {
    throw Error(ErrorCode::NotFound,
                fmt::format("no {} \"{}\": ids are UUIDs like 1b4e28ba-2fa1-41d2-883f-0016d3cca427",
                            what, quoteInput(text)));
  }
  return *id;
}

std::int64_t intQuery(const HttpRequest& request, std::string_view name, std::int64_t fallback) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return fallback;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  PLEDGE_REQUIRE(ec == std::errc() && end == it->second.data() + it->second.size(),
                 "{}: expected an integer, got \"{}\"", name, quoteInput(it->second));
  return value;
}

// A query parameter as text, checked as a name of at most maxBytes (text.h); nullopt when absent
// or empty.
std::optional<std::string> textQuery(const HttpRequest& request, std::string_view name,
                                     std::size_t maxBytes = limits::kMaxCustomIdBytes) {
  auto it = request.query.find(name);
  if (it == request.query.end() || it->second.empty()) return std::nullopt;
  if (auto problem = checkName(it->second, maxBytes)) throw Error(ErrorCode::BadRequest, fmt::format("{}: {}", name, *problem));
  return it->second;
}

Json parseBody(const HttpRequest& request) {
  PLEDGE_REQUIRE(!request.body.empty(), "the request needs a JSON body");
  return parseJson(request.body);
}

PollRequest parsePoll(const Json& body) {
  rejectUnknownFields(body, {"worker", "actors", "max", "waitMs"});
  PollRequest poll;
  poll.worker = readOptionalField(body, "worker", [](const Json& value) {
                  std::string worker = readString(value);
                  if (auto problem = checkName(worker, limits::kMaxNameBytes, true)) throw JsonError(*problem);
                  return worker;
                }).value_or("");
  const Json& actors = requireField(body, "actors");
  atField("actors", [&] {
    requireArrayOfAtMost(actors, limits::kMaxQueuesPerPoll);
    for (std::size_t i = 0; i < actors.size(); ++i) {
      atIndex(i, [&] {
        rejectUnknownFields(actors[i], {"actor", "taskList"});
        poll.queues.push_back(QueueRef{readField(actors[i], "actor", readActorId),
                                       readOptionalField(actors[i], "taskList", readTaskList).value_or("")});
      });
    }
  });
  const std::int64_t max = readOptionalField(body, "max", readInt).value_or(1);
  // (checkPoll states the range; a number past int must not wrap into it.)
  poll.max = max < 1 || max > std::numeric_limits<int>::max() ? 0 : static_cast<int>(max);
  if (poll.max == 0) failAtField("max", fmt::format("must be 1 to 1000, got {}", max));
  poll.waitMs = readOptionalField(body, "waitMs", readInt).value_or(0);
  return poll;
}

struct ReleaseBody {
  std::vector<Decision> decisions;
  // What to lease once the decisions are durable, answered in the same reply.
  std::optional<PollRequest> poll;
};

// A release body: through the fast reader, or the strict decoders when it declines (they say
// what is wrong).
ReleaseBody parseRelease(const HttpRequest& request) {
  PLEDGE_REQUIRE(!request.body.empty(), "the request needs a JSON body");
  ReleaseBody release;
  std::optional<FastDocument<Decision>> fast = readDecisionsFast(request.body);
  const bool fastTakesAll = fast && (fast->rest.empty() || (fast->rest.size() == 1 && fast->rest.contains("poll")));
  Json body = fastTakesAll ? std::move(fast->rest) : parseJson(request.body);
  rejectUnknownFields(body, {"decisions", "poll"});
  release.decisions = fastTakesAll ? std::move(fast->items) : readField(body, "decisions", readArray<Decision>);
  PLEDGE_REQUIRE(!release.decisions.empty(), "decisions: release at least one decision");
  PLEDGE_REQUIRE(release.decisions.size() <= limits::kMaxDecisionsPerRelease,
                 "decisions: release at most {} decisions per request, got {}", limits::kMaxDecisionsPerRelease,
                 release.decisions.size());
  if (const Json* poll = optionalField(body, "poll")) {
    release.poll = atField("poll", [&] { return parsePoll(*poll); });
  }
  return release;
}

Json releaseResultJson(const ReleaseResult& result) {
  static constexpr std::array kNames = {"accepted", "duplicate", "rejected"};
  Json json = result.error ? errorObject(*result.error) : Json::object();
  json["taskId"] = result.taskId;
  json["status"] = kNames[static_cast<int>(result.status)];
  return json;
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

// Queues of several nodes: counts summed per (actor, taskList), the oldest ready age kept.
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
      for (const char* count : {"ready", "running", "waiting"}) {
        into[count] = into.value(count, std::int64_t{0}) + queue.value(count, std::int64_t{0});
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

// Actors of several nodes: counts summed, pollers joined, the latest poll kept.
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
      for (const char* count : {"ready", "running", "waiting"}) {
        into[count] = into.value(count, std::int64_t{0}) + actor.value(count, std::int64_t{0});
      }
      into["blocked"] = into.value("blocked", false) || actor.value("blocked", false);
      if (actor["lastPollAt"].is_number() &&
          (!into["lastPollAt"].is_number() || actor["lastPollAt"] > into["lastPollAt"])) {
        into["lastPollAt"] = actor["lastPollAt"];
      }
      for (const Json& poller : actor.value("pollers", Json::array())) into["pollers"].push_back(poller);
    }
  }
  Json items = Json::array();
  for (auto& [key, actor] : merged) items.push_back(std::move(actor));
  return items;
}

// The answer to a release: 200 with the results unless every decision was rejected, then the
// first rejection's status and error beside the results.
HttpResponse releaseAnswer(Json items, const std::vector<PolledTask>* tasks = nullptr) {
  const Json* firstRejection = nullptr;
  bool anyApplied = false;
  for (const Json& item : items) {
    if (item.value("status", "") == "rejected") {
      if (firstRejection == nullptr) firstRejection = &item;
    } else {
      anyApplied = true;
    }
  }
  // Keys in the order Json::dump writes them.
  int status = 200;
  std::string text = "{";
  if (!anyApplied && firstRejection != nullptr) {
    const Json& error = (*firstRejection)["error"];
    status = httpStatus(errorCodeFromName(error.value("code", "internal")));
    text += "\"error\":" + dumpJson(error) + ",";
  }
  text += "\"results\":" + dumpJson(items);
  if (tasks != nullptr) {
    text += ",\"tasks\":";
    appendJsonArray(text, *tasks);
  }
  text += "}";
  return HttpResponse{status, "application/json", std::move(text), {}};
}

// What an answer that leased tasks does when it cannot reach its poller: puts the leases back.
std::function<void()> returnOnLoss(Engine& engine, const std::vector<PolledTask>& tasks) {
  if (tasks.empty()) return {};
  std::vector<std::pair<Uuid, int>> leases;
  leases.reserve(tasks.size());
  for (const PolledTask& task : tasks) leases.emplace_back(task.taskId, task.attempt);
  return [&engine, leases = std::move(leases)] { engine.returnLeases(leases); };
}

// Answers of one batch split over nodes, merged in request order once all are in.
class Gather {
 public:
  Gather(std::size_t size, std::size_t parts, std::function<void(Json)> finish)
      : items_(size, Json()), pending_(parts), finish_(std::move(finish)) {}

  // Puts the answers of the items at these indexes; the last part finishes.
  void fill(const std::vector<std::size_t>& indexes, const std::vector<Json>& answers) {
    bool last = false;
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < indexes.size(); ++i) items_[indexes[i]] = answers[i];
      last = --pending_ == 0;
    }
    if (last) finish_(Json(std::move(items_)));
  }

 private:
  std::mutex mutex_;
  std::vector<Json> items_;
  std::size_t pending_;
  std::function<void(Json)> finish_;
};

// The per-item answers a node sent for a forwarded batch, or the error for each item.
std::vector<Json> forwardedItems(const Result<ForwardedResponse>& answer, std::size_t count,
                                 const std::function<Json(const Error&)>& failed) {
  Error error(ErrorCode::Unavailable, "no answer");
  limits::Ignored written;  // by another node
  if (answer.ok()) {
    try {
      Json body = parseJson(answer.value().body);
      if (body.contains("results") && body["results"].is_array() && body["results"].size() == count) {
        return body["results"].get<std::vector<Json>>();
      }
      error = Error(ErrorCode::Unavailable,
                    fmt::format("the owner answered {}: {}", answer.value().status, answer.value().body));
    } catch (const std::exception& parse) {
      error = Error(ErrorCode::Unavailable, fmt::format("the owner answered {}", answer.value().status));
    }
  } else {
    error = answer.error();
  }
  return std::vector<Json>(count, failed(error));
}

}  // namespace

struct RestApi::Route {
  const char* method;
  // Segments; "{}" matches any one segment and is passed on as a parameter.
  std::vector<std::string_view> pattern;
  const char* name;
  void (*handler)(RestApi& api, const HttpRequest& request, const Params& params, Responder respond);
};

namespace {

using Handler = void (*)(RestApi&, const HttpRequest&, const Params&, Responder);

}  // namespace

RestApi::RestApi(Engine& engine, Metrics& metrics, RestApiOptions options, Cluster* cluster)
    : engine_(engine),
      metrics_(metrics),
      options_(std::move(options)),
      cluster_(cluster),
      forwarder_(clustered() ? std::make_unique<Forwarder>(options_.nodeName) : nullptr) {}

const std::vector<RestApi::Route>& RestApi::routes() {
  static const std::vector<Route> table = [] {
    std::vector<Route> t;
    auto add = [&](const char* method, std::vector<std::string_view> pattern, const char* name,
                   Handler handler) { t.push_back(Route{method, std::move(pattern), name, handler}); };

    add("POST", {"api", "v1", "processes"}, "POST /api/v1/processes",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          StartRequest start = parseBody(request).get<StartRequest>();
          const std::optional<int> partition = api.engine_.partitionOfStart(start);
          std::optional<std::string> owner =
              partition ? api.ownerElsewhere(request, *partition) : api.startTarget(request);
          if (owner) return api.relay(*owner, request, respond);
          api.engine_.startProcess(start, [respond](Result<StartedProcess> started) {
            if (!started.ok()) return respond(errorResponse(started.error()));
            respond(jsonResponse(started.value().existing ? 200 : 201, started.value()));
          });
        });
    add("POST", {"api", "v1", "processes", "batch"}, "POST /api/v1/processes/batch",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          Json body = parseBody(request);
          rejectUnknownFields(body, {"processes"});
          std::vector<StartRequest> starts = readField(body, "processes", readArray<StartRequest>);
          PLEDGE_REQUIRE(!starts.empty() && starts.size() <= limits::kMaxStartsPerBatch,
                         "processes: start 1 to {} processes per request, got {}", limits::kMaxStartsPerBatch,
                         starts.size());
          api.startAcrossNodes(request, body, std::move(starts), respond);
        });
    add("GET", {"api", "v1", "processes"}, "GET /api/v1/processes",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          ProcessQuery query;
          if (auto state = textQuery(request, "state")) {
            query.state = processStateFromName(*state);
            PLEDGE_REQUIRE(query.state.has_value(),
                           "state: expected running, completed, broken or aborted, got \"{}\"", quoteInput(*state));
          }
          query.actor = textQuery(request, "actor");
          query.customId = textQuery(request, "customId");
          if (request.query.contains("startedAfter")) query.startedAfter = intQuery(request, "startedAfter", 0);
          if (request.query.contains("startedBefore")) query.startedBefore = intQuery(request, "startedBefore", 0);
          const std::int64_t limit = intQuery(request, "limit", 50);
          PLEDGE_REQUIRE(limit >= 1 && limit <= 1000, "limit: must be 1 to 1000, got {}", limit);
          query.limit = static_cast<int>(limit);
          query.cursor = textQuery(request, "cursor");
          ProcessPage page = api.engine_.listProcesses(query);
          Json items = Json::array();
          for (const ProcessInfo& process : page.items) items.push_back(process);
          respond(jsonResponse(200, {{"items", std::move(items)},
                                     {"next", page.next ? Json(*page.next) : Json()}}));
        });
    add("GET", {"api", "v1", "processes", "{}"}, "GET /api/v1/processes/{id}",
        [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
          Uuid id = uuidParam(params[0], "process");
          if (auto owner = api.ownerElsewhere(request, api.engine_.partitionOf(id))) {
            return api.relay(*owner, request, respond);
          }
          auto process = api.engine_.process(id);
          if (!process) throw Error(ErrorCode::NotFound, "no process " + quoteInput(params[0]));
          respond(jsonResponse(200, *process));
        });
    add("GET", {"api", "v1", "processes", "{}", "tasks"}, "GET /api/v1/processes/{id}/tasks",
        [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
          Uuid id = uuidParam(params[0], "process");
          if (auto owner = api.ownerElsewhere(request, api.engine_.partitionOf(id))) {
            return api.relay(*owner, request, respond);
          }
          auto process = api.engine_.process(id);
          auto tasks = api.engine_.processTasks(id);
          if (!process || !tasks) throw Error(ErrorCode::NotFound, "no process " + quoteInput(params[0]));
          Json items = Json::array();
          for (const TaskSnapshot& task : *tasks) items.push_back(taskJson(task, process->taskId));
          respond(jsonResponse(200, items));
        });
    add("GET", {"api", "v1", "processes", "{}", "result"}, "GET /api/v1/processes/{id}/result",
        [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
          Uuid id = uuidParam(params[0], "process");
          if (auto owner = api.ownerElsewhere(request, api.engine_.partitionOf(id))) {
            return api.relay(*owner, request, respond);
          }
          api.engine_.awaitProcess(id, intQuery(request, "waitMs", 0),
                                   [respond](Result<ProcessInfo> process) {
                                     if (!process.ok()) return respond(errorResponse(process.error()));
                                     respond(jsonResponse(200, process.value()));
                                   });
        });
    add("POST", {"api", "v1", "processes", "{}", "restart"}, "POST /api/v1/processes/{id}/restart",
        [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
          Uuid id = uuidParam(params[0], "process");
          if (auto owner = api.ownerElsewhere(request, api.engine_.partitionOf(id))) {
            return api.relay(*owner, request, respond);
          }
          api.engine_.restart(id, [respond](Result<ProcessInfo> process) {
            if (!process.ok()) return respond(errorResponse(process.error()));
            respond(jsonResponse(200, process.value()));
          });
        });
    add("POST", {"api", "v1", "processes", "{}", "abort"}, "POST /api/v1/processes/{id}/abort",
        [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
          Uuid id = uuidParam(params[0], "process");
          if (auto owner = api.ownerElsewhere(request, api.engine_.partitionOf(id))) {
            return api.relay(*owner, request, respond);
          }
          api.engine_.abort(id, [respond](Result<ProcessInfo> process) {
            if (!process.ok()) return respond(errorResponse(process.error()));
            respond(jsonResponse(200, process.value()));
          });
        });
    add("POST", {"api", "v1", "tasks", "poll"}, "POST /api/v1/tasks/poll",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          PollRequest poll = parsePoll(parseBody(request));
          Engine& engine = api.engine_;
          std::function<void()> cancel = engine.poll(poll, [&engine, respond](std::vector<PolledTask> tasks) {
            HttpResponse answer{200, "application/json", pollAnswerText(tasks), {}};
            answer.undelivered = returnOnLoss(engine, tasks);
            respond(std::move(answer));
          });
          // A parked poll whose client went away leases nothing more.
          if (cancel && request.onAbandoned) request.onAbandoned(std::move(cancel));
        });
    add("POST", {"api", "v1", "tasks", "release"}, "POST /api/v1/tasks/release",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          ReleaseBody release = parseRelease(request);
          if (release.poll) {
            try {
              api.engine_.checkPoll(*release.poll);
            } catch (const Error& error) {
              throw Error(error.code(), "poll." + error.message());
            }
          }
          // Answered on the connection's thread, not the engine's writer (which commits the
          // next batch meanwhile). With a poll, the tasks ready once the decisions are durable
          // (the next step of a chain among them) are leased in the same round trip.
          Engine& engine = api.engine_;
          api.releaseAcrossNodes(
              request, std::move(release.decisions),
              [&engine, post = request.post, poll = std::move(release.poll), respond](Json items) mutable {
                auto answer = [&engine, poll = std::move(poll), respond, items = std::move(items)]() mutable {
                  // Tasks are leased only into an answer that succeeds: a refused release (every
                  // decision rejected, say 503 while partitions move) is retried, elsewhere
                  // maybe, and would drop them until their leases expired.
                  bool anyApplied = false;
                  for (const Json& item : items) anyApplied = anyApplied || item.value("status", "") != "rejected";
                  if (!poll || !anyApplied) return respond(releaseAnswer(std::move(items)));
                  auto results = std::make_shared<Json>(std::move(items));
                  try {
                    engine.poll(*poll, [&engine, results, respond](std::vector<PolledTask> tasks) {
                      HttpResponse released = releaseAnswer(std::move(*results), &tasks);
                      released.undelivered = returnOnLoss(engine, tasks);
                      respond(std::move(released));
                    });
                  } catch (const Error&) {
                    // A poll the engine cannot take now (a limit): the release itself succeeded.
                    respond(releaseAnswer(std::move(*results)));
                  }
                };
                if (post) {
                  post(std::move(answer));
                } else {
                  answer();
                }
              });
        });
    add("POST", {"api", "v1", "tasks", "{}", "heartbeat"}, "POST /api/v1/tasks/{id}/heartbeat",
        [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
          Uuid id = uuidParam(params[0], "task");
          Json body = parseBody(request);
          rejectUnknownFields(body, {"attempt"});
          int attempt = static_cast<int>(readField(body, "attempt", readInt));
          if (api.clustered() && request.forwardedBy.empty()) {
            if (auto partition = api.engine_.partitionOfTask(id, std::nullopt)) {
              if (auto owner = api.ownerElsewhere(request, *partition)) return api.relay(*owner, request, respond);
            }
          }
          if (auto error = api.engine_.heartbeat(id, attempt)) throw *error;
          respond(jsonResponse(200, {{"taskId", id}, {"attempt", attempt}, {"extended", true}}));
        });
    add("GET", {"api", "v1", "queues"}, "GET /api/v1/queues",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          Json items = Json::array();
          for (const QueueStats& queue : api.engine_.queues()) {
            items.push_back({{"actor", queue.actor},
                             {"taskList", queue.taskList},
                             {"ready", queue.ready},
                             {"running", queue.running},
                             {"waiting", queue.waiting},
                             {"oldestReadyMs", queue.oldestReadyMs ? Json(*queue.oldestReadyMs) : Json()}});
          }
          api.gatherFromPeers(request, "/api/v1/queues", std::move(items), mergeQueues, respond);
        });
    add("GET", {"api", "v1", "actors"}, "GET /api/v1/actors",
        [](RestApi& api, const HttpRequest& request, const Params&, Responder respond) {
          Json items = Json::array();
          for (const ActorStats& actor : api.engine_.actors()) items.push_back(actorJson(actor));
          api.gatherFromPeers(request, "/api/v1/actors", std::move(items), mergeActors, respond);
        });
    for (const char* action : {"block", "unblock"}) {
      add("POST", {"api", "v1", "actors", "{}", action},
          std::string_view(action) == "block" ? "POST /api/v1/actors/{actor}/block"
                                              : "POST /api/v1/actors/{actor}/unblock",
          [](RestApi& api, const HttpRequest& request, const Params& params, Responder respond) {
            const bool block = request.segments.back() == "block";
            api.engine_.setBlocked(params[0], block);
            for (const ActorStats& actor : api.engine_.actors()) {
              if (actor.actor == params[0]) return respond(jsonResponse(200, actorJson(actor)));
            }
            respond(jsonResponse(200, {{"actor", params[0]}, {"blocked", block}}));
          });
    }
    add("GET", {"api", "v1", "cluster"}, "GET /api/v1/cluster",
        [](RestApi& api, const HttpRequest&, const Params&, Responder respond) {
          respond(jsonResponse(200, api.cluster_ != nullptr
                                        ? api.cluster_->describe()
                                        : describeLoneNode(api.options_.nodeName, api.options_.address,
                                                           api.engine_.partitions(), api.engine_.startedAt())));
        });
    add("GET", {"metrics"}, "GET /metrics",
        [](RestApi& api, const HttpRequest&, const Params&, Responder respond) {
          std::vector<QueueDepth> depths;
          for (const QueueStats& queue : api.engine_.queues()) {
            depths.push_back(QueueDepth{queue.actor, queue.taskList, queue.ready, queue.running, queue.waiting});
          }
          respond(HttpResponse{200, "text/plain; version=0.0.4",
                               api.metrics_.scrape(depths, api.engine_.processesInMemory(),
                                                   api.engine_.dormantProcesses()),
                               {}});
        });
    add("GET", {"api", "v1", "openapi.json"}, "GET /api/v1/openapi.json",
        [](RestApi&, const HttpRequest&, const Params&, Responder respond) {
          respond(HttpResponse{200, "application/json", openApiDocument(), {}});
        });
    return t;
  }();
  return table;
}

void RestApi::handle(HttpRequest&& request, Responder respond) {
  // The last guard of a request: whatever escapes routing, the console or a handler is answered
  // (the responder ignores a second answer).
  try {
    routeRequest(std::move(request), respond);
  } catch (const std::exception& error) {
    spdlog::error("unexpected error while answering a request: {}", toValidUtf8(error.what()));
    respond(errorResponse(Error(ErrorCode::Internal, error.what())));
  }
}

void RestApi::routeRequest(HttpRequest&& request, const Responder& respond) {
  if (request.method == "GET" &&
      (request.segments.empty() || (request.segments[0] != "api" && request.segments[0] != "metrics"))) {
    serveConsole(request, respond);
    return;
  }
  // Find the route: the first whose pattern matches the path; a path that matches only with
  // another method is 405.
  bool pathKnown = false;
  for (const Route& route : routes()) {
    if (route.pattern.size() != request.segments.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < route.pattern.size() && matches; ++i) {
      matches = route.pattern[i] == "{}" || route.pattern[i] == request.segments[i];
    }
    if (!matches) continue;
    pathKnown = true;
    if (request.method != route.method) continue;
    dispatch(request, route, respond);
    return;
  }
  Error error = pathKnown
                    ? Error(ErrorCode::MethodNotAllowed,
                            fmt::format("{} is not allowed on {}", quoteInput(request.method),
                                        quoteInput(request.target)))
                    : Error(ErrorCode::NotFound,
                            fmt::format("no route {} {}; see GET /api/v1/openapi.json", quoteInput(request.method),
                                        quoteInput(request.target)));
  respond(errorResponse(error));
}

void RestApi::serveConsole(const HttpRequest& request, Responder respond) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript"}, {".css", "text/css"},
      {".svg", "image/svg+xml"},             {".png", "image/png"},      {".json", "application/json"},
      {".map", "application/json"},          {".ico", "image/x-icon"},   {".woff2", "font/woff2"},
      {".txt", "text/plain"}};
  std::filesystem::path relative;
  for (const std::string& segment : request.segments) {
    if (segment == ".." || segment == "." || segment.find('/') != std::string::npos) {
      return respond(errorResponse(Error(ErrorCode::NotFound, "no such file")));
    }
    relative /= segment;
  }
  const std::filesystem::path root(options_.consoleDir);
  std::filesystem::path file = root / relative;
  std::error_code ec;
  if (relative.empty() || std::filesystem::is_directory(file, ec)) file = root / "index.html";
  if (!std::filesystem::is_regular_file(file, ec) && !relative.has_extension()) file = root / "index.html";
  std::ifstream in(file, std::ios::binary);
  if (options_.consoleDir.empty() || !in) {
    if (relative.empty()) {
      return respond(HttpResponse{
          200, "text/html; charset=utf-8",
          "<!doctype html><title>Pledge</title><h1>pledge-server</h1><p>The web console's assets "
          "were not found" +
              (options_.consoleDir.empty() ? std::string() : " in " + options_.consoleDir) +
              ". Build them (scripts/setup installs Node.js; cmake builds the console) or start "
              "with --console-dir.</p><p>The REST API is at <a href=\"/api/v1/openapi.json\">"
              "/api/v1/openapi.json</a>; metrics at <a href=\"/metrics\">/metrics</a>.</p>",
          {}});
    }
    return respond(errorResponse(Error(ErrorCode::NotFound, "no file " + quoteInput(request.target))));
  }
  std::ostringstream content;
  content << in.rdbuf();
  auto type = kTypes.find(file.extension().string());
  HttpResponse response{200, type == kTypes.end() ? "application/octet-stream" : type->second,
                        content.str(), {}};
  // Built assets carry content hashes in their names; index.html must always be fresh.
  response.headers.emplace_back("Cache-Control", file.filename() == "index.html"
                                                     ? "no-cache"
                                                     : "public, max-age=31536000, immutable");
  respond(std::move(response));
}

void RestApi::dispatch(const HttpRequest& request, const Route& route, Responder respond) {
  const auto started = std::chrono::steady_clock::now();
  Responder measured = [this, respond = std::move(respond), started, name = route.name](HttpResponse response) {
    metrics_.observeRequest(name, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    respond(std::move(response));
  };
  Params params;
  for (std::size_t i = 0; i < route.pattern.size(); ++i) {
    if (route.pattern[i] == "{}") params.push_back(request.segments[i]);
  }
  // The one place where a request's errors are caught.
  try {
    route.handler(*this, request, params, measured);
  } catch (const Error& error) {
    measured(errorResponse(error));
  } catch (const std::exception& error) {
    spdlog::error("{} {}: {}", quoteInput(request.method), quoteInput(request.target), toValidUtf8(error.what()));
    measured(errorResponse(Error(ErrorCode::Internal, error.what())));
  }
}

// ---- cluster routing ----------------------------------------------------------------------

std::optional<std::string> RestApi::ownerElsewhere(const HttpRequest& request, int partition) const {
  if (!clustered() || !request.forwardedBy.empty() || engine_.owns(partition)) return std::nullopt;
  return cluster_->ownerAddress(partition);
}

std::optional<std::string> RestApi::startTarget(const HttpRequest& request) const {
  if (!clustered() || !request.forwardedBy.empty() || engine_.servesAnyPartition()) return std::nullopt;
  std::vector<std::string> peers = cluster_->servingPeers();
  if (peers.empty()) return std::nullopt;
  static thread_local std::minstd_rand pick(std::random_device{}());
  return peers[pick() % peers.size()];
}

void RestApi::relay(const std::string& address, const HttpRequest& request, Responder respond) {
  metrics_.requestForwarded("process");
  forwarder_->send(address, request.method, request.target, request.body,
                   [respond](Result<ForwardedResponse> answer) {
                     if (!answer.ok()) return respond(errorResponse(answer.error()));
                     ForwardedResponse& forwarded = answer.value();
                     respond(HttpResponse{forwarded.status,
                                          forwarded.contentType.empty() ? "application/json" : forwarded.contentType,
                                          std::move(forwarded.body), {}});
                   });
}

void RestApi::releaseAcrossNodes(const HttpRequest& request, std::vector<Decision> decisions,
                                 std::function<void(Json)> done) {
  std::vector<std::size_t> local;
  std::map<std::string, std::vector<std::size_t>> remote;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    std::optional<std::string> owner;
    if (clustered() && request.forwardedBy.empty()) {
      if (auto partition = engine_.partitionOfTask(decisions[i].taskId, decisions[i].processId)) {
        owner = ownerElsewhere(request, *partition);
      }
    }
    if (owner) {
      remote[*owner].push_back(i);
    } else {
      local.push_back(i);
    }
  }
  auto gather = std::make_shared<Gather>(decisions.size(), remote.size() + (local.empty() ? 0 : 1), std::move(done));
  for (auto& [owner, members] : remote) {
    // (Named copies: a lambda may not capture a structured binding in clang 14.)
    const std::string address = owner;
    const std::vector<std::size_t> indexes = members;
    std::vector<const Decision*> forwarded;
    for (std::size_t i : indexes) forwarded.push_back(&decisions[i]);
    std::string part = "{\"decisions\":";
    appendJsonArray(part, forwarded);
    part += "}";
    metrics_.requestForwarded("release");
    forwarder_->send(address, "POST", "/api/v1/tasks/release", std::move(part),
                     [gather, indexes, decisions](Result<ForwardedResponse> answer) {
                       std::vector<Json> items = forwardedItems(answer, indexes.size(), [](const Error& error) {
                         Json item = errorObject(error);
                         item["status"] = "rejected";
                         return item;
                       });
                       for (std::size_t k = 0; k < indexes.size(); ++k) {
                         if (!items[k].contains("taskId")) items[k]["taskId"] = decisions[indexes[k]].taskId;
                       }
                       gather->fill(indexes, items);
                     });
  }
  if (local.empty()) return;
  std::vector<Decision> mine;
  for (std::size_t i : local) mine.push_back(std::move(decisions[i]));
  engine_.release(mine, [gather, local](std::vector<ReleaseResult> results) {
    std::vector<Json> items;
    for (const ReleaseResult& result : results) items.push_back(releaseResultJson(result));
    gather->fill(local, items);
  });
}

void RestApi::startAcrossNodes(const HttpRequest& request, const Json& body, std::vector<StartRequest> starts,
                               Responder respond) {
  std::vector<std::size_t> local;
  std::map<std::string, std::vector<std::size_t>> remote;
  const std::optional<std::string> anyTarget = startTarget(request);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::optional<int> partition = engine_.partitionOfStart(starts[i]);
    std::optional<std::string> owner = partition ? ownerElsewhere(request, *partition) : anyTarget;
    if (owner) {
      remote[*owner].push_back(i);
    } else {
      local.push_back(i);
    }
  }
  auto gather = std::make_shared<Gather>(starts.size(), remote.size() + (local.empty() ? 0 : 1),
                                         [respond](Json items) {
                                           respond(jsonResponse(200, {{"results", std::move(items)}}));
                                         });
  for (auto& [owner, members] : remote) {
    const std::string address = owner;
    const std::vector<std::size_t> indexes = members;
    Json part = Json::array();
    for (std::size_t i : indexes) part.push_back(body["processes"][i]);
    metrics_.requestForwarded("start");
    forwarder_->send(address, "POST", "/api/v1/processes/batch", Json{{"processes", std::move(part)}}.dump(),
                     [gather, indexes](Result<ForwardedResponse> answer) {
                       gather->fill(indexes, forwardedItems(answer, indexes.size(), [](const Error& error) {
                         return errorObject(error);
                       }));
                     });
  }
  if (local.empty()) return;
  std::vector<StartRequest> mine;
  for (std::size_t i : local) mine.push_back(std::move(starts[i]));
  engine_.startProcesses(mine, [gather, local](std::vector<Result<StartedProcess>> started) {
    std::vector<Json> items;
    for (const Result<StartedProcess>& result : started) {
      items.push_back(result.ok() ? Json(result.value()) : errorObject(result.error()));
    }
    gather->fill(local, items);
  });
}

void RestApi::gatherFromPeers(const HttpRequest& request, const std::string& path, Json local,
                              std::function<Json(std::vector<Json>)> merge, Responder respond) {
  std::vector<std::string> peers;
  if (clustered() && request.forwardedBy.empty() && textQuery(request, "scope").value_or("") != "local") {
    peers = cluster_->peers();
  }
  if (peers.empty()) return respond(jsonResponse(200, merge({std::move(local)})));
  // One slot per node; a node that does not answer adds nothing.
  auto gather = std::make_shared<Gather>(peers.size() + 1, peers.size() + 1, [respond, merge](Json answers) {
    respond(jsonResponse(200, merge(answers.get<std::vector<Json>>())));
  });
  gather->fill({0}, {std::move(local)});
  for (std::size_t i = 0; i < peers.size(); ++i) {
    metrics_.requestForwarded("gather");
    forwarder_->send(peers[i], "GET", path + "?scope=local", "", [gather, i](Result<ForwardedResponse> answer) {
      Json items = Json::array();
      limits::Ignored written;  // by another node
      if (answer.ok() && answer.value().status == 200) {
        try {
          items = parseJson(answer.value().body);
        } catch (const std::exception&) {
        }
      }
      gather->fill({i + 1}, {std::move(items)});
    });
  }
}

}  // namespace pledge::server

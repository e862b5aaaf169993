// Routes of tasks: poll (a long poll, cancelled when its client goes away), release (decisions
// split by owner in a cluster, and an optional poll answered in the same reply) and heartbeat.
// An answer that leased tasks puts them back when it cannot reach its poller.
#include <fmt/format.h>

#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "pledge/json_reader.h"
#include "pledge/limits.h"
#include "pledge/text.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

PollRequest parsePoll(const Json& body) {
  rejectUnknownFields(body, {"worker", "actors", "max", "waitMs"});
  PollRequest poll;
  poll.worker = readOptionalField(body, "worker", [](const Json& value) {
                  std::string worker = readString(value);
                  if (auto problem = checkName(worker, limits::kMaxNameBytes, true)) {
                    throw JsonError(*problem);
                  }
                  return worker;
                }).value_or("");
  const Json& actors = requireField(body, "actors");
  atField("actors", [&] {
    requireArrayOfAtMost(actors, limits::kMaxQueuesPerPoll);
    for (std::size_t i = 0; i < actors.size(); ++i) {
      atIndex(i, [&] {
        rejectUnknownFields(actors[i], {"actor", "taskList"});
        poll.queues.push_back(
            QueueRef{readField(actors[i], "actor", readActorId),
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

// A worker token that names its actors polls only their queues.
void checkPollScope(const PollRequest& poll, const Caller& caller) {
  for (const QueueRef& queue : poll.queues) {
    if (!caller.mayUseActor(queue.actor)) {
      throw Error(ErrorCode::Forbidden,
                  fmt::format("actors: token \"{}\" may not work for actor {}", caller.name,
                              quoteInput(queue.actor)));
    }
  }
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
  const bool fastTakesAll =
      fast && (fast->rest.empty() || (fast->rest.size() == 1 && fast->rest.contains("poll")));
  Json body = fastTakesAll ? std::move(fast->rest) : parseJson(request.body);
  rejectUnknownFields(body, {"decisions", "poll"});
  release.decisions =
      fastTakesAll ? std::move(fast->items) : readField(body, "decisions", readArray<Decision>);
  PLEDGE_REQUIRE(!release.decisions.empty(), "decisions: release at least one decision");
  PLEDGE_REQUIRE(release.decisions.size() <= limits::kMaxDecisionsPerRelease,
                 "decisions: release at most {} decisions per request, got {}",
                 limits::kMaxDecisionsPerRelease, release.decisions.size());
  if (const Json* poll = optionalField(body, "poll")) {
    release.poll = atField("poll", [&] { return parsePoll(*poll); });
  }
  return release;
}

// What an answer that leased tasks does when it cannot reach its poller: puts the leases back.
std::function<void()> returnOnLoss(Engine& engine, const std::vector<PolledTask>& tasks) {
  if (tasks.empty()) return {};
  std::vector<std::pair<Uuid, int>> leases;
  leases.reserve(tasks.size());
  for (const PolledTask& task : tasks) leases.emplace_back(task.taskId, task.attempt);
  return [&engine, leases = std::move(leases)] { engine.returnLeases(leases); };
}

// Answers a release once the results of its decisions are in. Tasks are leased only into an
// answer that succeeds: a refused release (every decision rejected, say 503 while partitions
// move) is retried, elsewhere maybe, and would drop them until their leases expired.
void answerRelease(Engine& engine, std::optional<PollRequest> poll, Json items,
                   const Responder& respond) {
  bool anyApplied = false;
  for (const Json& item : items) {
    anyApplied = anyApplied || item.value("status", "") != "rejected";
  }
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
}

}  // namespace

std::vector<RestApi::Route> RestApi::Resources::tasks() {
  return {
      route("POST", "/api/v1/tasks/poll",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              PollRequest poll = parsePoll(parseBody(request));
              checkPollScope(poll, request.caller);
              Engine& engine = api.engine_;
              std::function<void()> cancel =
                  engine.poll(poll, [&engine, respond](std::vector<PolledTask> tasks) {
                    HttpResponse answer{200, "application/json", pollAnswerText(tasks), {}};
                    answer.undelivered = returnOnLoss(engine, tasks);
                    respond(std::move(answer));
                  });
              // A parked poll whose client went away leases nothing more.
              if (cancel && request.onAbandoned) request.onAbandoned(std::move(cancel));
            }),
      route("POST", "/api/v1/tasks/release",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              ReleaseBody release = parseRelease(request);
              if (release.poll) {
                try {
                  api.engine_.checkPoll(*release.poll);
                  checkPollScope(*release.poll, request.caller);
                } catch (const Error& error) {
                  throw Error(error.code(), "poll." + error.message());
                }
              }
              // Answered on the connection's thread, not the engine's writer (which commits the
              // next batch meanwhile). With a poll, the tasks ready once the decisions are durable
              // (the next step of a chain among them) are leased in the same round trip.
              Engine& engine = api.engine_;
              auto whenReleased = [&engine, post = request.post, poll = std::move(release.poll),
                                   respond](Json items) mutable {
                auto answer = [&engine, poll = std::move(poll), respond,
                               items = std::move(items)]() mutable {
                  answerRelease(engine, std::move(poll), std::move(items), respond);
                };
                if (post) {
                  post(std::move(answer));
                } else {
                  answer();
                }
              };
              api.releaseAcrossNodes(request, std::move(release.decisions),
                                     std::move(whenReleased));
            }),
      route(
          "POST", "/api/v1/tasks/{id}/heartbeat",
          [](RestApi& api, const HttpRequest& request, const PathParams& params,
             Responder respond) {
            Uuid id = uuidParam(params[0], "task");
            Json body = parseBody(request);
            rejectUnknownFields(body, {"attempt"});
            int attempt = static_cast<int>(readField(body, "attempt", readInt));
            if (api.clustered() && request.forwardedBy.empty()) {
              if (auto partition = api.engine_.partitionOfTask(id, std::nullopt)) {
                if (auto owner = api.ownerElsewhere(request, *partition)) {
                  return api.relay(*owner, request, respond);
                }
              }
            }
            if (auto error = api.engine_.heartbeat(id, attempt, actorFilter(request.caller))) throw *error;
            respond(jsonResponse(200, {{"taskId", id}, {"attempt", attempt}, {"extended", true}}));
          }),
  };
}

}  // namespace pledge::server

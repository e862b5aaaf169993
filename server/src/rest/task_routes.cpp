// Routes of tasks: poll (a long poll, cancelled when its client goes away), release (decisions
// split by owner in a cluster, and an optional poll answered in the same reply), heartbeat, and
// one task's record (what it was given and what it decided).
// An answer that leased tasks puts them back when it cannot reach its poller.
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "pledge/poll_request.h"
#include "pledge/release.h"
#include "pledge/text.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

// A worker token that names its actors polls only their queues.
void checkPollScope(const PollRequest& poll, const Caller& caller) {
  for (const QueueSelector& queue : poll.queues) {
    if (!caller.mayUseActor(queue.actor)) {
      throw Error(ErrorCode::Forbidden,
                  fmt::format("actors: token \"{}\" may not work for actor {}", caller.name,
                              quoteInput(queue.actor)));
    }
  }
}

// A release body (core's codec: the fast reader, or the strict decoders when it declines, which
// say what is wrong).
ReleaseRequest parseRelease(const HttpRequest& request) {
  PLEDGE_REQUIRE(!request.body.empty(), "the request needs a JSON body");
  return parseReleaseRequest(request.body);
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
void answerRelease(Engine& engine, std::optional<PollRequest> poll,
                   std::vector<ReleaseResult> results, const Responder& respond) {
  ReleaseAnswer answer = ReleaseAnswer::of(std::move(results));
  if (!poll || !answer.anyApplied()) return respond(releaseAnswer(answer));
  auto released = std::make_shared<ReleaseAnswer>(std::move(answer));
  try {
    engine.poll(*poll, [&engine, released, respond](std::vector<PolledTask> tasks) {
      std::function<void()> undelivered = returnOnLoss(engine, tasks);
      released->tasks = std::move(tasks);
      HttpResponse response = releaseAnswer(*released);
      response.undelivered = std::move(undelivered);
      respond(std::move(response));
    });
  } catch (const Error&) {
    // A poll the engine cannot take now (a limit): the release itself succeeded.
    respond(releaseAnswer(*released));
  }
}

}  // namespace

std::vector<RestApi::Route> RestApi::Resources::tasks() {
  return {
      route("POST", "/api/v1/tasks/poll",
            [](RestApi& api, const HttpRequest& request, const PathParams&, Responder respond) {
              const PollRequest poll = parseBody(request).get<PollRequest>();
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
              ReleaseRequest release = parseRelease(request);
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
                                   respond](std::vector<ReleaseResult> results) mutable {
                auto answer = [&engine, poll = std::move(poll), respond,
                               results = std::move(results)]() mutable {
                  answerRelease(engine, std::move(poll), std::move(results), respond);
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
      route("GET", "/api/v1/tasks/{id}",
            [](RestApi& api, const HttpRequest& request, const PathParams& params,
               Responder respond) {
              const Uuid id = uuidParam(params[0], "task");
              // The store knows every task an answer acknowledged, and its process.
              std::optional<TaskRow> row = api.engine_.store().findTask(id);
              if (!row) throw Error(ErrorCode::NotFound, "no task " + quoteInput(params[0]));
              const int partition = api.engine_.partitionOf(row->processId);
              if (auto owner = api.ownerElsewhere(request, partition)) {
                return api.relay(*owner, request, std::move(respond));
              }
              auto process = api.engine_.process(row->processId);
              auto tasks = api.engine_.processTasks(row->processId);
              std::optional<Json> record;
              if (process && tasks) record = taskRecordJson(*tasks, id, *process);
              if (!record) throw Error(ErrorCode::NotFound, "no task " + quoteInput(params[0]));
              respond(jsonResponse(200, *record));
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

#include "pledge/poll_request.h"

#include <fmt/format.h>

#include <limits>

#include "pledge/limits.h"
#include "pledge/task_spec.h"
#include "pledge/text.h"

namespace pledge {

void to_json(Json& out, const QueueSelector& queue) {
  out = Json{{"actor", queue.actor}, {"taskList", queue.taskList}};
}

void from_json(const Json& in, QueueSelector& queue) {
  rejectUnknownFields(in, {"actor", "taskList"});
  QueueSelector result;
  result.actor = readField(in, "actor", readActorId);
  result.taskList = readOptionalField(in, "taskList", readTaskList).value_or("");
  queue = std::move(result);
}

void to_json(Json& out, const PollRequest& poll) {
  Json actors = Json::array();
  for (const QueueSelector& queue : poll.queues) actors.push_back(queue);
  out = Json{{"worker", poll.worker},
             {"actors", std::move(actors)},
             {"max", poll.max},
             {"waitMs", poll.waitMs}};
}

void from_json(const Json& in, PollRequest& poll) {
  rejectUnknownFields(in, {"worker", "actors", "max", "waitMs"});
  PollRequest result;
  result.worker = readOptionalField(in, "worker", [](const Json& value) {
                    std::string worker = readString(value);
                    if (auto problem = checkName(worker, limits::kMaxNameBytes, true)) {
                      throw JsonError(*problem);
                    }
                    return worker;
                  }).value_or("");
  const Json& actors = requireField(in, "actors");
  atField("actors", [&] {
    requireArrayOfAtMost(actors, limits::kMaxQueuesPerPoll);
    for (std::size_t i = 0; i < actors.size(); ++i) {
      result.queues.push_back(atIndex(i, [&] { return actors[i].get<QueueSelector>(); }));
    }
  });
  const std::int64_t max = readOptionalField(in, "max", readInt).value_or(1);
  // Only a number past int must be refused here (it must not wrap into the range); the range
  // itself is the node's (Engine::checkPoll), 1 to 1000 by default, which the message states.
  if (max < 1 || max > std::numeric_limits<int>::max()) {
    failAtField("max", fmt::format("must be 1 to 1000, got {}", max));
  }
  result.max = static_cast<int>(max);
  result.waitMs = readOptionalField(in, "waitMs", readInt).value_or(0);
  poll = std::move(result);
}

}  // namespace pledge

// PollRequest: what a runner asks of POST /api/v1/tasks/poll, and the "poll" of a release: up to
// max tasks of the given queues, waiting up to waitMs for the first. One description for the
// client that writes it and the server that reads it.
//
// Wire form (keys in the order Json::dump writes them):
//   {"actors":[{"actor":"MailService#1.0","taskList":""}],"max":16,"waitMs":5000,"worker":"h:42"}
//
//   PollRequest poll{.worker = "h:42", .queues = {{"MailService#1.0", ""}}, .max = 16};
//   std::string body = toJsonText(poll);                 // json_writer.h; == Json(poll).dump()
//   PollRequest back = parseJson(body).get<PollRequest>();
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pledge/json.h"

namespace pledge {

// One queue: an actor ("Name#version") and one of its task lists ("" is the default list).
// A plain value; copyable, compared by value.
struct QueueSelector {
  std::string actor;
  std::string taskList;

  bool operator==(const QueueSelector&) const = default;
};

// A plain value; copyable, compared by value.
struct PollRequest {
  // Who polls, as GET /api/v1/actors lists it; "" for anonymous.
  std::string worker;
  // "actors" on the wire.
  std::vector<QueueSelector> queues;
  int max = 1;
  std::int64_t waitMs = 0;

  bool operator==(const PollRequest&) const = default;
};

// Strict, as the server reads a poll: unknown fields, an actor that is not "Name#version", a
// worker or task list that is no name (text.h), more than limits::kMaxQueuesPerPoll queues and a
// max below 1 or past int throw JsonError naming the field. The ranges of max and waitMs a node
// allows are its own (the server's Engine::checkPoll).
void to_json(Json& out, const QueueSelector& queue);
void from_json(const Json& in, QueueSelector& queue);
void to_json(Json& out, const PollRequest& poll);
void from_json(const Json& in, PollRequest& poll);

}  // namespace pledge

// JSON text of the wire model written straight into a string, without building a Json tree:
// for the hot paths (a runner's releases and polls, the server's poll and release answers and
// stored task specs), where building and destroying the tree cost more than the rest of the
// request.
//
//   std::string body = pledge::toJsonText(ReleaseRequest{decisions, poll});
//   std::string spec = pledge::toJsonText(taskSpec);   // == pledge::Json(taskSpec).dump()
//
// The text is byte for byte what Json(value).dump() writes (keys in the same order, numbers and
// escapes alike), so either may be used anywhere; json_writer_test holds both to it. A string
// that is not valid UTF-8 throws like dump() does.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "pledge/decision.h"
#include "pledge/json.h"
#include "pledge/poll_request.h"
#include "pledge/polled_task.h"
#include "pledge/release.h"
#include "pledge/task_spec.h"

namespace pledge {

void appendJsonString(std::string& out, std::string_view text);
void appendJson(std::string& out, const Json& value);
void appendJson(std::string& out, const Uuid& id);
void appendJson(std::string& out, const TaskError& error);
void appendJson(std::string& out, const RetryPolicy& policy);
void appendJson(std::string& out, const CallOptions& options);
void appendJson(std::string& out, const ArgSpec& arg);
void appendJson(std::string& out, const TaskSpec& task);
void appendJson(std::string& out, const Decision& decision);
void appendJson(std::string& out, const ArgValue& arg);
void appendJson(std::string& out, const PolledTask& task);
void appendJson(std::string& out, const QueueSelector& queue);
void appendJson(std::string& out, const PollRequest& poll);
// An error as the inner object of the REST error object: {"code":"...","message":"..."}; like
// errorObjectText (json.h), broken UTF-8 in the message becomes U+FFFD instead of throwing.
void appendJson(std::string& out, const Error& error);
void appendJson(std::string& out, const ReleaseResult& result);
void appendJson(std::string& out, const ReleaseRequest& request);
void appendJson(std::string& out, const ReleaseAnswer& answer);
// A release request of decisions held elsewhere, written without copying them: the text of
// appendJson(ReleaseRequest{.decisions = <*decisions>, .poll = <*poll>}), poll null for none.
void appendReleaseRequest(std::string& out, const std::vector<const Decision*>& decisions,
                          const PollRequest* poll = nullptr);

// [a,b,...]: each item as appendJson writes it (strings as appendJsonString); items may also be
// pointers to the values.
template <typename Item>
void appendJsonArray(std::string& out, const std::vector<Item>& items) {
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    if constexpr (std::is_same_v<Item, std::string>) {
      appendJsonString(out, items[i]);
    } else if constexpr (std::is_pointer_v<Item>) {
      appendJson(out, *items[i]);
    } else {
      appendJson(out, items[i]);
    }
  }
  out.push_back(']');
}

template <typename T>
std::string toJsonText(const T& value) {
  std::string out;
  appendJson(out, value);
  return out;
}

}  // namespace pledge

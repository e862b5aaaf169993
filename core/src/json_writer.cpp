#include "pledge/json_writer.h"

#include <charconv>

#include "pledge/text.h"

namespace pledge {
namespace {

// nlohmann's own serializer appending to out: for what this file does not write itself (floats,
// objects and arrays of user values, non-ASCII strings), so the text stays dump()'s.
void appendWithLibrary(std::string& out, const Json& value) {
  nlohmann::detail::serializer<Json> serializer(
      nlohmann::detail::output_adapter<char, std::string>(out), ' ');
  serializer.dump(value, false, false, 0);
}

template <typename Integer>
void appendInteger(std::string& out, Integer value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, end);
}

// ,"key": — keys are literals of this file, written as they are.
void appendKey(std::string& out, bool& first, std::string_view key) {
  if (!first) out.push_back(',');
  first = false;
  out.push_back('"');
  out.append(key);
  out.append("\":");
}

// A ReleaseRequest of decisions (values, or pointers to them); the one writer of its text.
template <typename Decisions>
void appendRelease(std::string& out, const Decisions& decisions, const PollRequest* poll) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "decisions");
  appendJsonArray(out, decisions);
  if (poll != nullptr) {
    appendKey(out, first, "poll");
    appendJson(out, *poll);
  }
  out.push_back('}');
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      // dump() validates UTF-8 (and throws on a broken sequence): leave such strings to it.
      appendWithLibrary(out, Json(text));
      return;
    }
  }
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[(c >> 4) & 0xF]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void appendJson(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: out.append("null"); break;
    case Json::value_t::boolean: out.append(value.get<bool>() ? "true" : "false"); break;
    case Json::value_t::number_integer: appendInteger(out, value.get<std::int64_t>()); break;
    case Json::value_t::number_unsigned: appendInteger(out, value.get<std::uint64_t>()); break;
    case Json::value_t::string: appendJsonString(out, value.get_ref<const std::string&>()); break;
    default: appendWithLibrary(out, value);
  }
}

void appendJson(std::string& out, const Uuid& id) {
  out.push_back('"');
  id.appendTo(out);
  out.push_back('"');
}

// Keys of every object below are written in std::map order, as Json objects hold them.

void appendJson(std::string& out, const TaskError& error) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "message");
  appendJsonString(out, error.message());
  if (!error.retryable()) {
    appendKey(out, first, "retryable");
    out.append("false");
  }
  appendKey(out, first, "type");
  appendJsonString(out, error.type());
  out.push_back('}');
}

void appendJson(std::string& out, const RetryPolicy& policy) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "initialMs");
  appendInteger(out, policy.initialMs);
  appendKey(out, first, "maxAttempts");
  appendInteger(out, policy.maxAttempts);
  appendKey(out, first, "maxMs");
  appendInteger(out, policy.maxMs);
  appendKey(out, first, "multiplier");
  appendWithLibrary(out, Json(policy.multiplier));
  if (!policy.nonRetryable.empty()) {
    appendKey(out, first, "nonRetryable");
    appendJsonArray(out, policy.nonRetryable);
  }
  appendKey(out, first, "policy");
  appendJsonString(out, retryKindName(policy.kind));
  out.push_back('}');
}

void appendJson(std::string& out, const CallOptions& options) {
  bool first = true;
  out.push_back('{');
  if (options.priority) {
    appendKey(out, first, "priority");
    appendInteger(out, *options.priority);
  }
  if (options.retry) {
    appendKey(out, first, "retry");
    appendJson(out, *options.retry);
  }
  if (options.scheduleToStartMs) {
    appendKey(out, first, "scheduleToStartMs");
    appendInteger(out, *options.scheduleToStartMs);
  }
  if (options.startTime) {
    appendKey(out, first, "startTime");
    appendInteger(out, *options.startTime);
  }
  if (options.taskList) {
    appendKey(out, first, "taskList");
    appendJsonString(out, *options.taskList);
  }
  if (options.timeoutMs) {
    appendKey(out, first, "timeoutMs");
    appendInteger(out, *options.timeoutMs);
  }
  out.push_back('}');
}

void appendJson(std::string& out, const ArgSpec& arg) {
  bool first = true;
  out.push_back('{');
  switch (arg.kind) {
    case ArgSpec::Kind::Value:
      appendKey(out, first, "value");
      appendJson(out, arg.value);
      break;
    case ArgSpec::Kind::Promise: {
      const AcceptFail& acceptFail = arg.flags.acceptFail;
      if (acceptFail.enabled()) {
        appendKey(out, first, "acceptFail");
        if (acceptFail.anyType) {
          out.append("true");
        } else {
          appendJsonArray(out, acceptFail.types);
        }
      }
      if (arg.flags.noWait) {
        appendKey(out, first, "noWait");
        out.append("true");
      }
      appendKey(out, first, "promise");
      appendJson(out, arg.promise);
      break;
    }
    case ArgSpec::Kind::List:
      appendKey(out, first, "list");
      appendJsonArray(out, arg.list);
      break;
  }
  out.push_back('}');
}

void appendJson(std::string& out, const TaskSpec& task) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "actor");
  appendJsonString(out, task.actor);
  appendKey(out, first, "args");
  appendJsonArray(out, task.args);
  appendKey(out, first, "method");
  appendJsonString(out, task.method);
  appendKey(out, first, "options");
  appendJson(out, task.options);
  if (task.processDeadline) {
    appendKey(out, first, "processDeadline");
    appendInteger(out, *task.processDeadline);
  }
  appendKey(out, first, "taskId");
  appendJson(out, task.taskId);
  appendKey(out, first, "type");
  appendJsonString(out, taskTypeName(task.type));
  out.push_back('}');
}

void appendJson(std::string& out, const Decision& decision) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "attempt");
  appendInteger(out, decision.attempt);
  if (decision.error) {
    appendKey(out, first, "error");
    appendJson(out, *decision.error);
  }
  if (decision.processId) {
    appendKey(out, first, "processId");
    appendJson(out, *decision.processId);
  }
  if (!decision.error && decision.promise) {
    appendKey(out, first, "promise");
    appendJson(out, *decision.promise);
  }
  if (!decision.error && !decision.promise) {
    appendKey(out, first, "result");
    appendJson(out, decision.result);
  }
  appendKey(out, first, "taskId");
  appendJson(out, decision.taskId);
  appendKey(out, first, "tasks");
  appendJsonArray(out, decision.tasks);
  out.push_back('}');
}

void appendJson(std::string& out, const ArgValue& arg) {
  bool first = true;
  out.push_back('{');
  switch (arg.kind) {
    case ArgValue::Kind::Value:
      appendKey(out, first, "value");
      appendJson(out, arg.value);
      break;
    case ArgValue::Kind::Failed:
      appendKey(out, first, "failed");
      appendJson(out, arg.failure);
      break;
    case ArgValue::Kind::Promise:
      appendKey(out, first, "promise");
      appendJson(out, arg.promise);
      break;
    case ArgValue::Kind::List:
      appendKey(out, first, "list");
      appendJsonArray(out, arg.list);
      break;
  }
  out.push_back('}');
}

void appendJson(std::string& out, const PolledTask& task) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "actor");
  appendJsonString(out, task.actor);
  appendKey(out, first, "args");
  appendJsonArray(out, task.args);
  appendKey(out, first, "attempt");
  appendInteger(out, task.attempt);
  appendKey(out, first, "method");
  appendJsonString(out, task.method);
  appendKey(out, first, "processId");
  appendJson(out, task.processId);
  appendKey(out, first, "taskId");
  appendJson(out, task.taskId);
  appendKey(out, first, "timeoutMs");
  appendInteger(out, task.timeoutMs);
  appendKey(out, first, "type");
  appendJsonString(out, taskTypeName(task.type));
  out.push_back('}');
}

void appendJson(std::string& out, const QueueSelector& queue) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "actor");
  appendJsonString(out, queue.actor);
  appendKey(out, first, "taskList");
  appendJsonString(out, queue.taskList);
  out.push_back('}');
}

void appendJson(std::string& out, const PollRequest& poll) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "actors");
  appendJsonArray(out, poll.queues);
  appendKey(out, first, "max");
  appendInteger(out, poll.max);
  appendKey(out, first, "waitMs");
  appendInteger(out, poll.waitMs);
  appendKey(out, first, "worker");
  appendJsonString(out, poll.worker);
  out.push_back('}');
}

void appendJson(std::string& out, const Error& error) {
  bool first = true;
  out.push_back('{');
  appendKey(out, first, "code");
  appendJsonString(out, errorCodeName(error.code()));
  appendKey(out, first, "message");
  appendJsonString(out, toValidUtf8(error.message()));
  out.push_back('}');
}

void appendJson(std::string& out, const ReleaseResult& result) {
  bool first = true;
  out.push_back('{');
  if (result.error) {
    appendKey(out, first, "error");
    appendJson(out, *result.error);
  }
  appendKey(out, first, "status");
  appendJsonString(out, releaseStatusName(result.status));
  appendKey(out, first, "taskId");
  appendJson(out, result.taskId);
  out.push_back('}');
}

void appendJson(std::string& out, const ReleaseRequest& request) {
  appendRelease(out, request.decisions, request.poll ? &*request.poll : nullptr);
}

void appendReleaseRequest(std::string& out, const std::vector<const Decision*>& decisions,
                          const PollRequest* poll) {
  appendRelease(out, decisions, poll);
}

void appendJson(std::string& out, const ReleaseAnswer& answer) {
  bool first = true;
  out.push_back('{');
  if (answer.error) {
    appendKey(out, first, "error");
    appendJson(out, *answer.error);
  }
  appendKey(out, first, "results");
  appendJsonArray(out, answer.results);
  if (answer.tasks) {
    appendKey(out, first, "tasks");
    appendJsonArray(out, *answer.tasks);
  }
  out.push_back('}');
}

}  // namespace pledge

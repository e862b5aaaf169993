#include "pledge/json_reader.h"

#include <simdjson.h>

#include <initializer_list>
#include <limits>
#include <new>

#include "pledge/limits.h"

namespace pledge {
namespace {

using Element = simdjson::dom::element;
using simdjson::dom::element_type;

// Thrown inside this file when the text is not one the fast path takes; never leaves it.
struct Decline {};

// The fields of one object by name, each at most once; any other name declines.
template <std::size_t N>
struct Fields {
  std::array<std::string_view, N> names;
  std::array<Element, N> values{};
  std::array<bool, N> present{};

  Fields(Element element, const std::array<std::string_view, N>& known) : names(known) {
    simdjson::dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) throw Decline{};
    for (auto field : object) {
      std::size_t i = 0;
      while (i < N && names[i] != field.key) ++i;
      if (i == N || present[i]) throw Decline{};
      present[i] = true;
      values[i] = field.value;
    }
  }

  bool has(std::size_t i) const { return present[i]; }
  // Present and not null (the strict decoders read a null optional field as absent).
  bool given(std::size_t i) const { return present[i] && !values[i].is_null(); }
  Element operator[](std::size_t i) const { return values[i]; }
  std::size_t count() const {
    std::size_t n = 0;
    for (bool p : present) n += p ? 1 : 0;
    return n;
  }
};

std::string_view stringOf(Element element) {
  std::string_view text;
  if (element.get_string().get(text) != simdjson::SUCCESS) throw Decline{};
  return text;
}

std::int64_t integerOf(Element element) {
  // simdjson reports an integer above INT64_MAX as uint64, which the strict decoders refuse.
  if (element.type() != element_type::INT64) throw Decline{};
  return element.get_int64().value_unsafe();
}

// An integer from min to max: epoch ms (startTime, processDeadline), durations (timeoutMs, ...).
std::int64_t integerIn(Element element, std::int64_t min, std::int64_t max) {
  const std::int64_t value = integerOf(element);
  if (value < min || value > max) throw Decline{};
  return value;
}

double numberOf(Element element) {
  switch (element.type()) {
    case element_type::INT64: return static_cast<double>(element.get_int64().value_unsafe());
    case element_type::UINT64: return static_cast<double>(element.get_uint64().value_unsafe());
    case element_type::DOUBLE: return element.get_double().value_unsafe();
    default: throw Decline{};
  }
}

bool boolOf(Element element) {
  bool value = false;
  if (element.get_bool().get(value) != simdjson::SUCCESS) throw Decline{};
  return value;
}

Uuid uuidOf(Element element) {
  std::optional<Uuid> id = Uuid::parse(stringOf(element));
  if (!id) throw Decline{};
  return *id;
}

TaskType taskTypeOf(Element element) {
  std::optional<TaskType> type = taskTypeFromName(stringOf(element));
  if (!type) throw Decline{};
  return *type;
}

// As nlohmann's parser builds it: non-negative integers unsigned, the last of duplicate keys.
Json jsonOf(Element element) {
  switch (element.type()) {
    case element_type::NULL_VALUE: return Json();
    case element_type::BOOL: return Json(element.get_bool().value_unsafe());
    case element_type::INT64: {
      const std::int64_t value = element.get_int64().value_unsafe();
      return value >= 0 ? Json(static_cast<std::uint64_t>(value)) : Json(value);
    }
    case element_type::UINT64: return Json(element.get_uint64().value_unsafe());
    case element_type::DOUBLE: return Json(element.get_double().value_unsafe());
    case element_type::STRING: return Json(std::string(element.get_string().value_unsafe()));
    case element_type::ARRAY: {
      // (value_unsafe() refers into the result object: keep it alive through the loop.)
      const simdjson::dom::array array = element.get_array().value_unsafe();
      Json items = Json::array();
      for (Element item : array) items.push_back(jsonOf(item));
      return items;
    }
    case element_type::OBJECT: {
      const simdjson::dom::object fields = element.get_object().value_unsafe();
      Json object = Json::object();
      for (auto field : fields) object[std::string(field.key)] = jsonOf(field.value);
      return object;
    }
  }
  throw Decline{};
}

template <typename T, typename Read>
std::vector<T> arrayOf(Element element, Read read,
                       std::size_t maxItems = std::numeric_limits<std::size_t>::max()) {
  simdjson::dom::array array;
  if (element.get_array().get(array) != simdjson::SUCCESS) throw Decline{};
  if (array.size() > maxItems) throw Decline{};
  std::vector<T> items;
  items.reserve(array.size());
  for (Element item : array) items.push_back(read(item));
  return items;
}

std::vector<std::string> errorTypesOf(Element element) {
  return arrayOf<std::string>(
      element,
      [](Element item) {
        std::string type(stringOf(item));
        if (checkErrorType(type)) throw Decline{};
        return type;
      },
      limits::kMaxErrorTypes);
}

// A string the check (a check* function) takes.
template <typename Check>
std::string checkedStringOf(Element element, Check check) {
  std::string text(stringOf(element));
  if (check(text)) throw Decline{};
  return text;
}

// ---- the wire types, each with the rules of its from_json -----------------------------------

TaskError taskErrorOf(Element element) {
  enum { kType, kMessage, kRetryable };
  Fields<3> f(element, {"type", "message", "retryable"});
  if (!f.has(kType)) throw Decline{};
  std::string type = checkedStringOf(f[kType], checkErrorType);
  std::string message =
      f.given(kMessage) ? checkedStringOf(f[kMessage], checkErrorMessage) : std::string();
  const bool retryable = f.given(kRetryable) ? boolOf(f[kRetryable]) : true;
  return TaskError(std::move(type), std::move(message), retryable);
}

RetryPolicy retryPolicyOf(Element element) {
  enum { kPolicy, kInitialMs, kMaxMs, kMultiplier, kMaxAttempts, kNonRetryable };
  Fields<6> f(element,
              {"policy", "initialMs", "maxMs", "multiplier", "maxAttempts", "nonRetryable"});
  RetryPolicy policy;
  if (!f.has(kPolicy)) throw Decline{};
  const std::string_view kind = stringOf(f[kPolicy]);
  bool known = false;
  for (RetryKind candidate :
       {RetryKind::None, RetryKind::Fixed, RetryKind::Linear, RetryKind::Exponential}) {
    if (retryKindName(candidate) == kind) {
      policy.kind = candidate;
      known = true;
    }
  }
  if (!known) throw Decline{};
  auto upTo = [&](std::size_t i, std::int64_t fallback, std::int64_t most) {
    if (!f.given(i)) return fallback;
    const std::int64_t number = integerOf(f[i]);
    if (number < 0 || number > most) throw Decline{};
    return number;
  };
  policy.initialMs = upTo(kInitialMs, policy.initialMs, limits::kMaxRetryDelayMs);
  policy.maxMs = upTo(kMaxMs, policy.maxMs, limits::kMaxRetryDelayMs);
  policy.maxAttempts =
      static_cast<int>(upTo(kMaxAttempts, policy.maxAttempts, limits::kMaxRetryAttempts));
  if (f.given(kMultiplier)) {
    policy.multiplier = numberOf(f[kMultiplier]);
    if (!(policy.multiplier >= 1.0 && policy.multiplier <= limits::kMaxRetryMultiplier)) {
      throw Decline{};
    }
  }
  if (f.given(kNonRetryable)) policy.nonRetryable = errorTypesOf(f[kNonRetryable]);
  return policy;
}

CallOptions callOptionsOf(Element element) {
  enum { kStartTime, kTaskList, kPriority, kTimeoutMs, kScheduleToStartMs, kRetry };
  Fields<6> f(element,
              {"startTime", "taskList", "priority", "timeoutMs", "scheduleToStartMs", "retry"});
  CallOptions options;
  if (f.given(kStartTime)) options.startTime = integerIn(f[kStartTime], 0, limits::kMaxEpochMs);
  if (f.given(kTaskList)) options.taskList = checkedStringOf(f[kTaskList], checkTaskList);
  if (f.given(kPriority)) {
    const std::int64_t priority = integerOf(f[kPriority]);
    if (priority < std::numeric_limits<int>::min() || priority > std::numeric_limits<int>::max()) {
      throw Decline{};
    }
    options.priority = static_cast<int>(priority);
  }
  if (f.given(kTimeoutMs)) options.timeoutMs = integerIn(f[kTimeoutMs], 1, limits::kMaxTimeoutMs);
  if (f.given(kScheduleToStartMs)) {
    options.scheduleToStartMs = integerIn(f[kScheduleToStartMs], 1, limits::kMaxTimeoutMs);
  }
  if (f.given(kRetry)) options.retry = retryPolicyOf(f[kRetry]);
  return options;
}

ArgSpec argSpecOf(Element element) {
  enum { kValue, kPromise, kNoWait, kAcceptFail, kList };
  Fields<5> f(element, {"value", "promise", "noWait", "acceptFail", "list"});
  const int forms = int{f.has(kValue)} + int{f.has(kPromise)} + int{f.has(kList)};
  if (forms != 1) throw Decline{};
  if (f.has(kValue) || f.has(kList)) {
    if (f.has(kNoWait) || f.has(kAcceptFail)) throw Decline{};
    if (f.has(kValue)) return ArgSpec::ofValue(jsonOf(f[kValue]));
    return ArgSpec::ofList(arrayOf<ArgSpec>(f[kList], argSpecOf, limits::kMaxListItems));
  }
  PromiseFlags flags;
  if (f.given(kNoWait)) flags.noWait = boolOf(f[kNoWait]);
  if (f.given(kAcceptFail)) {
    const Element acceptFail = f[kAcceptFail];
    if (acceptFail.is_bool()) {
      flags.acceptFail = acceptFail.get_bool().value_unsafe() ? AcceptFail::any() : AcceptFail{};
    } else {
      flags.acceptFail = AcceptFail::ofTypes(errorTypesOf(acceptFail));
    }
  }
  return ArgSpec::ofPromise(uuidOf(f[kPromise]), std::move(flags));
}

TaskSpec taskSpecOf(Element element) {
  enum { kTaskId, kActor, kMethod, kType, kArgs, kOptions, kProcessDeadline };
  Fields<7> f(element,
              {"taskId", "actor", "method", "type", "args", "options", "processDeadline"});
  if (!f.has(kTaskId) || !f.has(kActor) || !f.has(kMethod) || !f.has(kType)) throw Decline{};
  TaskSpec task;
  task.taskId = uuidOf(f[kTaskId]);
  task.actor = checkedStringOf(f[kActor], checkActorId);
  task.method = checkedStringOf(f[kMethod], checkMethodName);
  task.type = taskTypeOf(f[kType]);
  if (f.given(kArgs)) task.args = arrayOf<ArgSpec>(f[kArgs], argSpecOf, limits::kMaxArgsPerTask);
  if (f.given(kOptions)) task.options = callOptionsOf(f[kOptions]);
  if (f.given(kProcessDeadline)) {
    task.processDeadline = integerIn(f[kProcessDeadline], 0, limits::kMaxEpochMs);
  }
  return task;
}

Decision decisionOf(Element element) {
  enum { kTaskId, kProcessId, kAttempt, kResult, kPromise, kError, kTasks };
  Fields<7> f(element, {"taskId", "processId", "attempt", "result", "promise", "error", "tasks"});
  if (!f.has(kTaskId) || !f.has(kAttempt)) throw Decline{};
  Decision decision;
  decision.taskId = uuidOf(f[kTaskId]);
  if (f.given(kProcessId)) decision.processId = uuidOf(f[kProcessId]);
  const std::int64_t attempt = integerOf(f[kAttempt]);
  if (attempt < 1 || attempt > 1'000'000'000) throw Decline{};
  decision.attempt = static_cast<int>(attempt);
  if (int{f.has(kResult)} + int{f.has(kPromise)} + int{f.has(kError)} > 1) throw Decline{};
  if (f.has(kResult)) decision.result = jsonOf(f[kResult]);
  if (f.given(kPromise)) decision.promise = uuidOf(f[kPromise]);
  if (f.given(kError)) decision.error = taskErrorOf(f[kError]);
  if (f.given(kTasks)) {
    decision.tasks = arrayOf<TaskSpec>(f[kTasks], taskSpecOf, limits::kMaxTasksPerDecision);
  }
  if (decision.error && !decision.tasks.empty()) throw Decline{};
  return decision;
}

ArgValue argValueOf(Element element) {
  enum { kValue, kFailed, kPromise, kList };
  Fields<4> f(element, {"value", "failed", "promise", "list"});
  if (f.count() != 1) throw Decline{};
  if (f.has(kValue)) return ArgValue::ofValue(jsonOf(f[kValue]));
  if (f.has(kFailed)) return ArgValue::ofFailure(taskErrorOf(f[kFailed]));
  if (f.has(kPromise)) return ArgValue::ofPromise(uuidOf(f[kPromise]));
  return ArgValue::ofList(arrayOf<ArgValue>(f[kList], argValueOf));
}

PolledTask polledTaskOf(Element element) {
  enum { kTaskId, kProcessId, kActor, kMethod, kType, kAttempt, kTimeoutMs, kArgs };
  Fields<8> f(element,
              {"taskId", "processId", "actor", "method", "type", "attempt", "timeoutMs", "args"});
  for (std::size_t required : {kTaskId, kProcessId, kActor, kMethod, kType, kAttempt, kArgs}) {
    if (!f.has(required)) throw Decline{};
  }
  PolledTask task;
  task.taskId = uuidOf(f[kTaskId]);
  task.processId = uuidOf(f[kProcessId]);
  task.actor = std::string(stringOf(f[kActor]));
  task.method = std::string(stringOf(f[kMethod]));
  task.type = taskTypeOf(f[kType]);
  task.attempt = static_cast<int>(integerOf(f[kAttempt]));
  if (f.given(kTimeoutMs)) task.timeoutMs = integerOf(f[kTimeoutMs]);
  task.args = arrayOf<ArgValue>(f[kArgs], argValueOf);
  return task;
}

// This thread's parser for the JSON depth limit in force (limits::enforced()), with the limit as
// its max_depth. simdjson counts an empty innermost array or object as no level, so it takes
// every document within the limit except one whose deepest level is a non-empty container at
// exactly the limit (the strict decoders take that one), and refuses every deeper document.
// Growing the parser for a larger document keeps its max_depth.
simdjson::dom::parser& depthLimitedParser() {
  auto make = [](std::size_t limit) {
    simdjson::dom::parser parser;
    if (parser.allocate(4096, limit) != simdjson::SUCCESS) {  // (grows as documents need)
      throw std::bad_alloc();
    }
    return parser;
  };
  thread_local simdjson::dom::parser enforced = make(limits::kMaxJsonDepth);
  thread_local simdjson::dom::parser written = make(limits::kMaxWrittenJsonDepth);
  return limits::enforced() ? enforced : written;
}

// {"<listKey>": [T...], ...}: the list read with read, the other fields kept as Json.
template <typename T, typename Read>
std::optional<FastDocument<T>> readDocument(std::string_view text, std::string_view listKey,
                                            Read read) {
  // Deeper documents are the strict decoders' to refuse (with the limit in the message): the
  // parser refuses them itself, in the same pass (a separate scan for depth was ~5% of a runner).
  Element root;
  if (depthLimitedParser().parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  try {
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
    FastDocument<T> document;
    bool listSeen = false;
    for (auto field : object) {
      if (field.key == listKey) {
        if (listSeen) return std::nullopt;
        listSeen = true;
        document.items = arrayOf<T>(field.value, read);
      } else {
        std::string key(field.key);
        if (document.rest.contains(key)) return std::nullopt;
        document.rest[key] = jsonOf(field.value);
      }
    }
    if (!listSeen) return std::nullopt;
    return document;
  } catch (const Decline&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<FastDocument<Decision>> readDecisionsFast(std::string_view text,
                                                        std::string_view listKey) {
  return readDocument<Decision>(text, listKey, decisionOf);
}

std::optional<FastDocument<PolledTask>> readPolledTasksFast(std::string_view text,
                                                            std::string_view listKey) {
  return readDocument<PolledTask>(text, listKey, polledTaskOf);
}

std::optional<ReleaseRequest> readReleaseRequestFast(std::string_view text) {
  std::optional<FastDocument<Decision>> fast = readDecisionsFast(text);
  if (!fast) return std::nullopt;
  for (auto field = fast->rest.begin(); field != fast->rest.end(); ++field) {
    if (field.key() != "poll") return std::nullopt;
  }
  // Out of range: the strict decoders say so.
  if (fast->items.empty() || fast->items.size() > limits::kMaxDecisionsPerRelease) {
    return std::nullopt;
  }
  ReleaseRequest request;
  request.decisions = std::move(fast->items);
  if (const Json* poll = optionalField(fast->rest, "poll")) {
    try {
      request.poll = poll->get<PollRequest>();
    } catch (const Error&) {
      return std::nullopt;
    }
  }
  return request;
}

std::optional<ReleaseAnswer> readReleaseAnswerFast(std::string_view text) {
  std::optional<FastDocument<PolledTask>> fast = readPolledTasksFast(text);
  if (!fast) return std::nullopt;
  ReleaseAnswer answer;
  try {
    answer = fast->rest.get<ReleaseAnswer>();
  } catch (const Error&) {
    return std::nullopt;
  }
  answer.tasks = std::move(fast->items);
  return answer;
}

}  // namespace pledge

#include "pledge/rest_client.h"

#include <pplx/threadpool.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "pledge/json_reader.h"
#include "pledge/json_writer.h"
#include "pledge/limits.h"
#include "rest_client_state.h"
#include "rest_json.h"

namespace pledge {
namespace {

std::string defaultWorkerId() {
  char host[256] = {};
  gethostname(host, sizeof(host) - 1);
  return fmt::format("{}:{}", host[0] != '\0' ? host : "worker", getpid());
}

}  // namespace

RestClient::RestClient(std::vector<std::string> servers, RestClientOptions options)
    : state_(std::make_unique<State>()), options_(std::move(options)) {
  PLEDGE_REQUIRE(!servers.empty(), "name at least one server URL, e.g. http://127.0.0.1:8080");
  if (options_.workerId.empty()) options_.workerId = defaultWorkerId();
  state_->transport = TransportOptions{
      .timeout = options_.requestTimeout, .token = options_.token, .caFile = options_.caFile};
  for (std::string& server : servers) {
    server = trimSlash(server);
    PLEDGE_REQUIRE(server.starts_with("http://") || server.starts_with("https://"),
                   "server \"{}\" is not a URL like http://127.0.0.1:8080", server);
    try {
      state_->nodes.push_back(state_->makeNode(server));
    } catch (const std::exception& error) {
      throw Error(ErrorCode::BadRequest, fmt::format("server \"{}\": {}", server, error.what()));
    }
  }
  state_->configured = servers;
  state_->nextRefresh = Clock::now();
}

RestClient::~RestClient() = default;

void RestClient::setIoThreads(int threads) {
  static std::once_flag once;
  std::call_once(once, [threads] {
    try {
      crossplat::threadpool::initialize_with_threads(
          static_cast<std::size_t>(std::max(threads, 1)));
    } catch (const std::exception&) {
      // The pool already exists: keep it.
    }
  });
}

Json RestClient::call(const std::string& method, const std::string& path,
                      const std::optional<Json>& body) {
  auto [status, text] =
      exchange(method, path, body ? std::optional<std::string>(body->dump()) : std::nullopt);
  if (status >= 400) throw errorFromResponse(status, text);
  limits::Ignored written;  // by a server
  return text.empty() ? Json() : parseJson(text);
}

std::string RestClient::getText(const std::string& path) {
  auto [status, text] = exchange("GET", path, std::nullopt);
  if (status >= 400) throw errorFromResponse(status, text);
  return text;
}

namespace {

// The request with a requestId of its own, so that sending it again cannot start a second
// process (the server answers the first one's).
StartRequest withRequestId(const StartRequest& request) {
  StartRequest sent = request;
  if (!sent.options.requestId) sent.options.requestId = Uuid::random().toString();
  return sent;
}

}  // namespace

StartedProcess RestClient::start(const StartRequest& request) {
  const StartRequest sent = withRequestId(request);
  const std::optional<std::size_t> owner =
      ownerOfPartitionKey(sent.options.customId ? *sent.options.customId : *sent.options.requestId);
  const std::string body = Json(sent).dump();
  // A start whose answer was lost (a connection cut, a node gone) is sent again: its requestId
  // makes that safe.
  const auto giveUp = Clock::now() + options_.unavailableRetry;
  std::chrono::milliseconds pause{50};
  while (true) {
    try {
      auto [status, text] = exchange("POST", "/api/v1/processes", body, owner);
      if (status >= 400) throw errorFromResponse(status, text);
      limits::Ignored written;  // by a server
      return parseJson(text).get<StartedProcess>();
    } catch (const Error& error) {
      if (error.code() != ErrorCode::Unavailable || Clock::now() + pause > giveUp) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1'000));
  }
}

std::vector<Result<StartedProcess>> RestClient::startMany(
    const std::vector<StartRequest>& requests) {
  std::vector<StartRequest> sent;
  sent.reserve(requests.size());
  for (const StartRequest& request : requests) sent.push_back(withRequestId(request));
  std::vector<Result<StartedProcess>> results(requests.size(),
                                              Error(ErrorCode::Unavailable, "not sent"));
  // Indexes still to start: all at first, then those a node could not serve at the time (or
  // whose answer was lost: their requestIds make sending them again safe).
  std::vector<std::size_t> pending(requests.size());
  for (std::size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  const auto giveUp = Clock::now() + options_.unavailableRetry;
  std::chrono::milliseconds pause{50};
  learnNodesWhenDue();
  while (true) {
    // One request per owner node when the cluster's routes are known (no forwarding hop).
    std::vector<std::pair<std::optional<std::size_t>, std::vector<std::size_t>>> groups;
    for (std::size_t i : pending) {
      const StartOptions& options = sent[i].options;
      const std::optional<std::size_t> owner =
          ownerOfPartitionKey(options.customId ? *options.customId : *options.requestId);
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.first == owner; });
      if (group == groups.end()) group = groups.insert(groups.end(), {owner, {}});
      group->second.push_back(i);
    }
    std::vector<std::size_t> again;
    for (const auto& [owner, members] : groups) {
      std::string body = "{\"processes\":[";
      for (std::size_t i : members) {
        if (body.back() != '[') body.push_back(',');
        body += Json(sent[i]).dump();
      }
      body += "]}";
      Json answer;
      try {
        auto [status, text] = exchange("POST", "/api/v1/processes/batch", body, owner);
        if (status >= 400) throw errorFromResponse(status, text);
        limits::Ignored written;  // by a server
        answer = parseJson(text);
      } catch (const Error& error) {
        if (error.code() != ErrorCode::Unavailable) throw;
        for (std::size_t i : members) {
          results[i] = error;
          again.push_back(i);
        }
        continue;
      }
      const Json& entries = answer.at("results");
      for (std::size_t k = 0; k < members.size() && k < entries.size(); ++k) {
        const Json& entry = entries[k];
        if (entry.contains("error")) {
          Error error = errorFromObject(entry["error"]);
          if (error.code() == ErrorCode::Unavailable) again.push_back(members[k]);
          results[members[k]] = std::move(error);
        } else {
          results[members[k]] = entry.get<StartedProcess>();
        }
      }
    }
    if (again.empty() || Clock::now() + pause > giveUp) return results;
    std::sort(again.begin(), again.end());
    pending = std::move(again);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1'000));
  }
}

ProcessInfo RestClient::process(const Uuid& processId) {
  return call("GET", "/api/v1/processes/" + processId.toString()).get<ProcessInfo>();
}

ProcessInfo RestClient::waitResult(const Uuid& processId, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const std::int64_t waitMs = std::clamp<std::int64_t>(left.count(), 0, 60'000);
    ProcessInfo info = call("GET", fmt::format("/api/v1/processes/{}/result?waitMs={}",
                                               processId.toString(), waitMs))
                           .get<ProcessInfo>();
    if (info.state != ProcessState::Running || Clock::now() >= deadline) return info;
  }
}

Json RestClient::processTasks(const Uuid& processId) {
  return call("GET", "/api/v1/processes/" + processId.toString() + "/tasks");
}

Json RestClient::task(const Uuid& taskId) {
  return call("GET", "/api/v1/tasks/" + taskId.toString());
}

Json RestClient::listProcesses(const std::map<std::string, std::string>& query,
                               const std::vector<TagFilter>& tags) {
  std::string path = "/api/v1/processes";
  char separator = '?';
  for (const auto& [key, value] : query) {
    path += separator + urlEncode(key) + "=" + urlEncode(value);
    separator = '&';
  }
  for (const TagFilter& tag : tags) {
    path += separator + std::string("tag=") + urlEncode(tag.key + ":" + tag.value);
    separator = '&';
  }
  return call("GET", path);
}

ProcessInfo RestClient::restart(const Uuid& processId) {
  return call("POST", "/api/v1/processes/" + processId.toString() + "/restart").get<ProcessInfo>();
}

ProcessInfo RestClient::abort(const Uuid& processId) {
  return call("POST", "/api/v1/processes/" + processId.toString() + "/abort").get<ProcessInfo>();
}

ProcessInfo RestClient::pause(const Uuid& processId) {
  return call("POST", "/api/v1/processes/" + processId.toString() + "/pause").get<ProcessInfo>();
}

ProcessInfo RestClient::resume(const Uuid& processId) {
  return call("POST", "/api/v1/processes/" + processId.toString() + "/resume").get<ProcessInfo>();
}

EventDelivery RestClient::sendEvent(const Event& event) {
  return call("POST", "/api/v1/events", Json(event)).get<EventDelivery>();
}

EventDelivery RestClient::sendEvent(const Uuid& processId, const Event& event) {
  return call("POST", "/api/v1/processes/" + processId.toString() + "/events", Json(event))
      .get<EventDelivery>();
}

Json RestClient::keptEvents(const std::optional<std::string>& name, int limit) {
  std::string path = "/api/v1/events?limit=" + std::to_string(limit);
  if (name) path += "&name=" + urlEncode(*name);
  return call("GET", path).at("items");
}

Json RestClient::queues() { return call("GET", "/api/v1/queues"); }
Json RestClient::actors() { return call("GET", "/api/v1/actors"); }
Json RestClient::cluster() { return call("GET", "/api/v1/cluster"); }

Json RestClient::whoami() { return call("GET", "/api/v1/whoami"); }

Json RestClient::retention() { return call("GET", "/api/v1/retention"); }

Json RestClient::runRetention() { return call("POST", "/api/v1/retention/run"); }

Json RestClient::setBlocked(const std::string& actor, bool blocked) {
  return call("POST", "/api/v1/actors/" + urlEncode(actor) + (blocked ? "/block" : "/unblock"));
}

Json RestClient::limits() { return call("GET", "/api/v1/limits"); }

Json RestClient::setLimit(const Json& limit) {
  return call("PUT", "/api/v1/limits", std::optional<Json>(limit));
}

Json RestClient::clearLimit(const std::string& actor, const std::string& taskList) {
  return call("DELETE",
              "/api/v1/limits?actor=" + urlEncode(actor) + "&taskList=" + urlEncode(taskList));
}

PollRequest RestClient::pollRequest(const std::vector<QueueSelector>& queues, int max,
                                    std::chrono::milliseconds wait) const {
  return PollRequest{
      .worker = options_.workerId, .queues = queues, .max = max, .waitMs = wait.count()};
}

std::vector<PolledTask> RestClient::poll(const std::vector<QueueSelector>& queues, int max,
                                         std::chrono::milliseconds wait) {
  PollRequest request = pollRequest(queues, max, std::chrono::milliseconds(0));
  auto pollNode = [&](std::size_t node) {
    auto [status, text] = exchange("POST", "/api/v1/tasks/poll", toJsonText(request), node);
    if (status >= 400) throw errorFromResponse(status, text);
    limits::Ignored written;  // by a server
    if (auto fast = readPolledTasksFast(text)) return std::move(fast->items);
    return readField(parseJson(text), "tasks", readArray<PolledTask>);
  };
  // A long poll of one node must not keep this poller from tasks another node has ready.
  const std::size_t first = state_->roundRobin.fetch_add(1);
  std::size_t nodeCount = 0;
  {
    std::lock_guard lock(state_->mutex);
    nodeCount = state_->nodes.size();
  }
  if (nodeCount > 1 && wait.count() > 0) {
    for (std::size_t i = 0; i < nodeCount; ++i) {
      std::vector<PolledTask> tasks = pollNode(first + i);
      if (!tasks.empty()) return tasks;
    }
  }
  request.waitMs = wait.count();
  return pollNode(first);
}

std::vector<PolledTask> RestClient::pollAt(const std::string& url,
                                           const std::vector<QueueSelector>& queues, int max,
                                           std::chrono::milliseconds wait) {
  std::shared_ptr<State::Node> node;
  {
    std::lock_guard lock(state_->mutex);
    for (const auto& known : state_->nodes) {
      if (known->url == url) node = known;
    }
  }
  if (!node) {
    throw Error(ErrorCode::Unavailable,
                fmt::format("{} is no node of this cluster (any more)", url));
  }
  HttpAnswer answer;
  try {
    answer = node->transport->send("POST", "/api/v1/tasks/poll",
                                   toJsonText(pollRequest(queues, max, wait)));
  } catch (const std::exception& error) {
    state_->markDown(*node);
    throw Error(ErrorCode::Unavailable, fmt::format("cannot reach {}: {}", url, error.what()));
  }
  state_->markUp(*node);
  if (answer.status >= 400) throw errorFromResponse(answer.status, answer.body);
  limits::Ignored written;  // by a server
  if (auto fast = readPolledTasksFast(answer.body)) return std::move(fast->items);
  return readField(parseJson(answer.body), "tasks", readArray<PolledTask>);
}

std::vector<ReleaseOutcome> RestClient::release(const std::vector<Decision>& decisions) {
  return releaseWith(decisions, nullptr).results;
}

ReleaseAnswer RestClient::releaseAndPoll(const std::vector<Decision>& decisions,
                                         const std::vector<QueueSelector>& queues, int max) {
  const PollRequest poll = pollRequest(queues, max, std::chrono::milliseconds(0));
  return releaseWith(decisions, &poll);
}

ReleaseAnswer RestClient::releaseWith(const std::vector<Decision>& decisions,
                                      const PollRequest* poll) {
  // Straight to each process's owner when the cluster's routes are known (saves the hop of a
  // forward): one request per owner, and per kMaxDecisionsPerRelease decisions (a runner's
  // batch joins what its release leased to what its long polls brought, more than a request
  // may carry). The results come back in the order of `decisions`, which callers rely on.
  learnNodesWhenDue();
  std::vector<std::pair<std::optional<std::size_t>, std::vector<std::size_t>>> groups;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const std::optional<std::size_t> owner = ownerOf(decisions[i]);
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.first == owner && g.second.size() < limits::kMaxDecisionsPerRelease;
    });
    if (group == groups.end()) group = groups.insert(groups.end(), {owner, {}});
    group->second.push_back(i);
  }
  std::vector<ReleaseResult> results(decisions.size());
  std::optional<std::vector<PolledTask>> tasks;
  std::vector<const Decision*> members;
  for (const auto& [owner, indices] : groups) {
    members.clear();
    for (std::size_t i : indices) members.push_back(&decisions[i]);
    std::string body;
    appendReleaseRequest(body, members, &indices == &groups.front().second ? poll : nullptr);
    auto [status, text] = exchange("POST", "/api/v1/tasks/release", body, owner);
    limits::Ignored written;  // by a server
    // A release whose every decision was rejected answers 4xx with the results; an answer
    // without them is an error object (or no answer of the API at all).
    ReleaseAnswer answer;
    try {
      answer = parseReleaseAnswer(text);
    } catch (const Error&) {
      throw errorFromResponse(status, text);
    }
    if (answer.results.empty() && status >= 400) throw errorFromResponse(status, text);
    if (answer.results.size() != indices.size()) {
      throw Error(ErrorCode::Internal,
                  fmt::format("the server answered {} results to a release of {} decisions",
                              answer.results.size(), indices.size()));
    }
    for (std::size_t k = 0; k < indices.size(); ++k) {
      results[indices[k]] = std::move(answer.results[k]);
    }
    if (answer.tasks) tasks = std::move(answer.tasks);
  }
  return ReleaseAnswer::of(std::move(results), std::move(tasks));
}

std::optional<Error> RestClient::heartbeat(const Uuid& taskId, int attempt) {
  try {
    call("POST", "/api/v1/tasks/" + taskId.toString() + "/heartbeat", Json{{"attempt", attempt}});
  } catch (const Error& error) {
    if (error.code() == ErrorCode::Unavailable) throw;
    return error;
  }
  return std::nullopt;
}

}  // namespace pledge

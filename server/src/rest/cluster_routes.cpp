// The cluster's side of REST API v1: GET /api/v1/cluster, and the fan-out of requests over
// nodes: a batch of releases or starts split by owner with the answers merged in request order,
// a list (queues, actors) gathered from every live node.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "pledge/json_writer.h"
#include "pledge/limits.h"
#include "rest/routes.h"
#include "rest/views.h"

namespace pledge::server {
namespace {

// Answers of one batch split over nodes, merged in request order once all are in.
template <typename Item>
class Gather {
 public:
  Gather(std::size_t size, std::size_t parts, std::function<void(std::vector<Item>)> finish)
      : items_(size), pending_(parts), finish_(std::move(finish)) {}

  // Puts the answers of the items at these indexes; the last part finishes.
  void fill(const std::vector<std::size_t>& indexes, std::vector<Item> answers) {
    bool last = false;
    {
      std::lock_guard lock(mutex_);
      for (std::size_t i = 0; i < indexes.size(); ++i) items_[indexes[i]] = std::move(answers[i]);
      last = --pending_ == 0;
    }
    if (last) finish_(std::move(items_));
  }

 private:
  std::mutex mutex_;
  std::vector<Item> items_;
  std::size_t pending_;
  std::function<void(std::vector<Item>)> finish_;
};

// The per-item answers ("results") a node sent for a forwarded batch, or the error that stands
// for each of them.
Result<std::vector<Json>> forwardedItems(const Result<ForwardedResponse>& answer,
                                         std::size_t count) {
  Error error(ErrorCode::Unavailable, "no answer");
  limits::Ignored written;  // by another node
  if (answer.ok()) {
    try {
      Json body = parseJson(answer.value().body);
      if (body.contains("results") && body["results"].is_array() &&
          body["results"].size() == count) {
        return body["results"].get<std::vector<Json>>();
      }
      error = Error(
          ErrorCode::Unavailable,
          fmt::format("the owner answered {}: {}", answer.value().status, answer.value().body));
    } catch (const std::exception& parse) {
      error = Error(ErrorCode::Unavailable,
                    fmt::format("the owner answered {}", answer.value().status));
    }
  } else {
    error = answer.error();
  }
  return error;
}

// The results a node answered for the decisions forwarded to it (their task ids, in order): each
// one it did not answer readably is rejected with the reason.
std::vector<ReleaseResult> forwardedResults(const Result<ForwardedResponse>& answer,
                                            const std::vector<Uuid>& taskIds) {
  Result<std::vector<Json>> items = forwardedItems(answer, taskIds.size());
  std::vector<ReleaseResult> results;
  limits::Ignored written;  // by another node
  for (std::size_t k = 0; k < taskIds.size(); ++k) {
    ReleaseResult result{taskIds[k], ReleaseStatus::Rejected, std::nullopt};
    if (!items.ok()) {
      result.error = items.error();
    } else {
      try {
        Json item = std::move(items.value()[k]);
        if (item.is_object() && !item.contains("taskId")) item["taskId"] = taskIds[k];
        result = item.get<ReleaseResult>();
      } catch (const Error& unreadable) {
        result.error = Error(ErrorCode::Unavailable,
                             "the owner answered an unreadable result: " + unreadable.message());
      }
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace

std::vector<RestApi::Route> RestApi::Resources::cluster() {
  return {
      route("GET", "/api/v1/cluster",
            [](RestApi& api, const HttpRequest&, const PathParams&, Responder respond) {
              Json view = api.cluster_ != nullptr
                              ? api.cluster_->describe()
                              : describeLoneNode(api.options_.nodeName, api.options_.address,
                                                 api.engine_.partitions(), api.engine_.startedAt());
              // The memory budget is this node's own to tell (docs/operations.md).
              for (Json& node : view["nodes"]) {
                if (!node.value("self", false)) continue;
                node["memory"] = {
                    {"budgetBytes", api.engine_.options().memoryBudgetBytes},
                    {"estimateBytes", api.engine_.liveMemoryBytes()},
                    {"processesInMemory", api.engine_.processesInMemory()},
                    {"waitingForMemory", api.engine_.processesWaitingForMemory()}};
              }
              respond(jsonResponse(200, view));
            }),
  };
}

void RestApi::releaseAcrossNodes(const HttpRequest& request, std::vector<Decision> decisions,
                                 std::function<void(std::vector<ReleaseResult>)> done) {
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
  auto gather = std::make_shared<Gather<ReleaseResult>>(
      decisions.size(), remote.size() + (local.empty() ? 0 : 1), std::move(done));
  for (auto& [owner, members] : remote) {
    // (Named copies: a lambda may not capture a structured binding in clang 14.)
    const std::string address = owner;
    const std::vector<std::size_t> indexes = members;
    std::vector<const Decision*> forwarded;
    std::vector<Uuid> taskIds;
    for (std::size_t i : indexes) {
      forwarded.push_back(&decisions[i]);
      taskIds.push_back(decisions[i].taskId);
    }
    std::string part;
    appendReleaseRequest(part, forwarded);
    metrics_.requestForwarded("release");
    forwarder_->send(address, request.caller.name, "POST", "/api/v1/tasks/release",
                     std::move(part),
                     [gather, indexes, taskIds](Result<ForwardedResponse> answer) {
                       gather->fill(indexes, forwardedResults(answer, taskIds));
                     });
  }
  if (local.empty()) return;
  std::vector<Decision> mine;
  for (std::size_t i : local) mine.push_back(std::move(decisions[i]));
  engine_.release(
      mine,
      [gather, local](std::vector<ReleaseResult> results) {
        gather->fill(local, std::move(results));
      },
      actorFilter(request.caller));
}

void RestApi::startAcrossNodes(const HttpRequest& request, const Json& body,
                               std::vector<StartRequest> starts, Responder respond) {
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
  auto gather = std::make_shared<Gather<Json>>(
      starts.size(), remote.size() + (local.empty() ? 0 : 1), [respond](std::vector<Json> items) {
        respond(jsonResponse(200, {{"results", Json(std::move(items))}}));
      });
  for (auto& [owner, members] : remote) {
    const std::string address = owner;
    const std::vector<std::size_t> indexes = members;
    Json part = Json::array();
    for (std::size_t i : indexes) part.push_back(body["processes"][i]);
    metrics_.requestForwarded("start");
    forwarder_->send(
        address, request.caller.name, "POST", "/api/v1/processes/batch",
        Json{{"processes", std::move(part)}}.dump(),
        [gather, indexes](Result<ForwardedResponse> answer) {
          Result<std::vector<Json>> items = forwardedItems(answer, indexes.size());
          gather->fill(indexes,
                       items.ok() ? std::move(items.value())
                                  : std::vector<Json>(indexes.size(), errorObject(items.error())));
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
    gather->fill(local, std::move(items));
  });
}

void RestApi::gatherFromPeers(const HttpRequest& request, const std::string& path, Json local,
                              std::function<Json(std::vector<Json>)> merge, Responder respond) {
  std::vector<std::string> peers;
  if (clustered() && request.forwardedBy.empty() &&
      textQuery(request, "scope").value_or("") != "local") {
    peers = cluster_->peers();
  }
  if (peers.empty()) return respond(jsonResponse(200, merge({std::move(local)})));
  // One slot per node; a node that does not answer adds nothing.
  auto gather = std::make_shared<Gather<Json>>(
      peers.size() + 1, peers.size() + 1, [respond, merge](std::vector<Json> answers) {
        respond(jsonResponse(200, merge(std::move(answers))));
      });
  gather->fill({0}, {std::move(local)});
  for (std::size_t i = 0; i < peers.size(); ++i) {
    metrics_.requestForwarded("gather");
    forwarder_->send(peers[i], request.caller.name, "GET", path + "?scope=local", "",
                     [gather, i](Result<ForwardedResponse> answer) {
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

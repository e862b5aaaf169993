// RestClient: the client side of REST API v1, over keep-alive connections (Boost.Beast in the
// calling thread for http:// nodes, cpprestsdk's http_client for https://). Runners (ActorRunner)
// poll, release and heartbeat through it; starters and the pledge CLI start and inspect processes.
//
//   pledge::RestClient client({"http://127.0.0.1:8080"});
//   pledge::StartedProcess started = client.start(request);
//   pledge::ProcessInfo done = client.waitResult(started.processId, std::chrono::seconds(30));
//   auto tasks = client.poll({{"MailService#1.0", ""}}, 16, std::chrono::seconds(5));
//   pledge::WorkflowInfo greet = client.registerWorkflow(pledge::parseJson(definitionText));
//
// Nodes: the servers given, joined by every node GET /api/v1/cluster lists when it lists more
// than one. Starts go round robin over the nodes, or straight to the owner of their partition
// (releases too) once the cluster's partition owners are known; other calls go to the first
// node. Every call fails over to the next node when one cannot be reached, and a node that
// failed is skipped for a while (backoff). poll() asks every node from a rotating first one; a
// Poller (below) long-polls every node at once. Answers 503 (a partition moving between nodes)
// are asked again for a while, batch starts item by item. API errors are pledge::Error with the
// code of the server's error object; an unreachable cluster is Error(Unavailable) saying which
// URLs were tried. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pledge/decision.h"
#include "pledge/error.h"
#include "pledge/event.h"
#include "pledge/json.h"
#include "pledge/poll_request.h"
#include "pledge/polled_task.h"
#include "pledge/process_info.h"
#include "pledge/process_starter.h"
#include "pledge/release.h"
#include "pledge/result.h"
#include "pledge/schedule.h"

namespace pledge {

struct RestClientOptions {
  // Longest time one HTTP request may take (a long poll's wait included).
  std::chrono::milliseconds requestTimeout{90'000};
  // How long a call keeps asking again while the nodes answer 503 (a partition moving between
  // nodes, a node stopping); an unreachable cluster fails at once.
  std::chrono::milliseconds unavailableRetry{15'000};
  // How often the node list is read again from GET /api/v1/cluster.
  std::chrono::milliseconds clusterRefresh{5'000};
  // Who polls, as GET /api/v1/actors lists it; default "<host>:<pid>".
  std::string workerId;
  // An API token (pledge-server token create), sent as "Authorization: Bearer <token>"; empty
  // for a server without tokens. The tools read it from --token or PLEDGE_TOKEN.
  std::string token;
  // https://: a PEM file of the CA certificates to trust (a private CA); empty: the system's.
  std::string caFile;
};

// QueueSelector (an actor and a task list), ReleaseResult, ReleaseStatus and ReleaseAnswer are
// the wire model's (poll_request.h, release.h), shared with the server.

// The answer to one decision of a release: its task, status (ReleaseStatus::Accepted, Duplicate
// or Rejected; releaseStatusName gives the wire name) and, when rejected, the error.
using ReleaseOutcome = ReleaseResult;

// A workflow definition registered on the server (POST/GET /api/v1/workflows): a value.
// Processes of it start with the actor "workflow:NAME" (the latest version) or actor.
struct WorkflowInfo {
  std::string name;
  int version = 1;
  std::string actor;  // "workflow:NAME#VERSION"
  std::string description;
  int tasks = 0;  // how many tasks it defines, nested ones included
  std::int64_t createdAt = 0;  // epoch ms of its registration
  // registerWorkflow(): true when this call registered it, false when the same version held the
  // same definition already. Always false from workflows() and workflow().
  bool created = false;
  // The definition as registered (Conductor JSON); null from workflows().
  Json definition;

  bool operator==(const WorkflowInfo&) const = default;
};

void to_json(Json& out, const WorkflowInfo& info);
void from_json(const Json& in, WorkflowInfo& info);

// The answer to POST /api/v1/schedules/{id}/trigger: the process the trigger started, and its
// customId ("schedule:<id>@trigger:<epoch ms>").
struct ScheduleTrigger {
  Uuid processId;
  Uuid taskId;
  std::string customId;

  bool operator==(const ScheduleTrigger&) const = default;
};

void to_json(Json& out, const ScheduleTrigger& trigger);
void from_json(const Json& in, ScheduleTrigger& trigger);

class RestClient final : public ProcessStarter {
 public:
  // servers: base URLs like "http://127.0.0.1:8080". Throws Error(BadRequest) for none or a
  // malformed one.
  explicit RestClient(std::vector<std::string> servers, RestClientOptions options = {});
  ~RestClient() override;
  RestClient(const RestClient&) = delete;
  RestClient& operator=(const RestClient&) = delete;

  // Starts a process. A request without a requestId gets one, so that the start is sent again
  // when its answer was lost (and while nodes answer 503) without starting a second process; set
  // one yourself to make your own retries safe too. In a cluster it goes to the owner of its
  // key's partition.
  StartedProcess start(const StartRequest& request) override;
  // Starts up to 1000 processes in one request (one per owner node in a cluster), with
  // requestIds as start() does: per process its ids or the error that refused it.
  std::vector<Result<StartedProcess>> startMany(const std::vector<StartRequest>& requests);
  ProcessInfo process(const Uuid& processId);
  // Long-polls until the process is no longer running or timeout passed; returns it as it is.
  ProcessInfo waitResult(const Uuid& processId, std::chrono::milliseconds timeout);
  Json processTasks(const Uuid& processId);
  // GET /api/v1/tasks/{id}: the task, the input a poll hands it and the decision it made.
  Json task(const Uuid& taskId);
  // GET /api/v1/processes with the given query parameters, and a tag=KEY:VALUE per tag (only
  // processes with every one of them).
  Json listProcesses(const std::map<std::string, std::string>& query,
                     const std::vector<TagFilter>& tags = {});
  ProcessInfo restart(const Uuid& processId);
  ProcessInfo abort(const Uuid& processId);
  // Pause: no task of the process is handed out until resume (docs/operations.md).
  ProcessInfo pause(const Uuid& processId);
  ProcessInfo resume(const Uuid& processId);
  // Sends an event (POST /api/v1/events): it resolves every event task waiting for its name and
  // key, or, with none waiting, is kept for one to come. Give it an id to make sending it again
  // (after an error, say) safe: a repeat is answered as a duplicate and changes nothing.
  EventDelivery sendEvent(const Event& event);
  // Sends an event to one process only (POST /api/v1/processes/{id}/events); its key may be "".
  // Error(NotFound) when there is no such process.
  EventDelivery sendEvent(const Uuid& processId, const Event& event);
  // The events kept for a waiter to come (GET /api/v1/events), oldest first: the items.
  Json keptEvents(const std::optional<std::string>& name = std::nullopt, int limit = 100);
  Json queues();
  Json actors();
  Json setBlocked(const std::string& actor, bool blocked);
  // Limits per actor and task list (docs/operations.md, "Limits"): GET /api/v1/limits (the
  // items), PUT one ({"actor", "taskList", "maxRunning", "perSecond", "burst"}; Error(BadRequest)
  // naming a bad field), DELETE one (taskList "" : the actor's own); answers what the server did.
  Json limits();
  Json setLimit(const Json& limit);
  Json clearLimit(const std::string& actor, const std::string& taskList);
  Json cluster();
  // GET /api/v1/whoami: the token's name, role, actors and what it may do.
  Json whoami();
  // GET /api/v1/retention: this node's retention settings and counters (docs/operations.md).
  Json retention();
  // POST /api/v1/retention/run: a retention pass now (an admin token's call); what it deleted.
  // Error(Conflict) when the server runs without --retention.
  Json runRetention();

  // Registers a workflow definition (Conductor JSON; an admin token's call). Registering the
  // same definition again under its version changes nothing (created false). Error(BadRequest)
  // for a definition that does not hold together, its message "<JSON pointer>: <problem>";
  // Error(Conflict) when its version holds another definition (raise "version").
  WorkflowInfo registerWorkflow(const Json& definition);
  // Every registered version of every workflow, without their definitions.
  std::vector<WorkflowInfo> workflows();
  // One workflow with its definition: that version, or the latest. Error(NotFound) when none.
  WorkflowInfo workflow(const std::string& name, std::optional<int> version = std::nullopt);

  // Schedules (rest_client_schedules.cpp; docs/operations.md "Schedules"). Writes take an
  // operator or admin token. createSchedule sends the definition fields of schedule: the same
  // id with the same definition again answers the schedule as it is; Error(Conflict) when the id
  // holds another definition (replaceSchedule changes it, keeping its fire history).
  // Error(BadRequest) names the field ("cron", "timeZone", "start.actor", ...); Error(NotFound)
  // for an unknown id.
  Schedule createSchedule(const Schedule& schedule);
  Schedule replaceSchedule(const Schedule& schedule);
  // Every schedule, by id, with its fire state.
  std::vector<Schedule> schedules();
  // One schedule with its next fire times (upcoming) and latest fires (recent).
  Schedule schedule(const std::string& id);
  void deleteSchedule(const std::string& id);
  // A paused schedule starts no process on its rule (a trigger still does). Idempotent.
  Schedule pauseSchedule(const std::string& id);
  Schedule resumeSchedule(const std::string& id);
  // Starts the schedule's process now, whatever its pause and overlap.
  ScheduleTrigger triggerSchedule(const std::string& id);

  // Leases up to max tasks, waiting up to wait for the first. With several nodes, each holding
  // the tasks of its own partitions, it asks them all without waiting (from a rotating first
  // one) and long-polls one of them only when none had a task.
  std::vector<PolledTask> poll(const std::vector<QueueSelector>& queues, int max,
                               std::chrono::milliseconds wait);
  // Leases up to max tasks from the node at url only (no failover), waiting up to wait. Throws
  // Error(Unavailable) when it cannot be reached.
  std::vector<PolledTask> pollAt(const std::string& url, const std::vector<QueueSelector>& queues,
                                 int max, std::chrono::milliseconds wait);
  // Releases decisions: one outcome per decision, each naming its task. In a cluster, decisions
  // that carry their processId go straight to the owner of its partition. Throws
  // Error(Unavailable) when no node could be reached (releases are idempotent: the caller
  // retries).
  std::vector<ReleaseOutcome> release(const std::vector<Decision>& decisions);
  // Releases decisions as release() does and, in the same request, leases up to max tasks of
  // the queues that are ready once the decisions are durable, without waiting for more: a
  // runner's next batch without a poll of its own (a chain's next step among them). With several
  // nodes the tasks come from the node that took the first group of decisions; tasks is nullopt
  // when no poll ran (every decision refused, say). A caller that gets an error does not know
  // whether tasks were leased: it retries with release().
  ReleaseAnswer releaseAndPoll(const std::vector<Decision>& decisions,
                               const std::vector<QueueSelector>& queues, int max);
  // Extends a lease; the error when the server refused (NotFound, Conflict).
  std::optional<Error> heartbeat(const Uuid& taskId, int attempt);

  // Any API call: the parsed JSON answer, or pledge::Error. Body is sent when given.
  Json call(const std::string& method, const std::string& path,
            const std::optional<Json>& body = std::nullopt);
  // A GET whose answer is not JSON (GET /metrics): the body text, or pledge::Error.
  std::string getText(const std::string& path);
  // The nodes known now.
  std::vector<std::string> nodes();
  const std::string& workerId() const { return options_.workerId; }

  // Sizes the I/O thread pool every RestClient of the process shares for https:// nodes
  // (cpprestsdk's; 40 threads unless set; http:// requests run in the calling thread). Call
  // before the first client is made; later calls do nothing.
  static void setIoThreads(int threads);

 private:
  // Sends to the first node that answers, trying them from firstNode on (nullopt: the first one
  // configured, or round robin for starts, which spreads new processes over the nodes): its
  // status and body.
  std::pair<int, std::string> exchange(const std::string& method, const std::string& path,
                                       const std::optional<std::string>& body,
                                       std::optional<std::size_t> firstNode = std::nullopt);

  // Every clusterRefresh: asks a node for the cluster's nodes and partition owners (one node's
  // answer naming itself only leaves the configured nodes as they are).
  void learnNodesWhenDue();
  // Index of the node owning decision's process, when the cluster's routes are known.
  std::optional<std::size_t> ownerOf(const Decision& decision);
  // Index of the node owning the partition of a start's key (customId or requestId).
  std::optional<std::size_t> ownerOfPartitionKey(const std::string& key);
  // release() and releaseAndPoll(): poll, when given, rides along with the first group.
  ReleaseAnswer releaseWith(const std::vector<Decision>& decisions, const PollRequest* poll);
  // A poll of the queues by this client's worker.
  PollRequest pollRequest(const std::vector<QueueSelector>& queues, int max,
                          std::chrono::milliseconds wait) const;

  struct State;
  std::unique_ptr<State> state_;
  RestClientOptions options_;
};

// Poller: how one runner thread polls a cluster. Each node is long-polled at once by a thread of
// the poller's own, one poll in flight per node while fewer than max tasks wait in the poller, so
// a task ready on any node reaches a waiting runner at once (a long poll of one node no longer
// hides the others). Nothing leased is dropped: tasks that arrive while the runner is busy wait in
// the poller for its next take() or next(). With one node it polls that node from the calling
// thread, as RestClient::poll does.
//
//   Poller poller(client, {{"Adder#1.0", ""}}, 32, std::chrono::seconds(2));
//   std::vector<PolledTask> batch = poller.next();     // waits up to 2 s for the first task
//   ... run, release ...
//   batch = poller.take();                            // what arrived meanwhile, no wait
//   std::vector<PolledTask> last = poller.stop();      // polls end; run and release these too
//
// Thread-compatible: one thread calls next(), take() and stop(); destruction stops it (and drops
// what stop() would have returned: call stop() to run those tasks).
class Poller {
 public:
  Poller(RestClient& client, std::vector<QueueSelector> queues, int max,
         std::chrono::milliseconds wait);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  // The tasks that arrived, waiting up to wait for the first. Throws Error(Unavailable) when no
  // node could be reached (one node) or none answered within the wait (several).
  std::vector<PolledTask> next();
  // The tasks that arrived, without waiting.
  std::vector<PolledTask> take();
  // Ends the polls (those in flight are waited for) and returns every task they leased.
  std::vector<PolledTask> stop();
  // Changes the most tasks one poll leases (and the buffer holds), from the next poll on: an
  // adaptive pool's batch follows its in-flight limit.
  void setMax(int max);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace pledge

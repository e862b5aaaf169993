#include "pledge/server/workflow/workflow_runner.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

#include "pledge/event.h"
#include "pledge/limits.h"
#include "workflow/http_task.h"

namespace pledge::server::workflow {
namespace {

constexpr int kPollBatch = 32;
// Tasks polled and not yet released durably, per thread.
constexpr int kInHandPerThread = 16;

std::int64_t steadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const Json& argument(const PolledTask& task) {
  if (task.args.size() != 1 || task.args[0].kind != ArgValue::Kind::Value ||
      !task.args[0].value.is_object()) {
    throw TaskError("pledge.BadSystemTask",
                    fmt::format("{}.{} takes one object argument", task.actor, task.method),
                    false);
  }
  return task.args[0].value;
}

}  // namespace

WorkflowRunner::WorkflowRunner(Engine& engine, WorkflowRunnerOptions options)
    : engine_(engine), options_(std::move(options)), sandbox_(options_.scripts) {
  refreshActors();
  threads_.emplace_back([this] { pollLoop(); });
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { workLoop(); });
}

WorkflowRunner::~WorkflowRunner() { stop(); }

void WorkflowRunner::stop() {
  std::function<void()> cancel;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    cancel = std::move(cancelPoll_);
    changed_.notify_all();
  }
  if (cancel) cancel();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  // Releases in flight answer once their batch is committed (or failed): their callbacks use
  // this runner.
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, std::chrono::seconds(60), [&] { return inHand_ == 0; })) {
    spdlog::warn("workflows: {} releases still unanswered when stopping", inHand_);
  }
  threads_.clear();
}

// ---- definitions -------------------------------------------------------------------------

RegisteredWorkflow WorkflowRunner::registerWorkflow(const Json& source, std::int64_t now) {
  std::shared_ptr<const WorkflowDef> def = parseWorkflow(source);
  WorkflowRow row{.name = def->name,
                  .version = def->version,
                  .definition = dumpJson(source),
                  .createdAt = now};
  if (!engine_.store().putWorkflow(row)) {
    throw Error(ErrorCode::Conflict,
                fmt::format("workflow \"{}\" version {} is registered with another definition; "
                            "register the change as version {} or higher",
                            def->name, def->version, def->version + 1));
  }
  auto stored = findRegistered(def->name, def->version);
  PLEDGE_REQUIRE(stored.has_value(), "workflow {} vanished once stored", def->actor());
  stored->created = stored->createdAt == now;
  std::function<void()> cancel;
  {
    std::lock_guard lock(mutex_);
    if (std::find(actors_.begin(), actors_.end(), def->actor()) == actors_.end()) {
      actors_.push_back(def->actor());
      cancel = std::exchange(cancelPoll_, nullptr);
    }
  }
  if (cancel) cancel();  // the parked poll ends: the next one takes the new workflow too
  return *stored;
}

std::optional<RegisteredWorkflow> WorkflowRunner::findRegistered(const std::string& name,
                                                                 std::optional<int> version) {
  if (version) {
    std::lock_guard lock(cacheMutex_);
    auto found = cache_.find({name, *version});
    if (found != cache_.end()) return found->second;
  }
  std::optional<WorkflowRow> row = engine_.store().findWorkflow(name, version);
  if (!row) return std::nullopt;
  RegisteredWorkflow registered{.def = parseWorkflow(parseJson(row->definition)),
                                .createdAt = row->createdAt,
                                .created = false};
  std::lock_guard lock(cacheMutex_);
  return cache_.emplace(std::pair{row->name, row->version}, registered).first->second;
}

std::shared_ptr<const WorkflowDef> WorkflowRunner::find(const std::string& name,
                                                        std::optional<int> version) {
  auto registered = findRegistered(name, version);
  return registered ? registered->def : nullptr;
}

std::vector<WorkflowRow> WorkflowRunner::list() { return engine_.store().listWorkflows(); }

void WorkflowRunner::refreshActors() {
  std::vector<std::string> actors;
  try {
    for (const WorkflowRow& row : engine_.store().listWorkflows()) {
      actors.push_back(fmt::format("{}{}#{}", kWorkflowActorPrefix, row.name, row.version));
    }
  } catch (const std::exception& error) {
    spdlog::warn("workflows: cannot read the registered workflows: {}", error.what());
    return;
  }
  std::lock_guard lock(mutex_);
  actors_ = std::move(actors);
  refreshedAt_ = steadyMs();
}

std::vector<QueueSelector> WorkflowRunner::queues() {
  // Up to kMaxQueuesPerPoll queues per poll: with more workflows, each poll takes the next ones.
  std::vector<QueueSelector> out{{std::string(kSystemActor), ""}};
  const std::size_t room = limits::kMaxQueuesPerPoll - 1;
  if (actors_.size() <= room) {
    for (const std::string& actor : actors_) out.push_back({actor, ""});
    return out;
  }
  for (std::size_t i = 0; i < room; ++i) {
    out.push_back({actors_[(nextChunk_ + i) % actors_.size()], ""});
  }
  nextChunk_ = (nextChunk_ + room) % actors_.size();
  return out;
}

// ---- running -------------------------------------------------------------------------------

void WorkflowRunner::pollLoop() {
  const int capacity = options_.threads * kInHandPerThread;
  while (true) {
    if (steadyMs() - refreshedAt_ >= options_.refreshMs) refreshActors();
    PollRequest request;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || inHand_ < capacity; });
      if (stopping_) return;
      request = PollRequest{.worker = "pledge-server/workflows",
                            .queues = queues(),
                            .max = std::min(kPollBatch, capacity - inHand_),
                            .waitMs = options_.refreshMs};
      polling_ = true;
    }
    const std::int64_t startedAt = steadyMs();
    std::function<void()> cancel;
    try {
      cancel = engine_.poll(request, [this](std::vector<PolledTask> tasks) {
        std::lock_guard lock(mutex_);
        inHand_ += static_cast<int>(tasks.size());
        lastPolled_ = static_cast<int>(tasks.size());
        for (PolledTask& task : tasks) work_.push_back(std::move(task));
        polling_ = false;
        changed_.notify_all();
      });
    } catch (const std::exception& error) {
      spdlog::warn("workflows: poll refused: {}", error.what());
      std::lock_guard lock(mutex_);
      lastPolled_ = 0;
      polling_ = false;
    }
    std::unique_lock lock(mutex_);
    if (polling_ && cancel) cancelPoll_ = cancel;
    changed_.wait(lock, [&] { return stopping_ || !polling_; });
    cancelPoll_ = nullptr;
    if (stopping_) {
      lock.unlock();
      if (polling_ && cancel) cancel();
      return;
    }
    if (lastPolled_ == 0 && steadyMs() - startedAt < 20) {  // answered at once with nothing
      changed_.wait_for(lock, std::chrono::milliseconds(50), [&] { return stopping_; });
    }
  }
}

void WorkflowRunner::workLoop() {
  while (true) {
    PolledTask task;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return !work_.empty() || (stopping_ && !polling_); });
      if (work_.empty()) return;
      task = std::move(work_.front());
      work_.pop_front();
    }
    // Released without waiting for the commit: the thread goes on with the next task while
    // the group commit makes this one durable (the task stays in hand until then).
    Decision decision = decide(task);
    engine_.release({decision}, [this, actor = task.actor](std::vector<ReleaseResult> results) {
      for (const ReleaseResult& result : results) {
        if (result.error && result.error->code() != ErrorCode::Unavailable) {
          spdlog::warn("workflows: the decision of task {} ({}) was rejected: {}",
                       result.taskId.toString(), actor, result.error->message());
        }
      }
      std::lock_guard lock(mutex_);
      --inHand_;
      changed_.notify_all();
    });
  }
}

Decision WorkflowRunner::decide(const PolledTask& task) {
  Decision decision{.taskId = task.taskId, .processId = task.processId, .attempt = task.attempt};
  try {
    if (task.actor == kSystemActor) {
      decision.result = runSystemTask(task);
      return decision;
    }
    auto named = workflowOfActor(task.actor);
    auto def = named ? find(named->first, named->second) : nullptr;
    if (!def) {
      throw TaskError("pledge.UnknownWorkflow",
                      fmt::format("no workflow is registered as {}", task.actor), false);
    }
    StepServices services{
        .findWorkflow = [this](const std::string& name,
                               std::optional<int> version) { return find(name, version); },
        .javaScript = [this](const std::string& code,
                             const Json& input) {
          return sandbox_.evaluate(ScriptLanguage::JavaScript, code, input);
        },
        .now = wallMs()};
    return runStep(*def, task, services);
  } catch (const TaskError& error) {
    decision.error = error;
  } catch (const ScriptFailure& failure) {
    decision.error = TaskError(failure.type(), failure.what(), false);
  } catch (const std::exception& error) {
    decision.error = TaskError("pledge.WorkflowError", error.what(), false);
  }
  decision.result = nullptr;
  return decision;
}

Json WorkflowRunner::runSystemTask(const PolledTask& task) {
  const Json& arg = argument(task);
  if (task.method == "inline") {
    return {{"result", sandbox_.evaluate(ScriptLanguage::JavaScript,
                                         arg.at("expression").get<std::string>(),
                                         arg.value("input", Json::object()))}};
  }
  if (task.method == "jq") {
    Json all = sandbox_.evaluate(ScriptLanguage::Jq, arg.at("query").get<std::string>(),
                                 arg.value("input", Json::object()));
    Json first = all.empty() ? Json() : all[0];
    return {{"result", std::move(first)}, {"resultList", std::move(all)}};
  }
  if (task.method == "http") return runHttpTask(arg.value("request", Json::object()));
  if (task.method == "event") {
    Event event{.name = arg.at("name").get<std::string>(),
                .key = arg.at("key").get<std::string>(),
                .payload = arg.value("payload", Json()),
                .id = "workflow-event-" + task.taskId.toString(),
                .retentionMs = std::nullopt};
    std::promise<Result<EventDelivery>> sent;
    engine_.sendEvent(event, std::nullopt,
                      [&](Result<EventDelivery> delivery) { sent.set_value(std::move(delivery)); });
    Result<EventDelivery> delivery = sent.get_future().get();
    if (!delivery.ok()) throw TaskError("pledge.EventNotSent", delivery.error().message());
    return {{"name", event.name}, {"key", event.key}, {"resolved", delivery.value().resolved},
            {"kept", delivery.value().kept}};
  }
  throw TaskError("pledge.UnknownMethod",
                  fmt::format("{} has no method \"{}\"", kSystemActor, task.method), false);
}

}  // namespace pledge::server::workflow

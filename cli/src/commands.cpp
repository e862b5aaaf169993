#include "commands.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "pledge/cli/arguments.h"
#include "pledge/cli/process_view.h"
#include "pledge/cli/table.h"
#include "pledge/text.h"

namespace pledge::cli {
namespace {

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string field(const Json& value, const char* key) {
  auto it = value.find(key);
  if (it == value.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::int64_t integer(const Json& value, const char* key) {
  auto it = value.find(key);
  return it == value.end() || !it->is_number() ? 0 : it->get<std::int64_t>();
}

}  // namespace

Uuid processIdArgument(const std::string& text) {
  auto id = Uuid::parse(text);
  if (!id) {
    throw UsageError(fmt::format(
        "\"{}\" is not a process id (a UUID like 0193d4c2-9a4e-7b1c-8f00-1a2b3c4d5e6f)", text));
  }
  return *id;
}

std::vector<TagFilter> tagArguments(const std::vector<std::string>& texts) {
  std::vector<TagFilter> tags;
  for (const std::string& text : texts) {
    std::string problem;
    auto tag = parseTagArgument(text, problem);
    if (!tag) throw UsageError(fmt::format("--tag \"{}\": {}", quoteInput(text), problem));
    tags.push_back(std::move(*tag));
  }
  return tags;
}

int Commands::ps(const std::map<std::string, std::string>& query,
                 const std::vector<TagFilter>& tags, bool all) {
  Json items = Json::array();
  std::optional<std::string> next;
  std::map<std::string, std::string> page = query;
  do {
    Json answer = client_.listProcesses(page, tags);
    for (Json& item : answer.at("items")) items.push_back(std::move(item));
    next = answer.value("next", Json()).is_string()
               ? std::optional(answer["next"].get<std::string>())
               : std::nullopt;
    if (next) page["cursor"] = *next;
  } while (all && next);
  if (json_) {
    out_ << Json{{"items", items}, {"next", next ? Json(*next) : Json()}}.dump(2) << "\n";
    return kExitOk;
  }
  if (items.empty()) {
    out_ << "no processes match\n";
    return kExitOk;
  }
  // The TAGS column only when a process listed has tags.
  const bool anyTags = std::any_of(items.begin(), items.end(), [](const Json& item) {
    return !tagsText(item.value("tags", Json())).empty();
  });
  // The DEADLINE column only when a process listed has one.
  const bool anyDeadline = std::any_of(items.begin(), items.end(), [](const Json& item) {
    return integer(item, "deadline") > 0;
  });
  std::vector<std::string> columns{"PROCESS", "STATE",   "ACTOR", "METHOD",
                                   "CUSTOM ID", "STARTED", "TOOK"};
  if (anyDeadline) columns.push_back("DEADLINE");
  if (anyTags) columns.push_back("TAGS");
  Table table(columns);
  const std::int64_t now = nowMs();
  for (const Json& item : items) {
    const std::int64_t ended = integer(item, "endedAt");
    std::vector<std::string> row{
        field(item, "processId"),
        paintState(field(item, "state"), environment_.stdoutTerminal) +
            (item.value("paused", false) ? " (paused)" : ""),
        field(item, "actor"), field(item, "method"), field(item, "customId"),
        relativeTime(integer(item, "startedAt"), now),
        ended > 0 ? humanDuration(ended - integer(item, "startedAt")) : ""};
    if (anyDeadline) {
      const std::int64_t deadline = integer(item, "deadline");
      row.push_back(deadline > 0 ? relativeTime(deadline, now) : "");
    }
    if (anyTags) row.push_back(tagsText(item.value("tags", Json())));
    table.add(row);
  }
  out_ << table.render();
  if (next && !all) out_ << fmt::format("more: pledge ps --cursor {} (or --all)\n", *next);
  return kExitOk;
}

int Commands::show(const Uuid& id) {
  Json process = client_.call("GET", "/api/v1/processes/" + id.toString());
  Json tasks = client_.processTasks(id);
  if (json_) {
    out_ << Json{{"process", process}, {"tasks", tasks}}.dump(2) << "\n";
  } else {
    out_ << renderProcess(process, tasks,
                          RenderOptions{.colour = environment_.stdoutTerminal, .now = nowMs()});
  }
  return kExitOk;
}

int Commands::tasks(const Uuid& id) {
  Json tasks = client_.processTasks(id);
  if (json_) {
    out_ << tasks.dump(2) << "\n";
    return kExitOk;
  }
  Table table({"TASK", "METHOD", "TYPE", "ACTOR", "STATE", "ATTEMPTS", "RAN", "RESULT / ERROR"});
  for (const Json& task : tasks) {
    std::string outcome;
    if (task.contains("error") && task["error"].is_object()) {
      outcome = field(task["error"], "type") + ": " + field(task["error"], "message");
    } else if (task.contains("forwardTo") && task["forwardTo"].is_string()) {
      outcome = "= result of " + field(task, "forwardTo").substr(0, 8);
    } else if (field(task, "state") == "completed") {
      outcome = task.value("result", Json()).dump();
    }
    if (outcome.size() > 60) outcome = outcome.substr(0, 59) + "…";
    const std::int64_t startedAt = integer(task, "startedAt");
    const std::int64_t endedAt = integer(task, "endedAt");
    table.add({field(task, "taskId"), field(task, "method"), field(task, "type"),
               field(task, "actor"),
               paintState(field(task, "state"), environment_.stdoutTerminal),
               std::to_string(integer(task, "attempts")),
               startedAt > 0 && endedAt >= startedAt ? humanDuration(endedAt - startedAt) : "",
               outcome});
  }
  out_ << table.render();
  return kExitOk;
}

int Commands::result(const Uuid& id, int waitSeconds) {
  ProcessInfo info = waitSeconds > 0 ? client_.waitResult(id, std::chrono::seconds(waitSeconds))
                                     : client_.process(id);
  if (json_) {
    out_ << Json(info).dump(2) << "\n";
  } else if (info.state == ProcessState::Completed) {
    out_ << info.result.dump(2) << "\n";
  } else {
    out_ << "process is "
         << paintState(std::string(processStateName(info.state)), environment_.stdoutTerminal);
    if (info.error) out_ << ": " << info.error->type() << ": " << info.error->message();
    out_ << "\n";
  }
  return info.state == ProcessState::Completed ? kExitOk : kExitRefused;
}

int Commands::operate(const Uuid& id, std::string_view operation) {
  ProcessInfo info = operation == "restart" ? client_.restart(id)
                     : operation == "abort" ? client_.abort(id)
                     : operation == "pause" ? client_.pause(id)
                                            : client_.resume(id);
  if (json_) {
    out_ << Json(info).dump(2) << "\n";
  } else {
    out_ << fmt::format(
        "process {} is {}{}\n", id.toString(),
        paintState(std::string(processStateName(info.state)), environment_.stdoutTerminal),
        info.paused ? ", paused: no task of it is handed out until pledge resume" : "");
  }
  return kExitOk;
}

int Commands::queues() {
  Json queues = client_.queues();
  if (json_) {
    out_ << queues.dump(2) << "\n";
    return kExitOk;
  }
  if (queues.empty()) {
    out_ << "no queues: nothing has polled and nothing is waiting\n";
    return kExitOk;
  }
  Table table({"ACTOR", "TASK LIST", "READY", "RUNNING", "WAITING", "OLDEST READY", "LIMIT",
               "HELD"});
  for (const Json& queue : queues) {
    const Json& oldest = queue.value("oldestReadyMs", Json());
    const Json& limit = queue.value("limit", Json());
    std::string limited;
    if (limit.is_object()) {
      // An actor's limit counts the tasks of all its task lists.
      limited = limitText(limit) + (limit.value("taskList", "").empty() ? " (actor)" : "");
    }
    table.add({field(queue, "actor"),
               field(queue, "taskList").empty() ? "(default)" : field(queue, "taskList"),
               field(queue, "ready"), field(queue, "running"), field(queue, "waiting"),
               oldest.is_number() ? humanDuration(oldest.get<std::int64_t>()) : "", limited,
               integer(queue, "held") > 0 ? field(queue, "held") : ""});
  }
  out_ << table.render();
  return kExitOk;
}

int Commands::actors() {
  Json actors = client_.actors();
  if (json_) {
    out_ << actors.dump(2) << "\n";
    return kExitOk;
  }
  Table table(
      {"NAME", "VERSION", "BLOCKED", "LAST POLL", "POLLERS", "READY", "RUNNING", "WAITING"});
  const std::int64_t now = nowMs();
  for (const Json& actor : actors) {
    const std::string id = field(actor, "actor");
    const auto hash = id.find('#');
    table.add({id.substr(0, hash), hash == std::string::npos ? "" : id.substr(hash + 1),
               actor.value("blocked", false) ? paintState("blocked", false) : "",
               relativeTime(integer(actor, "lastPollAt"), now),
               std::to_string(actor.value("pollers", Json::array()).size()),
               field(actor, "ready"), field(actor, "running"), field(actor, "waiting")});
  }
  out_ << table.render();
  return kExitOk;
}

int Commands::block(const std::string& actor, bool blocked) {
  if (auto problem = checkActorId(actor)) throw UsageError("ACTOR: " + *problem);
  Json answer = client_.setBlocked(actor, blocked);
  if (json_) {
    out_ << answer.dump(2) << "\n";
  } else {
    out_ << fmt::format("{} is {}\n", actor,
                        blocked ? "blocked: its tasks stay queued" : "unblocked");
  }
  return kExitOk;
}

int Commands::cluster() {
  Json cluster = client_.cluster();
  if (json_) {
    out_ << cluster.dump(2) << "\n";
    return kExitOk;
  }
  Table table({"NODE", "ADDRESS", "ROLE", "PARTITIONS", "STARTED"});
  const std::int64_t now = nowMs();
  for (const Json& node : cluster.value("nodes", Json::array())) {
    table.add({field(node, "name"), field(node, "address"), field(node, "role"),
               std::to_string(node.value("partitions", Json::array()).size()),
               relativeTime(integer(node, "startedAt"), now)});
  }
  out_ << fmt::format("{} partitions\n", field(cluster, "partitions")) << table.render();
  // The answering node's live memory against its budget (docs/operations.md "Memory budget").
  for (const Json& node : cluster.value("nodes", Json::array())) {
    if (!node.contains("memory")) continue;
    const Json& memory = node["memory"];
    const double mib = 1 << 20;
    const std::int64_t budget = integer(memory, "budgetBytes");
    out_ << fmt::format("{}: {} processes in memory, estimated {:.1f} MiB; {}\n",
                        field(node, "name"), integer(memory, "processesInMemory"),
                        static_cast<double>(integer(memory, "estimateBytes")) / mib,
                        budget > 0 ? fmt::format("budget {:.0f} MiB, {} waiting for memory",
                                                 static_cast<double>(budget) / mib,
                                                 integer(memory, "waitingForMemory"))
                                   : std::string("no memory budget"));
  }
  return kExitOk;
}

int Commands::whoami() {
  Json caller = client_.whoami();
  if (json_) {
    out_ << caller.dump(2) << "\n";
    return kExitOk;
  }
  std::string actors;
  for (const Json& actor : caller.value("actors", Json::array())) {
    actors += (actors.empty() ? "" : ", ") + actor.get<std::string>();
  }
  std::string may;
  for (const Json& access : caller.value("may", Json::array())) {
    may += (may.empty() ? "" : ", ") + access.get<std::string>();
  }
  out_ << fmt::format("{} ({}){}\nmay: {}\n", field(caller, "name"), field(caller, "role"),
                      actors.empty() ? "" : ", actors " + actors, may);
  if (caller.value("open", false)) {
    out_ << "the server has no tokens: it is open to every user of its machine\n";
  }
  return kExitOk;
}

}  // namespace pledge::cli

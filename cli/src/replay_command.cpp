// pledge replay TASK_ID --plugin LIB: runs a decider task again, locally, from the plugin built
// from today's code, on the input the server recorded, and prints how the decision it makes
// now differs from the one the process went on with: the check that a change to a decider does
// not alter the processes already running it.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "commands.h"
#include "pledge/bootstrap/plugin_loader.h"
#include "pledge/task_runtime.h"
#include "replay.h"

namespace pledge::cli {
namespace {

Uuid taskIdArgument(const std::string& text) {
  auto id = Uuid::parse(text);
  if (!id) {
    throw UsageError(fmt::format(
        "\"{}\" is not a task id (a UUID like 0193d4c2-9a4e-7b1c-8f00-1a2b3c4d5e6f; pledge tasks "
        "PROCESS_ID lists a process's tasks)",
        text));
  }
  return *id;
}

// The decider's entry in the plugins; UsageError saying what they hold instead.
const ActorEntry& deciderIn(const ActorRegistry& registry, const std::string& actor,
                            const std::vector<std::string>& plugins) {
  const ActorEntry* entry = registry.find(actor);
  if (entry == nullptr) {
    std::string held;
    for (const std::string& name : registry.actors()) held += (held.empty() ? "" : ", ") + name;
    throw UsageError(fmt::format("{} holds no actor {} (it holds {}): pass the plugin built "
                                 "from that decider's code",
                                 fmt::join(plugins, ", "), actor, held));
  }
  return *entry;
}

std::string outcomeText(const Json& comparable) {
  const Json& outcome = comparable.at("outcome");
  if (outcome.contains("error")) return "error " + outcome["error"].value("type", "");
  if (outcome.contains("promise")) return "result of " + outcome["promise"].get<std::string>();
  return "result " + outcome["result"].dump();
}

}  // namespace

void addReplayCommand(CLI::App& app, ReplayCommandLine& line) {
  line.command = app.add_subcommand(
      "replay",
      "run a decider task again from a plugin and show how its decision differs from the "
      "recorded one (exit 0: the same, 1: it differs)");
  line.command->add_option("task", line.task, "the decider task's id (pledge tasks PROCESS_ID)")
      ->required();
  line.command
      ->add_option("--plugin", line.plugins,
                   "actor plugin (.so) holding the decider, built from the code to check; "
                   "repeatable")
      ->required();
}

std::optional<int> runReplayCommand(const ReplayCommandLine& line, Commands& commands) {
  if (line.command == nullptr || !line.command->parsed()) return std::nullopt;
  return commands.replay(taskIdArgument(line.task), line.plugins);
}

int Commands::replay(const Uuid& taskId, const std::vector<std::string>& plugins) {
  const Json record = client_.task(taskId);
  const std::string actor = record.at("actor").get<std::string>();
  const std::string method = record.at("method").get<std::string>();
  if (record.at("type") != "decider") {
    throw UsageError(fmt::format("task {} is a {} task of {}: replay runs decider tasks, whose "
                                 "decisions depend only on their input",
                                 taskId.toString(), record.at("type").get<std::string>(), actor));
  }
  if (actor.starts_with("workflow:")) {
    throw UsageError(fmt::format("task {} is a step of {}, run by the server's workflow "
                                 "interpreter: replay runs deciders from a plugin",
                                 taskId.toString(), actor));
  }
  // The libraries stay loaded until everything made from them is gone: declared first.
  bootstrap::PluginLoader loader;
  ActorRegistry registry;
  for (const std::string& plugin : plugins) {
    try {
      loader.load(plugin, registry);
    } catch (const Error& error) {
      throw UsageError(fmt::format("--plugin {}: {}", plugin, error.message()));
    }
  }
  std::unique_ptr<TaskRuntime> runtime = makeRuntime(deciderIn(registry, actor, plugins));
  const Decision replayed = runtime->execute(record.at("input").get<PolledTask>());
  const Json now = comparableDecision(replayed);
  const Json& decision = record.at("decision");
  if (decision.is_null()) {
    if (json_) {
      out_ << Json{{"taskId", taskId}, {"recorded", nullptr}, {"replayed", now}}.dump(2) << "\n";
    } else {
      out_ << fmt::format("Task {} ({}.{}) has not decided yet (it is {}); today's code "
                          "decides:\n{}\n",
                          taskId.toString(), actor, method,
                          record.value("state", std::string("?")), now.dump(2));
    }
    return kExitOk;
  }
  const Json recorded = comparableDecision(decision, replayed);
  const std::string diff = unifiedDiff(recorded.dump(2), now.dump(2));
  if (json_) {
    out_ << Json{{"taskId", taskId},      {"same", diff.empty()}, {"recorded", recorded},
                 {"replayed", now},       {"diff", diff}}
                .dump(2)
         << "\n";
  } else if (diff.empty()) {
    out_ << fmt::format("Task {} ({}.{} of process {}): the same decision, {} new task{} and {}.\n",
                        taskId.toString(), actor, method,
                        record.value("processId", std::string("?")), now["tasks"].size(),
                        now["tasks"].size() == 1 ? "" : "s", outcomeText(now));
  } else {
    out_ << fmt::format("Task {} ({}.{} of process {}): the decision differs from the recorded "
                        "one; the process went on with the recorded one.\n{}",
                        taskId.toString(), actor, method,
                        record.value("processId", std::string("?")), diff);
  }
  return diff.empty() ? kExitOk : kExitRefused;
}

}  // namespace pledge::cli

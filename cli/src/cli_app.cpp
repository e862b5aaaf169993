#include "pledge/cli/cli_app.h"

#include <CLI/CLI.hpp>

#include <map>
#include <string>

#include "commands.h"
#include "schedule_command.h"
#include "start_arguments.h"
#include "pledge/rest_client.h"

namespace pledge::cli {

int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
           const CliEnvironment& environment) {
  CLI::App app{"pledge: start and operate Pledge processes from a terminal"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string server = environment.defaultServer;
  bool json = false;
  app.add_option("--server", server,
                 "pledge-server URL (default $PLEDGE_SERVER or http://127.0.0.1:8080)");
  app.add_flag("--json", json, "print the API's JSON");
  std::string token = environment.defaultToken;
  std::string ca = environment.defaultCa;
  app.add_option("--token", token, "API token (default $PLEDGE_TOKEN); see pledge whoami");
  app.add_option("--ca", ca, "https: PEM file of a private CA to trust (default $PLEDGE_CA)");

  StartLine start;
  CLI::App* startCommand = app.add_subcommand(
      "start",
      "start processes: ACTOR METHOD [ARGS_JSON], or a workflow: workflow:NAME --input JSON");
  addStartArguments(*startCommand, start, "pledge start", /*indexed=*/true);
  StartOptions& started = start.options;
  startCommand->add_option("--count", started.count, "start this many processes")
      ->capture_default_str();
  startCommand->add_flag("--wait", started.wait, "wait until they end; fail unless all completed");
  startCommand->add_option("--timeout", started.timeoutSeconds, "seconds --wait waits per process")
      ->capture_default_str();
  startCommand->add_option("--custom-id", started.customId,
                           "idempotency key ({i} becomes the index)");
  startCommand->add_option("--start-time", started.startTime, "epoch ms, or +SECONDS from now");
  // One value per --tag, so that a --tag before ACTOR does not swallow it.
  startCommand
      ->add_option("--tag", started.tags,
                   "KEY=VALUE kept with the process to list it by (repeatable; at most 20, keys "
                   "[A-Za-z0-9_.-] up to 64 bytes, values up to 256)")
      ->allow_extra_args(false);
  startCommand->add_option("--deadline", started.deadline,
                           "the process breaks (timed out) and its tasks are cancelled after "
                           "this long: 1h, 30m, 90s, 500ms");
  startCommand->add_option("--schedule-to-start", started.scheduleToStart,
                           "the start task fails (timed out) unless a runner takes it within "
                           "this long: 30s");

  std::map<std::string, std::string> psQuery;
  std::string psState;
  std::string psActor;
  std::string psCustomId;
  std::string psCursor;
  std::vector<std::string> psTags;
  int psLimit = 20;
  bool psAll = false;
  CLI::App* psCommand = app.add_subcommand("ps", "list processes, newest first");
  psCommand->add_option("--state", psState, "running, paused, completed, broken or aborted");
  psCommand->add_option("--actor", psActor, "decider actor id");
  psCommand->add_option("--custom-id", psCustomId, "custom id");
  psCommand
      ->add_option("--tag", psTags,
                   "KEY=VALUE: only processes with this tag (repeatable: with every one)")
      ->allow_extra_args(false);
  psCommand->add_option("--limit", psLimit, "processes per page")->capture_default_str();
  psCommand->add_option("--cursor", psCursor, "the page after this cursor");
  psCommand->add_flag("--all", psAll, "every page");

  std::string id;
  auto withId = [&](const char* name, const char* help) {
    CLI::App* command = app.add_subcommand(name, help);
    command->add_option("id", id, "process id")->required();
    return command;
  };
  CLI::App* showCommand = withId("show", "a process and its tasks, drawn as a tree");
  CLI::App* tasksCommand = withId("tasks", "every task of a process");
  CLI::App* resultCommand = withId("result", "a process's result (exit 1 unless completed)");
  int resultWait = 0;
  resultCommand->add_option("--wait", resultWait, "seconds to wait for the end")
      ->capture_default_str();
  CLI::App* restartCommand =
      withId("restart", "give the failed tasks of a broken process a new attempt");
  CLI::App* abortCommand = withId("abort", "abort a running or broken process");
  CLI::App* pauseCommand =
      withId("pause", "hand out no task of a process until it is resumed (running ones finish)");
  CLI::App* resumeCommand = withId("resume", "hand out the tasks of a paused process again");
  CLI::App* queuesCommand =
      app.add_subcommand("queues", "ready, running and waiting tasks per queue");
  CLI::App* actorsCommand = app.add_subcommand("actors", "actors, their pollers and blocked flag");
  CLI::App* clusterCommand = app.add_subcommand(
      "cluster", "nodes and their partitions, and the answering node's memory against its budget");
  CLI::App* retentionCommand = app.add_subcommand(
      "retention", "retention of ended processes: its settings and what it deleted");
  CLI::App* retentionRunCommand =
      retentionCommand->add_subcommand("run", "run a retention pass now (admin)");
  CLI::App* whoamiCommand =
      app.add_subcommand("whoami", "the token's name, role and what it may do");
  std::string actor;
  CLI::App* blockCommand = app.add_subcommand("block", "block an actor: its tasks stay queued");
  blockCommand->add_option("actor", actor, "Name#version")->required();
  CLI::App* unblockCommand = app.add_subcommand("unblock", "unblock an actor");
  unblockCommand->add_option("actor", actor, "Name#version")->required();

  EventSendOptions event;
  CLI::App* eventCommand =
      app.add_subcommand("event", "send events to the processes waiting; list kept ones");
  eventCommand->require_subcommand(1);
  CLI::App* eventSendCommand =
      eventCommand->add_subcommand("send", "send an event: NAME KEY [PAYLOAD_JSON]");
  eventSendCommand->add_option("name", event.name, "event name, e.g. pizzaReady")->required();
  eventSendCommand->add_option("key", event.key, "correlation key, e.g. order-42 (may be \"\")")
      ->required();
  std::string payload;
  CLI::Option* payloadOption = eventSendCommand->add_option(
      "payload", payload, "JSON payload, e.g. '{\"ready\":true}' or '\"text\"' (default null)");
  eventSendCommand->add_option("--payload-file", event.payloadFile, "read the payload from a file")
      ->excludes(payloadOption);
  eventSendCommand->add_option("--id", event.id, "idempotency id: a repeat changes nothing");
  eventSendCommand->add_option("--process", event.process, "deliver to this process only");
  std::int64_t retentionMs = 0;
  CLI::Option* retentionOption = eventSendCommand->add_option(
      "--retention-ms", retentionMs, "keep it this long when nobody waits yet (0: never)");
  std::string eventName;
  int eventLimit = 100;
  CLI::App* eventListCommand =
      eventCommand->add_subcommand("list", "events kept for a waiter to come, oldest first");
  CLI::Option* eventNameOption =
      eventListCommand->add_option("--name", eventName, "only events of this name");
  eventListCommand->add_option("--limit", eventLimit, "at most this many (1 to 1000)");

  WorkflowCommandLine workflow;
  addWorkflowCommands(app, workflow);
  ReplayCommandLine replay;
  addReplayCommand(app, replay);
  ScheduleCommandLine schedule;
  addScheduleCommands(app, schedule);
  LimitCommandLine limit;
  addLimitCommands(app, limit);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    out << app.help();
    return kExitOk;
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) {
      out << app.help();
      return kExitOk;
    }
    err << "pledge: " << error.what() << " (see pledge --help)\n";
    return kExitUsage;
  }

  // The one place where a command's errors are caught.
  try {
    if (auto status = runLocalWorkflowCommand(workflow, out, err)) return *status;
    RestClient::setIoThreads(4);
    RestClient client({server},
                      RestClientOptions{.workerId = "pledge-cli", .token = token, .caFile = ca});
    Commands commands(client, out, err, environment, json);
    if (startCommand->parsed()) return commands.start(start.typed());
    if (psCommand->parsed()) {
      if (!psState.empty()) psQuery["state"] = psState;
      if (!psActor.empty()) psQuery["actor"] = psActor;
      if (!psCustomId.empty()) psQuery["customId"] = psCustomId;
      if (!psCursor.empty()) psQuery["cursor"] = psCursor;
      psQuery["limit"] = std::to_string(psLimit);
      return commands.ps(psQuery, tagArguments(psTags), psAll);
    }
    if (showCommand->parsed()) return commands.show(processIdArgument(id));
    if (tasksCommand->parsed()) return commands.tasks(processIdArgument(id));
    if (resultCommand->parsed()) return commands.result(processIdArgument(id), resultWait);
    if (restartCommand->parsed()) return commands.operate(processIdArgument(id), "restart");
    if (abortCommand->parsed()) return commands.operate(processIdArgument(id), "abort");
    if (pauseCommand->parsed()) return commands.operate(processIdArgument(id), "pause");
    if (resumeCommand->parsed()) return commands.operate(processIdArgument(id), "resume");
    if (queuesCommand->parsed()) return commands.queues();
    if (actorsCommand->parsed()) return commands.actors();
    if (clusterCommand->parsed()) return commands.cluster();
    if (retentionRunCommand->parsed()) return commands.runRetention();
    if (retentionCommand->parsed()) return commands.retention();
    if (whoamiCommand->parsed()) return commands.whoami();
    if (blockCommand->parsed()) return commands.block(actor, true);
    if (unblockCommand->parsed()) return commands.block(actor, false);
    if (eventSendCommand->parsed()) {
      if (payloadOption->count() > 0) event.payload = payload;
      if (retentionOption->count() > 0) event.retentionMs = retentionMs;
      return commands.sendEvent(event);
    }
    if (auto status = runWorkflowCommand(workflow, commands)) return *status;
    if (auto status = runReplayCommand(replay, commands)) return *status;
    if (auto status = runScheduleCommand(schedule, commands)) return *status;
    if (auto status = runLimitCommand(limit, commands)) return *status;
    if (eventListCommand->parsed()) {
      return commands.listEvents(
          eventNameOption->count() > 0 ? std::optional(eventName) : std::nullopt, eventLimit);
    }
  } catch (const UsageError& error) {
    err << "pledge: " << error.what() << "\n";
    return kExitUsage;
  } catch (const Error& error) {
    if (error.code() == ErrorCode::Unavailable) {
      err << "pledge: " << error.message() << "\n";
      return kExitUnreachable;
    }
    err << "pledge: " << errorCodeName(error.code()) << ": " << error.message() << "\n";
    return kExitRefused;
  } catch (const std::exception& error) {
    err << "pledge: " << error.what() << "\n";
    return kExitRefused;
  }
  err << "pledge: no command (see pledge --help)\n";
  return kExitUsage;
}

}  // namespace pledge::cli

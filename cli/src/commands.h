// Commands: what each pledge subcommand does against the server, printing to out a table, or
// the API's JSON with --json; their exit statuses are cli_app.h's. cli_app.cpp parses the
// command line and calls them. Thread-confined: one Commands per run of the CLI.
//
//   Commands commands(client, std::cout, std::cerr, environment, /*json=*/false);
//   int status = commands.show(processIdArgument("0193d4c2-9a4e-7b1c-8f00-1a2b3c4d5e6f"));
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "pledge/cli/cli_app.h"
#include "pledge/rest_client.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace pledge::cli {

// A usage error found after parsing (CLI11 reports its own).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The process id of a command line argument; UsageError when it is not one.
Uuid processIdArgument(const std::string& text);
// --tag arguments (KEY=VALUE); UsageError naming the bad one.
std::vector<TagFilter> tagArguments(const std::vector<std::string>& texts);

// pledge start ACTOR [METHOD] [ARGS_JSON] and its options, as typed.
struct StartOptions {
  std::string actor;
  // Empty when not typed: "execute" for a workflow's actor (workflow:NAME[#VERSION]), required
  // for any other.
  std::string method;
  // ARGS_JSON; nullopt when not typed ("[]", or a workflow's input).
  std::optional<std::string> args;
  // A workflow's input object, as --input JSON (with {i}) or in --input-file; a workflow
  // started with neither gets {}.
  std::optional<std::string> input;
  std::string inputFile;
  int count = 1;
  bool wait = false;
  int timeoutSeconds = 300;
  int concurrency = 16;
  std::string customId;
  std::string startTime;
  std::string taskList;
  // --tag KEY=VALUE, repeatable.
  std::vector<std::string> tags;
  // Durations as parseDurationMs takes them ("1h", "30s"); "" when not typed.
  std::string deadline;
  std::string scheduleToStart;
};

// pledge event send NAME KEY [PAYLOAD_JSON] and its options, as typed.
struct EventSendOptions {
  std::string name;
  std::string key;
  std::optional<std::string> payload;
  std::string payloadFile;
  std::string id;
  std::string process;
  std::optional<std::int64_t> retentionMs;
};

// pledge workflow ...: the subcommands addWorkflowCommands adds, and their options as typed
// (workflow_command.cpp). A subcommand that needs the server is a Commands method, like
// event_command.cpp's; one that works on files alone runs in runLocalWorkflowCommand, before
// any client exists.
struct WorkflowCommandLine {
  CLI::App* group = nullptr;
  // pledge workflow import --from orchy FILE [-o OUT]
  CLI::App* import = nullptr;
  std::string importFrom;
  std::string importFile;
  std::string importOutput;
  // pledge workflow register FILE... [--from orchy]
  CLI::App* registerCommand = nullptr;
  std::vector<std::string> registerFiles;
  std::string registerFrom;
  // pledge workflow list
  CLI::App* list = nullptr;
  // pledge workflow show NAME [--version V]
  CLI::App* show = nullptr;
  std::string showName;
  int showVersion = 0;  // 0: the latest
};

// Adds the workflow command group and its subcommands to app.
void addWorkflowCommands(CLI::App& app, WorkflowCommandLine& line);
// Runs the parsed workflow subcommand that needs no server and returns its exit status; nullopt
// when none was parsed. Bad input: a message naming the file (and the field) and kExitUsage.
std::optional<int> runLocalWorkflowCommand(const WorkflowCommandLine& line, std::ostream& out,
                                           std::ostream& err);

// pledge replay TASK_ID --plugin LIB... (replay_command.cpp).
struct ReplayCommandLine {
  CLI::App* command = nullptr;
  std::string task;
  std::vector<std::string> plugins;
};

void addReplayCommand(CLI::App& app, ReplayCommandLine& line);
class Commands;

// pledge limit set ACTOR [--task-list L] [--max-running N] [--per-second R] [--burst B],
// pledge limit list, pledge limit clear ACTOR [--task-list L] (limit_command.cpp).
struct LimitCommandLine {
  CLI::App* group = nullptr;
  CLI::App* set = nullptr;
  CLI::App* list = nullptr;
  CLI::App* clear = nullptr;
  std::string actor;
  std::string taskList;
  CLI::Option* maxRunning = nullptr;
  CLI::Option* perSecond = nullptr;
  CLI::Option* burst = nullptr;
  std::int64_t maxRunningValue = 0;
  double perSecondValue = 0;
  std::int64_t burstValue = 0;
};

void addLimitCommands(CLI::App& app, LimitCommandLine& line);
// Runs the parsed limit subcommand through commands; nullopt when none was parsed.
std::optional<int> runLimitCommand(const LimitCommandLine& line, Commands& commands);
// A limit of the API as the tables show it: "10 at once, 5/s burst 10".
std::string limitText(const Json& limit);

class Commands {
 public:
  Commands(RestClient& client, std::ostream& out, std::ostream& err,
           const CliEnvironment& environment, bool json)
      : client_(client), out_(out), err_(err), environment_(environment), json_(json) {}

  int start(const StartOptions& options);
  int ps(const std::map<std::string, std::string>& query, const std::vector<TagFilter>& tags,
         bool all);
  int show(const Uuid& id);
  int tasks(const Uuid& id);
  int result(const Uuid& id, int waitSeconds);
  // operation: "restart", "abort", "pause" or "resume".
  int operate(const Uuid& id, std::string_view operation);
  int queues();
  int actors();
  int block(const std::string& actor, bool blocked);
  // limit_command.cpp: PUT, GET and DELETE /api/v1/limits.
  int setLimit(const Json& limit);
  int listLimits();
  int clearLimit(const std::string& actor, const std::string& taskList);
  int cluster();
  int whoami();
  // retention_command.cpp. pledge retention: the settings and counters; pledge retention run:
  // a pass now and what it deleted.
  int retention();
  int runRetention();
  // event_command.cpp.
  int sendEvent(const EventSendOptions& options);
  // pledge event list [--name NAME] [--limit N]: the kept events.
  int listEvents(const std::optional<std::string>& name, int limit);
  // workflow_command.cpp. pledge workflow register: each file's definition (an Orchy workflow
  // converted first when from is "orchy"); exit kExitRefused when the server refused any.
  int registerWorkflows(const std::vector<std::string>& files, const std::string& from);
  // pledge workflow list: every registered version.
  int listWorkflows();
  // pledge workflow show: one definition drawn as a tree (--json: the definition).
  int showWorkflow(const std::string& name, std::optional<int> version);
  // replay_command.cpp. pledge replay: the task's decider from plugins run on its recorded
  // input; kExitOk when it decides the same, kExitRefused (with the difference) when not.
  int replay(const Uuid& taskId, const std::vector<std::string>& plugins);
  // schedule_command.cpp. pledge schedule create (replace false) or replace.
  int saveSchedule(const Schedule& schedule, bool replace);
  int listSchedules();
  // pledge schedule show: the definition, next fire times, last fires with their processes'
  // states.
  int showSchedule(const std::string& id);
  // operation: "pause", "resume", "trigger" or "delete".
  int operateSchedule(const std::string& id, std::string_view operation);

 private:
  RestClient& client_;
  std::ostream& out_;
  std::ostream& err_;
  const CliEnvironment& environment_;
  bool json_;
};

// Runs the parsed workflow subcommand that needs the server through commands; nullopt when none
// was parsed (workflow_command.cpp).
std::optional<int> runWorkflowCommand(const WorkflowCommandLine& line, Commands& commands);
// Runs pledge replay when it was parsed; nullopt otherwise.
std::optional<int> runReplayCommand(const ReplayCommandLine& line, Commands& commands);

}  // namespace pledge::cli

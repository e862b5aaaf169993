// What a start is made of on the command line, shared by pledge start and pledge schedule
// create/replace: ACTOR [METHOD] [ARGS_JSON], --input JSON or --input-file FILE for a
// workflow:NAME actor, and --task-list; and the checks that turn them into a method and
// arguments, each refusal a UsageError that says what to type instead.
//
//   StartLine line;
//   addStartArguments(*command, line, "pledge start", /*indexed=*/true);
//   ... app.parse(argc, argv) ...
//   const StartOptions& typed = line.typed();
//   std::string method = methodOf(typed, line.usage);
//   Json args = argumentsOf(typed).at(0);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commands.h"
#include "pledge/json.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace pledge::cli {

// The options addStartArguments adds, as typed.
struct StartLine {
  StartOptions options;
  std::string args;
  std::string input;
  CLI::Option* argsOption = nullptr;
  CLI::Option* inputOption = nullptr;
  // How the command begins in an example of a message ("pledge start").
  std::string usage;

  // options with ARGS_JSON and --input set when typed. Call after parsing.
  const StartOptions& typed();
};

// Adds actor, method, args, --input, --input-file and --task-list to command; indexed: its help
// says that {i} in ARGS_JSON and --input becomes the process index (pledge start --count).
void addStartArguments(CLI::App& command, StartLine& line, std::string usage, bool indexed);

bool isWorkflowActor(const std::string& actor);

// The method typed, or "execute" for a workflow; UsageError for a decider without one, or for a
// workflow's input typed where its method goes. usage begins the examples of the message.
std::string methodOf(const StartOptions& options, std::string_view usage);

// The arguments of each process: ARGS_JSON or --input with {i} replaced, or --input-file's.
class StartArguments {
 public:
  static StartArguments pattern(std::string text, bool fromInput);
  static StartArguments fixed(Json args);

  // Those of process index; UsageError when they are not what the method takes.
  Json at(int index) const;

 private:
  std::string pattern_;
  bool fromInput_ = false;
  std::optional<Json> fixed_;
};

// UsageError when --input or --input-file is given for a decider, or together with ARGS_JSON.
StartArguments argumentsOf(const StartOptions& options);

}  // namespace pledge::cli

#include "start_arguments.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "pledge/cli/arguments.h"

namespace pledge::cli {
namespace {

constexpr std::string_view kWorkflowPrefix = "workflow:";

Json inputFileOf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf()))
    throw UsageError(fmt::format("--input-file: cannot read {}", path));
  Json input;
  try {
    input = parseJson(text.str());
  } catch (const Error& error) {
    throw UsageError(fmt::format("--input-file {} is not JSON: {}", path, error.what()));
  }
  if (!input.is_object()) {
    throw UsageError(fmt::format("--input-file {} holds {}: a workflow's input is one JSON object",
                                 path, describeJson(input)));
  }
  return input;
}

}  // namespace

const StartOptions& StartLine::typed() {
  if (argsOption != nullptr && argsOption->count() > 0) options.args = args;
  if (inputOption != nullptr && inputOption->count() > 0) options.input = input;
  return options;
}

void addStartArguments(CLI::App& command, StartLine& line, std::string usage, bool indexed) {
  line.usage = std::move(usage);
  const std::string index = indexed ? "; {i} becomes the process index" : "";
  command
      .add_option("actor", line.options.actor,
                  "decider, e.g. NotificationDecider#1.0, or workflow:NAME[#VERSION]")
      ->required();
  command.add_option("method", line.options.method,
                     "its execute method, e.g. start (a workflow's: execute, the default)");
  line.argsOption = command.add_option("args", line.args,
                                       "JSON array of arguments" + index);
  line.inputOption = command.add_option(
      "--input", line.input, "a workflow's input, a JSON object" + index);
  command
      .add_option("--input-file", line.options.inputFile,
                  "read a workflow's input from this JSON file")
      ->excludes(line.inputOption);
  command.add_option("--task-list", line.options.taskList, "task list of the start task");
}

bool isWorkflowActor(const std::string& actor) { return actor.starts_with(kWorkflowPrefix); }

std::string methodOf(const StartOptions& options, std::string_view usage) {
  if (options.method.empty()) {
    if (isWorkflowActor(options.actor)) return "execute";
    throw UsageError(
        fmt::format("METHOD is required: the execute method of {}, e.g. {} {} start '[\"user-1\"]' "
                    "(only workflow:NAME actors have a default, execute)",
                    options.actor, usage, options.actor));
  }
  const char first = options.method.front();
  if (isWorkflowActor(options.actor) && (first == '{' || first == '[' || first == '"')) {
    throw UsageError(fmt::format(
        "\"{}\" is no method name: give the workflow's input with --input, e.g. {} {} "
        "--input '{}'",
        options.method, usage, options.actor, first == '{' ? options.method : "{\"a\":1}"));
  }
  return options.method;
}

StartArguments StartArguments::pattern(std::string text, bool fromInput) {
  StartArguments made;
  made.pattern_ = std::move(text);
  made.fromInput_ = fromInput;
  return made;
}

StartArguments StartArguments::fixed(Json args) {
  StartArguments made;
  made.fixed_ = std::move(args);
  return made;
}

Json StartArguments::at(int index) const {
  if (fixed_) return *fixed_;
  const char* what = fromInput_ ? "--input" : "ARGS_JSON";
  Json args;
  try {
    args = parseJson(substituteIndex(pattern_, index));
  } catch (const Error& error) {
    throw UsageError(fmt::format("{} is not JSON: {}", what, error.what()));
  }
  if (fromInput_ && !(args.size() == 1 && args[0].is_object())) {
    throw UsageError("--input must be one JSON object, the workflow's input, e.g. '{\"a\":1}'");
  }
  if (!args.is_array()) {
    throw UsageError("ARGS_JSON must be a JSON array of the method's arguments");
  }
  return args;
}

StartArguments argumentsOf(const StartOptions& options) {
  const bool input = options.input || !options.inputFile.empty();
  if (!input) {
    return StartArguments::pattern(
        options.args.value_or(isWorkflowActor(options.actor) ? "[{}]" : "[]"), false);
  }
  if (!isWorkflowActor(options.actor)) {
    throw UsageError(fmt::format(
        "--input and --input-file give a workflow's input (actor workflow:NAME); {} takes "
        "ARGS_JSON, a JSON array of its method's arguments",
        options.actor));
  }
  if (options.args)
    throw UsageError("give the workflow's input with --input or ARGS_JSON, not both");
  if (options.input && !options.inputFile.empty()) {
    throw UsageError("give the workflow's input with --input or --input-file, not both");
  }
  if (options.input) return StartArguments::pattern("[" + *options.input + "]", true);
  return StartArguments::fixed(Json::array({inputFileOf(options.inputFile)}));
}

}  // namespace pledge::cli

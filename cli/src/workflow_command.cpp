// pledge workflow: the command group of workflow definitions. import converts a workflow written
// for another engine (Orchy's action format) into the Conductor JSON Pledge interprets; it needs
// no server. register, list and show talk to the server: they are added in addWorkflowCommands
// and run through Commands methods (runWorkflowCommand).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "commands.h"
#include "orchy_import.h"
#include "pledge/cli/process_view.h"
#include "pledge/cli/table.h"
#include "pledge/cli/workflow_view.h"
#include "pledge/json.h"

namespace pledge::cli {
namespace {

// The workflow in file as Conductor JSON (an Orchy workflow converted when from is "orchy");
// nullopt once the problem is on err. command names the subcommand ("import").
std::optional<Json> readWorkflowFile(const std::string& file, const std::string& from,
                                     const char* command, std::ostream& err) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    err << fmt::format("pledge: workflow {}: cannot read {}\n", command, file);
    return std::nullopt;
  }
  try {
    Json read = parseJson(text.str());
    return from == "orchy" ? importOrchy(read) : read;
  } catch (const OrchyImportError& error) {
    err << fmt::format("pledge: {}: {}\n", file, error.what());
  } catch (const JsonError& error) {
    err << fmt::format("pledge: {}: not JSON: {}\n", file, error.what());
  }
  return std::nullopt;
}

// pledge workflow import: FILE's workflow as Conductor JSON, on out or in output.
int importWorkflow(const WorkflowCommandLine& line, std::ostream& out, std::ostream& err) {
  const std::optional<Json> conductor =
      readWorkflowFile(line.importFile, line.importFrom, "import", err);
  if (!conductor) return kExitUsage;
  const std::string printed = conductor->dump(2) + "\n";
  if (line.importOutput.empty()) {
    out << printed;
    return kExitOk;
  }
  std::ofstream written(line.importOutput, std::ios::binary | std::ios::trunc);
  if (!written || !(written << printed) || !written.flush()) {
    err << fmt::format("pledge: workflow import: cannot write {}\n", line.importOutput);
    return kExitRefused;
  }
  return kExitOk;
}

// Why the server refused to register file's definition, and what to do.
std::string refusal(const std::string& file, const std::string& from, const Error& error) {
  std::string message = fmt::format("pledge: {}: not registered: ", file);
  switch (error.code()) {
    case ErrorCode::BadRequest:
      message += error.message();
      if (from == "orchy") {
        message += fmt::format(
            " (a pointer into the Conductor JSON `pledge workflow import --from orchy {}` "
            "prints)",
            file);
      }
      return message;
    case ErrorCode::Conflict: return message + error.message();
    case ErrorCode::Unauthenticated:
    case ErrorCode::Forbidden:
      return message + fmt::format("{}: {} (registering workflows takes an admin token: --token "
                                   "or $PLEDGE_TOKEN)",
                                   errorCodeName(error.code()), error.message());
    default: return message + fmt::format("{}: {}", errorCodeName(error.code()), error.message());
  }
}

}  // namespace

int Commands::registerWorkflows(const std::vector<std::string>& files, const std::string& from) {
  int status = kExitOk;
  for (const std::string& file : files) {
    const std::optional<Json> definition = readWorkflowFile(file, from, "register", err_);
    if (!definition) {
      if (status == kExitOk) status = kExitUsage;
      continue;
    }
    WorkflowInfo info;
    try {
      info = client_.registerWorkflow(*definition);
    } catch (const Error& error) {
      if (error.code() == ErrorCode::Unavailable) throw;
      err_ << refusal(file, from, error) << "\n";
      if (status == kExitOk) status = kExitRefused;
      continue;
    }
    if (json_) {
      out_ << Json(info).dump() << "\n";
    } else if (info.created) {
      out_ << fmt::format("registered {} version {} (actor {})\n", info.name, info.version,
                          info.actor);
    } else {
      out_ << fmt::format("unchanged {} version {} (actor {}): it holds this definition already\n",
                          info.name, info.version, info.actor);
    }
  }
  return status;
}

int Commands::listWorkflows() {
  const std::vector<WorkflowInfo> workflows = client_.workflows();
  if (json_) {
    out_ << Json{{"items", workflows}}.dump(2) << "\n";
    return kExitOk;
  }
  if (workflows.empty()) {
    out_ << "no workflows registered: pledge workflow register FILE.json registers one\n";
    return kExitOk;
  }
  Table table({"NAME", "VERSION", "TASKS", "DESCRIPTION", "REGISTERED AT"});
  for (const WorkflowInfo& info : workflows) {
    std::string description = info.description;
    if (description.size() > 50) description = description.substr(0, 49) + "…";
    table.add({info.name, std::to_string(info.version), std::to_string(info.tasks), description,
               localTime(info.createdAt)});
  }
  out_ << table.render();
  return kExitOk;
}

int Commands::showWorkflow(const std::string& name, std::optional<int> version) {
  WorkflowInfo info;
  try {
    info = client_.workflow(name, version);
  } catch (const Error& error) {
    if (error.code() != ErrorCode::NotFound) throw;
    throw Error(ErrorCode::NotFound,
                error.message() + " (pledge workflow list shows the registered ones)");
  }
  out_ << (json_ ? info.definition.dump(2) + "\n" : renderWorkflow(info.definition));
  return kExitOk;
}

void addWorkflowCommands(CLI::App& app, WorkflowCommandLine& line) {
  line.group = app.add_subcommand("workflow", "workflow definitions (Conductor JSON)");
  line.group->require_subcommand(1);

  line.import = line.group->add_subcommand(
      "import", "convert another engine's workflow to Conductor JSON: --from orchy FILE");
  line.import->add_option("--from", line.importFrom, "the format of FILE: orchy")
      ->required()
      ->check(CLI::IsMember({"orchy"}));
  line.import->add_option("file", line.importFile, "the workflow to convert")->required();
  line.import->add_option("-o,--output", line.importOutput,
                          "write the Conductor JSON here instead of printing it");

  line.registerCommand = line.group->add_subcommand(
      "register", "register definitions on the server (an admin token's call): FILE...");
  line.registerCommand
      ->add_option("files", line.registerFiles,
                   "Conductor JSON workflow definitions; raise \"version\" to change one")
      ->required();
  line.registerCommand
      ->add_option("--from", line.registerFrom,
                   "the format of the files, converted first (pledge workflow import): orchy")
      ->check(CLI::IsMember({"orchy"}));

  line.list = line.group->add_subcommand("list", "every registered version of every workflow");

  line.show = line.group->add_subcommand(
      "show", "a workflow's definition drawn as a tree (--json: the definition)");
  line.show->add_option("name", line.showName, "the workflow's name")->required();
  line.show->add_option("--version", line.showVersion, "this version (default: the latest)")
      ->check(CLI::PositiveNumber);
}

std::optional<int> runLocalWorkflowCommand(const WorkflowCommandLine& line, std::ostream& out,
                                           std::ostream& err) {
  if (line.import != nullptr && line.import->parsed()) return importWorkflow(line, out, err);
  return std::nullopt;
}

std::optional<int> runWorkflowCommand(const WorkflowCommandLine& line, Commands& commands) {
  if (line.registerCommand != nullptr && line.registerCommand->parsed()) {
    return commands.registerWorkflows(line.registerFiles, line.registerFrom);
  }
  if (line.list != nullptr && line.list->parsed()) return commands.listWorkflows();
  if (line.show != nullptr && line.show->parsed()) {
    return commands.showWorkflow(line.showName, line.showVersion > 0
                                                    ? std::optional(line.showVersion)
                                                    : std::nullopt);
  }
  return std::nullopt;
}

}  // namespace pledge::cli

// pledge workflow: the command group of workflow definitions. import converts a workflow written
// for another engine (Orchy's action format) into the Conductor JSON Pledge interprets; it needs
// no server. Subcommands that talk to the server (register, list, show) belong here too, added
// in addWorkflowCommands and run through Commands methods.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <sstream>

#include "commands.h"
#include "orchy_import.h"
#include "pledge/json.h"

namespace pledge::cli {
namespace {

// pledge workflow import: FILE's workflow as Conductor JSON, on out or in output.
int importWorkflow(const WorkflowCommandLine& line, std::ostream& out, std::ostream& err) {
  const std::string& file = line.importFile;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    err << fmt::format("pledge: workflow import: cannot read {}\n", file);
    return kExitUsage;
  }
  Json conductor;
  try {
    conductor = importOrchy(parseJson(text.str()));
  } catch (const OrchyImportError& error) {
    err << fmt::format("pledge: {}: {}\n", file, error.what());
    return kExitUsage;
  } catch (const JsonError& error) {
    err << fmt::format("pledge: {}: not JSON: {}\n", file, error.what());
    return kExitUsage;
  }
  const std::string printed = conductor.dump(2) + "\n";
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

}  // namespace

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
}

std::optional<int> runLocalWorkflowCommand(const WorkflowCommandLine& line, std::ostream& out,
                                           std::ostream& err) {
  if (line.import != nullptr && line.import->parsed()) return importWorkflow(line, out, err);
  return std::nullopt;
}

}  // namespace pledge::cli

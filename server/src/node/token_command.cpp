// pledge-server token create: makes a token secret and prints it once, with the config entry
// (name, role, actors and the secret's SHA-256) to add under tokens:. The server never sees the
// secret itself until a client sends it.
#include "pledge/server/node/token_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "pledge/server/auth/auth.h"
#include "pledge/task_spec.h"

namespace pledge::server {
namespace {

std::string yamlQuoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace

int runTokenCommand(int argc, const char* const* argv) {
  CLI::App app{"pledge-server token: make API tokens (docs/security.md)"};
  app.require_subcommand(1);
  CLI::App* create = app.add_subcommand(
      "create", "print a new token and the entry to add under tokens: in the server config");
  std::string roleText;
  std::string name;
  std::vector<std::string> actors;
  create->add_option("--role", roleText, "worker, starter, operator, viewer or admin")->required();
  create->add_option("--name", name, "who the token is for, as the audit log names it")
      ->default_str("<role>-<8 characters of the token>");
  create->add_option("--actors", actors,
                     "a worker token's actors, e.g. 'MailService#1.0' (default: all)")
      ->delimiter(',');
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  const std::optional<Role> role = parseRole(roleText);
  if (!role) {
    std::cerr << "pledge-server token create: --role: \"" << roleText
              << "\" is not a role; use worker, starter, operator, viewer or admin\n";
    return 2;
  }
  if (!actors.empty() && *role != Role::Worker) {
    std::cerr << "pledge-server token create: --actors: only a worker token names actors\n";
    return 2;
  }
  for (const std::string& actor : actors) {
    if (auto problem = checkActorId(actor)) {
      std::cerr << "pledge-server token create: --actors: " << *problem << "\n";
      return 2;
    }
  }
  const std::string secret = newTokenSecret();
  if (name.empty()) name = fmt::format("{}-{}", roleName(*role), secret.substr(7, 8));
  std::string actorList;
  for (const std::string& actor : actors) {
    actorList += (actorList.empty() ? "" : ", ") + yamlQuoted(actor);
  }
  std::cout << "token (shown once; give it to the client as PLEDGE_TOKEN, --token or token:):\n  "
            << secret << "\n\nadd to the server config (every node of a cluster) under tokens:\n"
            << "  - name: " << yamlQuoted(name) << "\n    role: " << roleName(*role) << "\n";
  if (!actors.empty()) std::cout << "    actors: [" << actorList << "]\n";
  std::cout << "    sha256: " << sha256Hex(secret) << "\n";
  return 0;
}

}  // namespace pledge::server

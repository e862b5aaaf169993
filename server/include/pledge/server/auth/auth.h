// Who may do what: API tokens with roles, and what each route needs (docs/security.md).
//
//   TokenTable tokens({{.name = "mail", .role = Role::Worker, .actors = {"MailService#1.0"},
//                       .sha256 = sha256Hex(secret)}});
//   const Caller caller = tokens.authenticate("Bearer " + secret);  // Unauthenticated if unknown
//   caller.check(Access::Work);                                     // Forbidden if not allowed
//
// A token is a random secret ("pledge_" and 43 base64url characters, 32 bytes) that the server
// never stores: its config holds the token's SHA-256, so a leaked config grants nothing. With no
// tokens configured the server runs open (everyone is an admin) and listens on loopback only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pledge::server {

enum class Role { Worker, Starter, Operator, Viewer, Admin };

// "worker", "starter", ...; parseRole is its inverse (nullopt for an unknown name).
std::string_view roleName(Role role);
std::optional<Role> parseRole(std::string_view name);
std::vector<Role> allRoles();

// What a route needs.
enum class Access {
  Public,       // no token: the console's files, the OpenAPI document, health
  Identify,     // any valid token: who am I
  Work,         // poll, release, heartbeat: worker (for its actors), admin
  Start,        // start processes: starter, admin
  ReadProcess,  // one process, its tasks and result: starter, viewer, operator, admin
  Read,         // lists, queues, actors, cluster, metrics: viewer, operator, admin
  Operate,      // restart, abort, block, unblock: operator, admin
  Signal,       // send events (docs/events.md): starter, operator, admin
  Admin,        // anything no other access names (fail closed): admin
};

std::string_view accessName(Access access);
// The roles that may use a route needing access (every role for Public and Identify).
std::vector<Role> rolesFor(Access access);
bool allows(Role role, Access access);

// A configured token: its name (who, in the audit log), role, the actors a worker token may work
// for (empty: all) and the hex SHA-256 of its secret.
struct TokenEntry {
  std::string name;
  Role role = Role::Viewer;
  std::vector<std::string> actors;
  std::string sha256;
};

// Who sent a request.
struct Caller {
  // The token's name; "anonymous" when the server runs without tokens; empty until known.
  std::string name;
  Role role = Role::Viewer;
  // Empty: every actor.
  std::vector<std::string> actors;

  bool mayUseActor(std::string_view actor) const;
  // Throws Error(Forbidden) naming the role and what the route needs.
  void check(Access access) const;
};

// The configured tokens, looked up by the SHA-256 of what a request presents. Immutable once
// built; thread-safe to read.
class TokenTable {
 public:
  TokenTable() = default;
  // Throws Error(BadRequest) for a duplicate name or hash or a hash that is not 64 hex digits.
  explicit TokenTable(std::vector<TokenEntry> entries);

  // No tokens: the server is open.
  bool empty() const { return byHash_.empty(); }
  // The caller an Authorization header value ("Bearer <token>") stands for. Without tokens every
  // request is the anonymous admin; with tokens a missing, malformed or unknown token throws
  // Error(Unauthenticated) saying what to send.
  Caller authenticate(std::string_view authorization) const;
  // The caller a configured token's name stands for (a forwarded request names its caller);
  // nullopt when there is no such token.
  std::optional<Caller> byName(std::string_view name) const;

 private:
  std::map<std::string, TokenEntry, std::less<>> byHash_;
  // name -> hash (a copy of the table stays valid).
  std::map<std::string, std::string, std::less<>> hashByName_;
};

// Hex SHA-256 of text (OpenSSL).
std::string sha256Hex(std::string_view text);
// A new random token secret: "pledge_" and the base64url of 32 random bytes (OpenSSL RAND_bytes).
std::string newTokenSecret();

}  // namespace pledge::server

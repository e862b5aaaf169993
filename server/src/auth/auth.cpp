#include "pledge/server/auth/auth.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <utility>

#include "pledge/error.h"
#include "pledge/text.h"

namespace pledge::server {
namespace {

struct RoleRow {
  Role role;
  std::string_view name;
};

constexpr std::array kRoles{
    RoleRow{Role::Worker, "worker"},     RoleRow{Role::Starter, "starter"},
    RoleRow{Role::Operator, "operator"}, RoleRow{Role::Viewer, "viewer"},
    RoleRow{Role::Admin, "admin"},
};

constexpr std::string_view kTokenPrefix = "pledge_";

bool isHexDigest(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Caller callerOf(const TokenEntry& entry) { return Caller{entry.name, entry.role, entry.actors}; }

}  // namespace

std::string_view roleName(Role role) {
  for (const RoleRow& row : kRoles) {
    if (row.role == role) return row.name;
  }
  return "admin";
}

std::optional<Role> parseRole(std::string_view name) {
  for (const RoleRow& row : kRoles) {
    if (row.name == name) return row.role;
  }
  return std::nullopt;
}

std::vector<Role> allRoles() {
  std::vector<Role> roles;
  for (const RoleRow& row : kRoles) roles.push_back(row.role);
  return roles;
}

std::string_view accessName(Access access) {
  switch (access) {
    case Access::Public: return "public";
    case Access::Identify: return "identify";
    case Access::Work: return "work";
    case Access::Start: return "start";
    case Access::ReadProcess: return "read-process";
    case Access::Read: return "read";
    case Access::Operate: return "operate";
    case Access::Signal: return "signal";
    case Access::Admin: return "admin";
  }
  return "admin";
}

bool allows(Role role, Access access) {
  if (role == Role::Admin) return true;
  switch (access) {
    case Access::Public:
    case Access::Identify: return true;
    case Access::Work: return role == Role::Worker;
    case Access::Start: return role == Role::Starter;
    case Access::ReadProcess:
      return role == Role::Starter || role == Role::Viewer || role == Role::Operator;
    case Access::Read: return role == Role::Viewer || role == Role::Operator;
    case Access::Operate: return role == Role::Operator;
    case Access::Signal: return role == Role::Starter || role == Role::Operator;
    case Access::Admin: return false;
  }
  return false;
}

std::vector<Role> rolesFor(Access access) {
  std::vector<Role> roles;
  for (Role role : allRoles()) {
    if (allows(role, access)) roles.push_back(role);
  }
  return roles;
}

bool Caller::mayUseActor(std::string_view actor) const {
  return actors.empty() || std::find(actors.begin(), actors.end(), actor) != actors.end();
}

void Caller::check(Access access) const {
  if (allows(role, access)) return;
  std::string needed;
  for (Role allowed : rolesFor(access)) {
    needed += (needed.empty() ? "" : ", ") + std::string(roleName(allowed));
  }
  throw Error(ErrorCode::Forbidden,
              fmt::format("token \"{}\" has role {}; this needs one of: {}", name, roleName(role),
                          needed));
}

TokenTable::TokenTable(std::vector<TokenEntry> entries) {
  for (TokenEntry& entry : entries) {
    PLEDGE_REQUIRE(isHexDigest(entry.sha256),
                   "token \"{}\": sha256 must be 64 lower-case hex digits (pledge-server token "
                   "create prints it)",
                   entry.name);
    PLEDGE_REQUIRE(!entry.name.empty(), "a token needs a name");
    PLEDGE_REQUIRE(!hashByName_.contains(entry.name), "two tokens are named \"{}\"", entry.name);
    PLEDGE_REQUIRE(!byHash_.contains(entry.sha256), "tokens \"{}\" and \"{}\" have the same hash",
                   byHash_[entry.sha256].name, entry.name);
    hashByName_.emplace(entry.name, entry.sha256);
    std::string hash = entry.sha256;
    byHash_.emplace(std::move(hash), std::move(entry));
  }
}

Caller TokenTable::authenticate(std::string_view authorization) const {
  if (empty()) return Caller{"anonymous", Role::Admin, {}};
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) {
    throw Error(ErrorCode::Unauthenticated,
                "this server needs a token: send \"Authorization: Bearer <token>\" (pledge "
                "--token, PLEDGE_TOKEN, token: in the bootstrap YAML)");
  }
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    throw Error(ErrorCode::Unauthenticated,
                "the Authorization header must be \"Bearer <token>\"");
  }
  const std::string_view token = authorization.substr(kBearer.size());
  auto entry = byHash_.find(sha256Hex(token));
  if (entry == byHash_.end()) {
    throw Error(ErrorCode::Unauthenticated,
                "unknown token: it is not in this server's tokens (was it revoked, or made for "
                "another server?)");
  }
  return callerOf(entry->second);
}

std::optional<Caller> TokenTable::byName(std::string_view name) const {
  auto hash = hashByName_.find(name);
  if (hash == hashByName_.end()) return std::nullopt;
  return callerOf(byHash_.at(hash->second));
}

std::string sha256Hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  PLEDGE_ASSERT(EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(),
                           nullptr) == 1,
                "SHA-256 failed");
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string newTokenSecret() {
  std::array<unsigned char, 32> bytes{};
  PLEDGE_ASSERT(RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) == 1,
                "no random bytes from OpenSSL");
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token(kTokenPrefix);
  // base64url without padding: 32 bytes -> 43 characters.
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      token += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) token += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return token;
}

}  // namespace pledge::server

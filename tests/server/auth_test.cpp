// Tokens, roles and the security settings of the server config (auth/auth.h, server_config.h).
#include "pledge/server/auth/auth.h"

#include <gtest/gtest.h>

#include <set>

#include "pledge/error.h"
#include "pledge/server/node/server_config.h"

namespace pledge::server {
namespace {

TEST(Tokens, aNewSecretIsRandomBase64UrlAndItsHashIsSha256) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string secret = newTokenSecret();
    ASSERT_EQ(secret.size(), 7u + 43u);
    ASSERT_TRUE(secret.starts_with("pledge_"));
    ASSERT_EQ(secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789-_",
                                       7),
              std::string::npos);
    EXPECT_TRUE(seen.insert(secret).second);
  }
  // The SHA-256 test vector of "abc".
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Tokens, aRequestIsItsTokensCaller) {
  const std::string secret = newTokenSecret();
  TokenTable tokens({TokenEntry{"mail", Role::Worker, {"Mail#1.0"}, sha256Hex(secret)}});
  Caller caller = tokens.authenticate("Bearer " + secret);
  EXPECT_EQ(caller.name, "mail");
  EXPECT_EQ(caller.role, Role::Worker);
  EXPECT_TRUE(caller.mayUseActor("Mail#1.0"));
  EXPECT_FALSE(caller.mayUseActor("Sms#1.0"));
  EXPECT_EQ(tokens.byName("mail")->actors, std::vector<std::string>{"Mail#1.0"});
  EXPECT_FALSE(tokens.byName("sms"));

  auto codeOf = [&tokens](const std::string& header) {
    try {
      tokens.authenticate(header);
    } catch (const Error& error) {
      return error.code();
    }
    return ErrorCode::Internal;
  };
  EXPECT_EQ(codeOf(""), ErrorCode::Unauthenticated);
  EXPECT_EQ(codeOf(secret), ErrorCode::Unauthenticated) << "no Bearer";
  EXPECT_EQ(codeOf("Bearer " + newTokenSecret()), ErrorCode::Unauthenticated);
  EXPECT_EQ(codeOf("Bearer " + secret + "x"), ErrorCode::Unauthenticated);

  // Without tokens every request is the anonymous admin.
  EXPECT_EQ(TokenTable().authenticate("").role, Role::Admin);
}

TEST(Tokens, aTableRefusesDuplicatesAndBadHashes) {
  const std::string hash = sha256Hex("x");
  EXPECT_THROW(TokenTable({{"a", Role::Admin, {}, hash}, {"a", Role::Admin, {}, sha256Hex("y")}}),
               Error);
  EXPECT_THROW(TokenTable({{"a", Role::Admin, {}, hash}, {"b", Role::Admin, {}, hash}}), Error);
  EXPECT_THROW(TokenTable({{"a", Role::Admin, {}, "ABC"}}), Error);
}

TEST(Roles, eachRoleMayWhatTheDocsSay) {
  EXPECT_TRUE(allows(Role::Worker, Access::Work));
  EXPECT_FALSE(allows(Role::Worker, Access::Start));
  EXPECT_FALSE(allows(Role::Worker, Access::ReadProcess));
  EXPECT_TRUE(allows(Role::Starter, Access::Start));
  EXPECT_TRUE(allows(Role::Starter, Access::ReadProcess));
  EXPECT_FALSE(allows(Role::Starter, Access::Read));
  EXPECT_TRUE(allows(Role::Viewer, Access::Read));
  EXPECT_FALSE(allows(Role::Viewer, Access::Operate));
  EXPECT_TRUE(allows(Role::Operator, Access::Operate));
  EXPECT_TRUE(allows(Role::Operator, Access::Read));
  EXPECT_FALSE(allows(Role::Operator, Access::Work));
  EXPECT_FALSE(allows(Role::Operator, Access::Admin));
  for (Access access : {Access::Public, Access::Identify, Access::Work, Access::Start,
                        Access::ReadProcess, Access::Read, Access::Operate, Access::Admin}) {
    EXPECT_TRUE(allows(Role::Admin, access)) << accessName(access);
  }
  for (Role role : allRoles()) EXPECT_EQ(parseRole(roleName(role)), role);
  try {
    Caller{"v", Role::Viewer, {}}.check(Access::Operate);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::Forbidden);
    EXPECT_EQ(error.message(), "token \"v\" has role viewer; this needs one of: operator, admin");
  }
}

TEST(SecuritySettings, withoutTokensTheServerListensOnLoopback) {
  ServerConfig config;
  EXPECT_EQ(listenAddress(config), "127.0.0.1");
  config.insecure = true;
  EXPECT_EQ(listenAddress(config), "0.0.0.0");
  config.insecure = false;
  config.tokens.push_back({"a", Role::Admin, {}, sha256Hex("s")});
  EXPECT_EQ(listenAddress(config), "0.0.0.0");
  config.address = "10.1.2.3";
  EXPECT_EQ(listenAddress(config), "10.1.2.3");
  EXPECT_TRUE(isLoopback("127.0.0.1"));
  EXPECT_TRUE(isLoopback("::1"));
  EXPECT_FALSE(isLoopback("0.0.0.0"));
}

TEST(SecuritySettings, tokensComeFromTheConfigFile) {
  ServerConfig config;
  applyConfigText("tokens:\n"
                  "  - name: mail\n"
                  "    role: worker\n"
                  "    actors: [\"Mail#1.0\", \"Sms#1.0\"]\n"
                  "    sha256: " + sha256Hex("s") + "\n"
                  "  - {name: ops, role: operator, sha256: " + sha256Hex("t") + "}\n"
                  "insecure: true\n"
                  "node-token: abc\n"
                  "cors-origins: https://a.example\n",
                  "s.yaml", config);
  ASSERT_EQ(config.tokens.size(), 2u);
  EXPECT_EQ(config.tokens[0].actors, (std::vector<std::string>{"Mail#1.0", "Sms#1.0"}));
  EXPECT_EQ(config.tokens[1].role, Role::Operator);
  EXPECT_TRUE(config.insecure);
  EXPECT_EQ(config.nodeToken, "abc");
  EXPECT_EQ(config.corsOrigins, "https://a.example");

  auto errorOf = [](const std::string& text) {
    ServerConfig ignored;
    try {
      applyConfigText(text, "s.yaml", ignored);
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(errorOf("tokens: yes\n"),
            "s.yaml:1: tokens: expected a list of {name, role, actors, sha256}");
  EXPECT_EQ(errorOf("tokens:\n  - {name: a, role: admin, sha: x}\n"),
            "s.yaml:2: tokens[0].sha: unknown key (expected name, role, actors, sha256)");
  EXPECT_EQ(errorOf("tokens:\n  - {name: a, sha256: x}\n"), "s.yaml:2: tokens[0].role: missing");
  EXPECT_EQ(errorOf("insecure: maybe\n"), "s.yaml:1: insecure: expected true or false");
}

}  // namespace
}  // namespace pledge::server

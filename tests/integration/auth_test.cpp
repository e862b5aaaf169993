// Who may do what, on a real pledge-server with tokens made by `pledge-server token create`:
// every route of the OpenAPI document walked with every role (401 without or with an unknown
// token, 403 for a role the route does not allow, served otherwise), a worker token bound to its
// actors, cross-site requests, forwarded requests without a node token, the audit line, and the
// secure default (no tokens: loopback only).
#include <gtest/gtest.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "pledge/json.h"
#include "pledge/uuid.h"
#include "bootstrap_process.h"
#include "server_process.h"
#include "subprocess.h"

namespace pledge::testing {
namespace {

namespace fs = std::filesystem;

// The roles the issue gives each route (docs/security.md); the server's document must say the
// same and the server must enforce it.
const std::map<std::string, std::set<std::string>>& expectedRoles() {
  static const std::set<std::string> kAll = {"worker", "starter", "operator", "viewer", "admin"};
  static const std::set<std::string> kWork = {"worker", "admin"};
  static const std::set<std::string> kStart = {"starter", "admin"};
  static const std::set<std::string> kReadOne = {"starter", "viewer", "operator", "admin"};
  static const std::set<std::string> kRead = {"viewer", "operator", "admin"};
  static const std::set<std::string> kOperate = {"operator", "admin"};
  static const std::set<std::string> kSignal = {"starter", "operator", "admin"};
  static const std::map<std::string, std::set<std::string>> roles = {
      {"GET /api/v1/openapi.json", kAll},
      {"GET /api/v1/whoami", kAll},
      {"POST /api/v1/processes", kStart},
      {"POST /api/v1/processes/batch", kStart},
      {"GET /api/v1/processes", kRead},
      {"GET /api/v1/processes/{id}", kReadOne},
      {"GET /api/v1/processes/{id}/tasks", kReadOne},
      {"GET /api/v1/processes/{id}/result", kReadOne},
      {"POST /api/v1/processes/{id}/restart", kOperate},
      {"POST /api/v1/processes/{id}/abort", kOperate},
      {"POST /api/v1/processes/{id}/pause", kOperate},
      {"POST /api/v1/processes/{id}/resume", kOperate},
      {"POST /api/v1/processes/{id}/events", kSignal},
      {"POST /api/v1/events", kSignal},
      {"GET /api/v1/events", kRead},
      {"POST /api/v1/tasks/poll", kWork},
      {"POST /api/v1/tasks/release", kWork},
      {"GET /api/v1/tasks/{id}", kRead},
      {"POST /api/v1/tasks/{id}/heartbeat", kWork},
      {"GET /api/v1/queues", kRead},
      {"GET /api/v1/actors", kRead},
      {"POST /api/v1/actors/{actor}/block", kOperate},
      {"POST /api/v1/actors/{actor}/unblock", kOperate},
      {"GET /api/v1/limits", kRead},
      {"PUT /api/v1/limits", kOperate},
      {"DELETE /api/v1/limits", kOperate},
      {"POST /api/v1/workflows", {"admin"}},
      {"GET /api/v1/workflows", kRead},
      {"GET /api/v1/workflows/{name}", kRead},
      {"GET /api/v1/workflows/{name}/{version}", kRead},
      {"POST /api/v1/schedules", kOperate},
      {"GET /api/v1/schedules", kRead},
      {"GET /api/v1/schedules/{id}", kRead},
      {"PUT /api/v1/schedules/{id}", kOperate},
      {"DELETE /api/v1/schedules/{id}", kOperate},
      {"POST /api/v1/schedules/{id}/pause", kOperate},
      {"POST /api/v1/schedules/{id}/resume", kOperate},
      {"POST /api/v1/schedules/{id}/trigger", kOperate},
      {"GET /api/v1/cluster", kRead},
      {"GET /api/v1/retention", kRead},
      {"POST /api/v1/retention/run", {"admin"}},
      {"GET /metrics", kRead},
  };
  return roles;
}

class Auth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tokens_ = new std::map<std::string, MadeToken>();
    std::string config = "tokens:\n";
    for (const char* role : {"worker", "starter", "operator", "viewer", "admin"}) {
      MadeToken token = makeToken(role, std::string(role) + "-1");
      EXPECT_EQ(token.secret.size(), 7u + 43u);
      EXPECT_NE(token.entry.find("sha256: "), std::string::npos) << token.entry;
      config += token.entry;
      (*tokens_)[role] = std::move(token);
    }
    for (const auto& [name, actor] : {std::pair{"scoped", "Scoped#1.0"},
                                      std::pair{"other", "Other#1.0"}}) {
      MadeToken token = makeToken("worker", name, actor);
      config += token.entry;
      (*tokens_)[name] = std::move(token);
    }
    configFile_ = new std::string(
        (fs::temp_directory_path() / ("pledge-auth-" + Uuid::random().toString() + ".yaml"))
            .string());
    config += "cors-origins: https://ops.example, https://admin.example\n";
    std::ofstream(*configFile_) << config;
    server_ = new ServerProcess(std::vector<std::string>{"--config", *configFile_});
  }

  static void TearDownTestSuite() {
    delete server_;
    fs::remove(*configFile_);
    delete configFile_;
    delete tokens_;
  }

  // A client that sends the token of name ("" for none).
  static std::unique_ptr<HttpClient> as(const std::string& name) {
    auto client = std::make_unique<HttpClient>("127.0.0.1", server_->port());
    if (!name.empty()) {
      const std::string secret =
          tokens_->contains(name) ? tokens_->at(name).secret : name;  // a bogus one as is
      client->setHeader("Authorization", "Bearer " + secret);
    }
    return client;
  }

  static std::string secret(const std::string& name) { return tokens_->at(name).secret; }

  static std::map<std::string, MadeToken>* tokens_;
  static std::string* configFile_;
  static ServerProcess* server_;
};

std::map<std::string, MadeToken>* Auth::tokens_ = nullptr;
std::string* Auth::configFile_ = nullptr;
ServerProcess* Auth::server_ = nullptr;

std::string concrete(const std::string& path) {
  std::string out = path;
  auto replace = [&out](const std::string& from, const std::string& to) {
    if (auto at = out.find(from); at != std::string::npos) out.replace(at, from.size(), to);
  };
  replace("{id}", Uuid::random().toString());
  replace("{actor}", "Walked%231.0");
  return out;
}

TEST_F(Auth, everyRouteWithEveryRole) {
  const Json doc = as("")->get("/api/v1/openapi.json").json();
  EXPECT_TRUE(doc["components"]["securitySchemes"].contains("bearerToken"));
  std::set<std::string> walked;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string verb = method;
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const std::string route = verb + " " + path;
      walked.insert(route);
      ASSERT_TRUE(expectedRoles().contains(route)) << route << " has no expected roles here";
      const std::set<std::string>& allowed = expectedRoles().at(route);
      const std::set<std::string> stated = operation["x-pledge-roles"].get<std::set<std::string>>();
      EXPECT_EQ(stated, allowed) << route;
      const bool open = allowed.size() == 5 && route != "GET /api/v1/whoami";
      for (const std::string caller : {"", "pledge_unknown", "worker", "starter", "operator",
                                        "viewer", "admin"}) {
        const std::string target = concrete(path);
        HttpResult answer = as(caller)->request(verb, target, verb == "POST" ? "{}" : "");
        const std::string role = caller.starts_with("pledge_") ? "" : caller;
        SCOPED_TRACE(route + " as " + (caller.empty() ? "nobody" : caller) + ": " +
                     std::to_string(answer.status) + " " + answer.body);
        if (open) {
          EXPECT_NE(answer.status, 401);
          EXPECT_NE(answer.status, 403);
        } else if (role.empty()) {
          EXPECT_EQ(answer.status, 401);
          EXPECT_EQ(answer.json()["error"]["code"], "unauthenticated");
        } else if (allowed.contains(role)) {
          EXPECT_NE(answer.status, 401);
          EXPECT_NE(answer.status, 403);
        } else {
          EXPECT_EQ(answer.status, 403);
          EXPECT_EQ(answer.json()["error"]["code"], "forbidden");
          EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("role " + role),
                    std::string::npos);
        }
      }
    }
  }
  EXPECT_EQ(walked.size(), expectedRoles().size()) << "a route of the test is not in the document";
}

TEST_F(Auth, whoamiNamesTheTokenAndWhatItMay) {
  Json viewer = as("viewer")->get("/api/v1/whoami").json();
  EXPECT_EQ(viewer["name"], "viewer-1");
  EXPECT_EQ(viewer["role"], "viewer");
  EXPECT_EQ(viewer["open"], false);
  EXPECT_EQ(viewer["may"], Json::array({"read-process", "read"}));
  Json scoped = as("scoped")->get("/api/v1/whoami").json();
  EXPECT_EQ(scoped["actors"], Json::array({"Scoped#1.0"}));
}

TEST_F(Auth, aWorkerTokenWorksOnlyForItsActors) {
  HttpResult started = as("starter")->post(
      "/api/v1/processes", R"({"actor":"Scoped#1.0","method":"start","args":[]})");
  ASSERT_EQ(started.status, 201) << started.body;
  const std::string poll = R"({"actors":[{"actor":"Scoped#1.0"}],"max":1,"waitMs":5000})";
  HttpResult refused = as("other")->post("/api/v1/tasks/poll", poll);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("Scoped#1.0"), std::string::npos);

  HttpResult polled = as("scoped")->post("/api/v1/tasks/poll", poll);
  ASSERT_EQ(polled.status, 200) << polled.body;
  ASSERT_EQ(polled.json()["tasks"].size(), 1u) << polled.body;
  const Json task = polled.json()["tasks"][0];
  const std::string taskId = task["taskId"];
  const Json decision = {{"taskId", taskId}, {"attempt", task["attempt"]}, {"result", 7},
                         {"tasks", Json::array()}};

  HttpResult forged = as("other")->post("/api/v1/tasks/release",
                                        Json{{"decisions", Json::array({decision})}});
  EXPECT_EQ(forged.status, 403) << forged.body;
  EXPECT_EQ(forged.json()["results"][0]["status"], "rejected");
  EXPECT_EQ(forged.json()["results"][0]["error"]["code"], "forbidden");
  HttpResult beat = as("other")->post("/api/v1/tasks/" + taskId + "/heartbeat",
                                      Json{{"attempt", task["attempt"]}});
  EXPECT_EQ(beat.status, 403) << beat.body;

  HttpResult released = as("scoped")->post("/api/v1/tasks/release",
                                           Json{{"decisions", Json::array({decision})}});
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_EQ(released.json()["results"][0]["status"], "accepted");
  const std::string processId = started.json()["processId"];
  HttpResult result = as("starter")->get("/api/v1/processes/" + processId + "/result?waitMs=5000");
  EXPECT_EQ(result.json()["result"], 7) << result.body;
}

TEST_F(Auth, aCrossSiteRequestIsRefused) {
  auto admin = as("admin");
  admin->setHeader("Origin", "http://evil.example");
  HttpResult crossSite = admin->post("/api/v1/actors/Cross%231.0/block", "");
  EXPECT_EQ(crossSite.status, 403) << crossSite.body;
  EXPECT_NE(crossSite.body.find("cross-site"), std::string::npos);
  admin->setHeader("Origin", "http://127.0.0.1");  // the Host the client sends
  EXPECT_EQ(admin->post("/api/v1/actors/Cross%231.0/block", "").status, 200);
}

TEST_F(Auth, pagesOfAllowedOriginsMayCallTheApi) {
  auto page = as("operator");
  page->setHeader("Origin", "https://ops.example");
  HttpResult preflight = page->request("OPTIONS", "/api/v1/actors/Cors%231.0/block", "");
  EXPECT_EQ(preflight.status, 204) << preflight.body;
  EXPECT_EQ(preflight.headers["Access-Control-Allow-Origin"], "https://ops.example");
  EXPECT_EQ(preflight.headers["Access-Control-Allow-Headers"], "Authorization, Content-Type");
  HttpResult blocked = page->post("/api/v1/actors/Cors%231.0/block", "");
  EXPECT_EQ(blocked.status, 200) << blocked.body;
  EXPECT_EQ(blocked.headers["Access-Control-Allow-Origin"], "https://ops.example");
  page->setHeader("Origin", "https://elsewhere.example");
  EXPECT_EQ(page->request("OPTIONS", "/api/v1/actors/Cors%231.0/block", "").status, 405);
  EXPECT_EQ(page->post("/api/v1/actors/Cors%231.0/unblock", "").status, 403);
}

TEST_F(Auth, aForwardedRequestNeedsANodeToken) {
  auto viewer = as("viewer");
  viewer->setHeader("X-Pledge-Forwarded", "intruder");
  viewer->setHeader("X-Pledge-Caller", "admin-1");
  HttpResult posing = viewer->post("/api/v1/actors/Fwd%231.0/block", "");
  EXPECT_EQ(posing.status, 403) << posing.body;
  EXPECT_NE(posing.body.find("node token"), std::string::npos);

  auto node = as("admin");
  node->setHeader("X-Pledge-Forwarded", "node-2");
  node->setHeader("X-Pledge-Caller", "viewer-1");
  EXPECT_EQ(node->get("/api/v1/processes").status, 200);
  EXPECT_EQ(node->post("/api/v1/actors/Fwd%231.0/block", "").status, 403)
      << "a forwarded request keeps its caller's role";
  node->setHeader("X-Pledge-Caller", "nobody-known");
  EXPECT_EQ(node->get("/api/v1/processes").status, 401);
}

TEST_F(Auth, everyChangeIsAudited) {
  ASSERT_EQ(as("operator")->post("/api/v1/actors/Audited%231.0/block", "").status, 200);
  ASSERT_EQ(as("viewer")->post("/api/v1/actors/Audited%231.0/unblock", "").status, 403);
  const std::string log = server_->log();
  EXPECT_NE(log.find(R"("audit":"POST /api/v1/actors/{actor}/block")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("id":"Audited#1.0")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("who":"operator-1")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("audit":"POST /api/v1/actors/{actor}/unblock","role":"viewer",)"
                     R"("status":403,"who":"viewer-1")"),
            std::string::npos)
      << "a refused attempt is audited too: " << log;
}

// The tools with tokens: pledge-bootstrap reads a worker token from tokenFile:, the CLI takes
// --token; the notification processes run to completion.
TEST_F(Auth, runnersAndTheCliWorkWithTokens) {
  const fs::path dir = fs::temp_directory_path() / ("pledge-auth-" + Uuid::random().toString());
  fs::create_directories(dir);
  MadeToken workers = makeToken(
      "worker", "ignored", "NotificationDecider#1.0,UserProfileService#1.0,MailService#1.0");
  // (That one is not configured; it shows --actors takes a list.)
  EXPECT_NE(workers.entry.find(R"(actors: ["NotificationDecider#1.0", )"
                               R"("UserProfileService#1.0", "MailService#1.0"])"),
            std::string::npos)
      << workers.entry;
  std::ofstream(dir / "worker.token") << secret("worker") << "\n";
  std::ofstream(dir / "actors.yaml")
      << "servers: [\"" << server_->url() << "\"]\n"
      << "plugins: [\"" << buildBinary("examples/notification/libnotification_actors.so")
      << "\"]\n"
      << "tokenFile: worker.token\n"
      << "actors:\n"
      << "  - {actor: \"NotificationDecider#1.0\", threads: 1}\n"
      << "  - {actor: \"UserProfileService#1.0\", threads: 1}\n"
      << "  - {actor: \"MailService#1.0\", threads: 1}\n"
      << "  - {actor: \"SMSService#1.0\", threads: 1}\n";
  BootstrapProcess runners((dir / "actors.yaml").string(), server_->url());

  auto pledge = [&dir](std::vector<std::string> args) {
    const std::string log = (dir / "cli.log").string();
    args.insert(args.begin(), buildBinary("cli/pledge"));
    const pid_t pid = spawnProcess(args, log);
    const int status = waitForExit(pid, 120'000).value_or(-1);
    return std::pair{status, readFile(log)};
  };
  auto [started, startOutput] =
      pledge({"--server", server_->url(), "--token", secret("starter"), "start",
              "NotificationDecider#1.0", "start", R"(["user-{i}", "hi"])", "--count", "5",
              "--wait"});
  EXPECT_EQ(started, 0) << startOutput << runners.log();
  auto [anonymous, refusal] = pledge({"--server", server_->url(), "whoami"});
  EXPECT_EQ(anonymous, 1) << refusal;
  EXPECT_NE(refusal.find("needs a token"), std::string::npos) << refusal;
  auto [known, whoami] =
      pledge({"--server", server_->url(), "--token", secret("operator"), "whoami"});
  EXPECT_EQ(known, 0) << whoami;
  EXPECT_NE(whoami.find("operator-1 (operator)"), std::string::npos) << whoami;
  fs::remove_all(dir);
}

TEST(SecureDefault, noTokensMeansLoopbackOnly) {
  auto [status, output] = runServerCommand({"--port", "0", "--address", "0.0.0.0"});
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("add tokens (pledge-server token create) or pass --insecure"),
            std::string::npos)
      << output;

  ServerProcess open(std::vector<std::string>{"--address", "0.0.0.0", "--insecure"});
  HttpClient client("127.0.0.1", open.port());
  EXPECT_NE(client.get("/metrics").body.find("pledge_insecure 1"), std::string::npos);
  EXPECT_NE(open.log().find("--insecure: listening on 0.0.0.0 without tokens"), std::string::npos)
      << open.log();
  Json caller = client.get("/api/v1/whoami").json();
  EXPECT_EQ(caller["open"], true);
  EXPECT_EQ(caller["role"], "admin");

  ServerProcess local;
  HttpClient localClient("127.0.0.1", local.port());
  EXPECT_NE(localClient.get("/metrics").body.find("pledge_insecure 0"), std::string::npos);
  EXPECT_NE(local.log().find("no tokens configured"), std::string::npos) << local.log();
}

TEST(SecureDefault, badTokensConfigNamesFileLineAndKey) {
  const std::string file =
      (fs::temp_directory_path() / ("pledge-auth-bad-" + Uuid::random().toString() + ".yaml"))
          .string();
  std::ofstream(file) << "tokens:\n  - name: a\n    role: wizard\n    sha256: "
                      << std::string(64, 'a') << "\n";
  auto [status, output] = runServerCommand({"--config", file});
  EXPECT_EQ(status, 2);
  EXPECT_NE(output.find(file + ":3: tokens[0].role: \"wizard\" is not a role"), std::string::npos)
      << output;
  std::ofstream(file) << "tokens:\n  - name: a\n    role: admin\n    sha256: abc\n";
  std::tie(status, output) = runServerCommand({"--config", file});
  EXPECT_EQ(status, 2);
  EXPECT_NE(output.find("sha256 must be 64"), std::string::npos) << output;
  fs::remove(file);
}

}  // namespace
}  // namespace pledge::testing

// Schedules over REST on a real pledge-server (docs/operations.md "Schedules"): an `@every 1s`
// schedule starts processes with the derived customIds, which a raw REST worker completes;
// trigger, pause, delete; bad input named; a workflow started by a schedule; kill -9 of the
// server: no fire doubled, the fires missed meanwhile caught up within the window.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <set>
#include <thread>

#include "pledge/schedule.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

Json everySecond(const std::string& id, Json more = Json::object()) {
  Json schedule = {{"id", id},
                   {"cron", "@every 1s"},
                   {"start", {{"actor", "Tick#1"}, {"method", "start"}, {"args", {1}}}},
                   {"overlap", "allow"}};
  schedule.update(more);
  return schedule;
}

// Completes every Tick#1 process (its one start task) until stopped; survives a dead server.
class TickWorker {
 public:
  explicit TickWorker(std::uint16_t port) { start(port); }
  ~TickWorker() { stop(); }
  void start(std::uint16_t port) {
    stopping_ = false;
    thread_ = std::thread([this, port] {
      while (!stopping_) {
        try {
          TestApi api(port);
          for (const PolledTask& task : api.poll("Tick#1", 50, 200)) {
            api.releaseStatus(valueOf(task, 1));
          }
        } catch (const std::exception&) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
      }
    });
  }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

// The fire times (epoch ms) of the processes the schedule's fires started (not its triggers),
// read back from their customIds, ascending.
std::vector<std::int64_t> fireTimes(HttpClient& http, const std::string& id) {
  Json page = http.get("/api/v1/processes?limit=1000").json();
  std::vector<std::int64_t> times;
  const std::string prefix = "schedule:" + id + "@";
  for (const Json& process : page.at("items")) {
    const std::string customId = process.value("customId", "");
    if (!customId.starts_with(prefix) || customId.starts_with(prefix + "trigger:")) continue;
    std::optional<std::int64_t> at = fireTimeOfCustomId(customId);
    EXPECT_TRUE(at.has_value()) << customId;
    if (at) times.push_back(*at);
  }
  std::sort(times.begin(), times.end());
  return times;
}

void expectConsecutiveSeconds(const std::vector<std::int64_t>& times) {
  for (std::size_t i = 1; i < times.size(); ++i) {
    EXPECT_EQ(times[i] - times[i - 1], 1'000) << "fire " << i << " of " << times.size();
  }
}

TEST(ScheduleRest, anEverySecondScheduleStartsProcessesThatCompleteUntilPaused) {
  ServerProcess server;
  TestApi api(server.port());
  HttpClient& http = api.http();
  TickWorker worker(server.port());
  HttpResult created = http.post("/api/v1/schedules", everySecond("tick"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(http.post("/api/v1/schedules", everySecond("tick")).status, 200);
  EXPECT_EQ(http.post("/api/v1/schedules", everySecond("tick", {{"overlap", "skip"}})).status, 409);

  std::this_thread::sleep_for(std::chrono::milliseconds(3'500));
  std::vector<std::int64_t> times = fireTimes(http, "tick");
  ASSERT_GE(times.size(), 2U) << server.log();
  expectConsecutiveSeconds(times);

  HttpResult triggered = http.post("/api/v1/schedules/tick/trigger", "");
  ASSERT_EQ(triggered.status, 200) << triggered.body;
  EXPECT_TRUE(
      triggered.json().at("customId").get<std::string>().starts_with("schedule:tick@trigger:"));
  ProcessInfo fired = api.awaitResult(triggered.json().at("processId").get<Uuid>(), 10'000);
  EXPECT_EQ(fired.state, ProcessState::Completed);

  HttpResult paused = http.post("/api/v1/schedules/tick/pause", "");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_TRUE(paused.json().at("nextFireAt").is_null());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a fire under way ends
  const std::size_t firesWhenPaused = fireTimes(http, "tick").size();
  std::this_thread::sleep_for(std::chrono::milliseconds(2'500));
  EXPECT_EQ(fireTimes(http, "tick").size(), firesWhenPaused);

  Json one = http.get("/api/v1/schedules/tick").json();
  EXPECT_TRUE(one.at("paused").get<bool>());
  EXPECT_TRUE(one.at("upcoming").empty());
  ASSERT_FALSE(one.at("recent").empty());
  EXPECT_EQ(one.at("recent")[0].at("processId"), triggered.json().at("processId"));
  for (const Json& process : http.get("/api/v1/processes?limit=1000").json().at("items")) {
    EXPECT_EQ(api.awaitResult(process.at("processId").get<Uuid>(), 10'000).state,
              ProcessState::Completed);
  }
  const std::string metrics = http.get("/metrics").body;
  EXPECT_NE(metrics.find("pledge_schedule_fires_total"), std::string::npos);
  EXPECT_NE(metrics.find("pledge_schedule_skipped_total"), std::string::npos);

  EXPECT_EQ(http.get("/api/v1/schedules").json().at("items").size(), 1U);
  EXPECT_EQ(http.request("DELETE", "/api/v1/schedules/tick", "").status, 204);
  EXPECT_EQ(http.request("DELETE", "/api/v1/schedules/tick", "").status, 404);
  EXPECT_EQ(http.get("/api/v1/schedules/tick").status, 404);
}

TEST(ScheduleRest, badInputIsRefusedNamingTheField) {
  ServerProcess server;
  HttpClient http("127.0.0.1", server.port());
  auto messageOf = [&](const Json& body) {
    HttpResult answer = http.post("/api/v1/schedules", body);
    EXPECT_GE(answer.status, 400) << answer.body;
    EXPECT_LT(answer.status, 500) << answer.body;
    return answer.json()["error"]["message"].get<std::string>();
  };
  EXPECT_TRUE(messageOf(everySecond("a", {{"cron", "@every"}})).starts_with("cron: "));
  EXPECT_TRUE(messageOf(everySecond("a", {{"timeZone", "Nowhere"}})).starts_with("timeZone: "));
  EXPECT_TRUE(messageOf(everySecond("a", {{"start", {{"actor", "Tick"}, {"method", "s"}}}}))
                  .starts_with("start.actor: "));
  EXPECT_TRUE(messageOf(everySecond("a", {{"start", {{"actor", "workflow:none"}}}}))
                  .starts_with("start.actor: no workflow"));
  EXPECT_TRUE(messageOf(everySecond("a b")).starts_with("id: "));
  EXPECT_TRUE(messageOf(everySecond("a", {{"overlap", "queue"}})).starts_with("overlap: "));
  HttpResult mismatch = http.request("PUT", "/api/v1/schedules/a", everySecond("b").dump());
  EXPECT_EQ(mismatch.status, 400) << mismatch.body;
  EXPECT_EQ(http.request("PUT", "/api/v1/schedules/a", everySecond("a").dump()).status, 404);
  EXPECT_EQ(http.post("/api/v1/schedules/none/trigger", "").status, 404);
  EXPECT_TRUE(http.get("/api/v1/schedules").json().at("items").empty());
}

TEST(ScheduleRest, aScheduleStartsAWorkflowWithItsInput) {
  ServerProcess server;
  TestApi api(server.port());
  HttpClient& http = api.http();
  ASSERT_EQ(http.post("/api/v1/workflows", parseJson(R"({
    "name": "once", "version": 1, "inputParameters": ["x"],
    "tasks": [{"name": "double", "taskReferenceName": "a",
               "inputParameters": {"x": "${workflow.input.x}"}}],
    "outputParameters": {"doubled": "${a.output}"}})"))
                .status,
            201);
  Json schedule = {{"id", "nightly"},
                   {"cron", "@every 1d"},
                   {"start", {{"actor", "workflow:once"}, {"input", {{"x", 21}}}}}};
  ASSERT_EQ(http.post("/api/v1/schedules", schedule).status, 201);
  HttpResult triggered = http.post("/api/v1/schedules/nightly/trigger", "");
  ASSERT_EQ(triggered.status, 200) << triggered.body;
  std::vector<PolledTask> tasks = api.poll("double#1", 1, 10'000);
  ASSERT_EQ(tasks.size(), 1U);
  EXPECT_EQ(api.releaseStatus(valueOf(tasks[0], tasks[0].args.at(0).value["x"].get<int>() * 2)),
            "accepted");
  ProcessInfo done = api.awaitResult(triggered.json().at("processId").get<Uuid>(), 10'000);
  ASSERT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, (Json{{"doubled", 42}}));
}

TEST(ScheduleRest, killDashNineDoublesNoFireAndCatchesUpTheMissedOnes) {
  ServerProcess server(ServerOptions{.stickyPort = true});
  TestApi api(server.port());
  HttpClient& http = api.http();
  TickWorker worker(server.port());
  ASSERT_EQ(
      http.post("/api/v1/schedules", everySecond("crash", {{"catchupWindowMs", 60'000}})).status,
      201);
  while (fireTimes(http, "crash").size() < 2) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  server.stop(SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(3'000));  // fires missed meanwhile
  server.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::vector<std::int64_t> times;
  for (;;) {
    times = fireTimes(http, "crash");
    if (times.size() >= 8 || std::chrono::steady_clock::now() > deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_GE(times.size(), 8U) << server.log();
  EXPECT_EQ(std::set<std::int64_t>(times.begin(), times.end()).size(), times.size());
  expectConsecutiveSeconds(times);
  worker.stop();
}

}  // namespace
}  // namespace pledge::testing

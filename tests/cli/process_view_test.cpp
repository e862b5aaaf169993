#include "pledge/cli/process_view.h"

#include <gtest/gtest.h>

namespace pledge::cli {
namespace {

TEST(ProcessView, drawsTheDecisionTreeWithPromiseEdges) {
  Json process = parseJson(R"({"processId":"p1","actor":"D#1","method":"start","state":"broken",
    "startedAt":1000,"endedAt":null,"customId":"order-1","result":null,
    "error":{"type":"Down","message":"smtp"},"failedTaskId":"t3"})");
  Json tasks = parseJson(R"([
    {"taskId":"t1","parentId":null,"method":"start","type":"decider","actor":"D#1","state":"completed",
     "attempts":1,"args":[{"value":1}],"forwardTo":"t4","result":null},
    {"taskId":"t2","parentId":"t1","method":"get","type":"worker","actor":"W#1","state":"completed",
     "attempts":1,"args":[],"forwardTo":null,"result":{"a":1}},
    {"taskId":"t3","parentId":"t1","method":"send","type":"worker","actor":"M#1","state":"failed",
     "attempts":3,"args":[{"promise":"t2"},{"promise":"t2","noWait":true}],"forwardTo":null,
     "error":{"type":"Down","message":"smtp"}},
    {"taskId":"t4","parentId":"t1","method":"after","type":"decider","actor":"D#1","state":"waiting",
     "attempts":0,"args":[{"list":[{"promise":"t3","acceptFail":true}]}],"forwardTo":null}
  ])");
  std::string text = renderProcess(process, tasks, RenderOptions{.colour = false, .now = 6000});
  EXPECT_NE(text.find("process p1  D#1.start  broken  customId order-1  started 5s ago"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("error  Down: smtp  (task #3)"), std::string::npos) << text;
  EXPECT_NE(text.find("#1 start ◆  D#1  completed  = #4"), std::string::npos) << text;
  EXPECT_NE(text.find("├─ #2 get ●  W#1  completed  → {\"a\":1}"), std::string::npos) << text;
  EXPECT_NE(text.find("├─ #3 send ●  M#1  failed (attempt 3)  ← #2 ⇢ #2  Down: \"smtp\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("└─ #4 after ◆  D#1  waiting  ← #3?"), std::string::npos) << text;
}

TEST(ProcessView, showsTheDeadlineAndThatTheProcessTimedOut) {
  Json running = parseJson(R"({"processId":"p1","actor":"D#1","method":"start","state":"running",
    "startedAt":1000,"endedAt":null,"customId":null,"result":null,"deadline":3601000})");
  std::string text = renderProcess(running, Json::array(), RenderOptions{.colour = false,
                                                                        .now = 1000});
  EXPECT_NE(text.find("started just now  deadline in 1 h"), std::string::npos) << text;
  Json broken = running;
  broken["state"] = "broken";
  broken["error"] = {{"type", "pledge.Timeout"}, {"message", "the process's deadline passed"}};
  broken["failedTaskId"] = "t1";
  text = renderProcess(broken, Json::array(), RenderOptions{.colour = false, .now = 1000});
  EXPECT_NE(text.find("timed out  error  pledge.Timeout: the process's deadline passed"),
            std::string::npos)
      << text;
}

TEST(ProcessView, eventAndTimerTasksSayWhatTheyWaitFor) {
  Json process = parseJson(R"({"processId":"p2","actor":"P#1","method":"order","state":"running",
    "startedAt":1000,"endedAt":null,"customId":null,"result":null})");
  Json tasks = parseJson(R"([
    {"taskId":"t1","parentId":null,"method":"order","type":"decider","actor":"P#1",
     "state":"completed","attempts":1,"args":[],"forwardTo":"t2","result":null},
    {"taskId":"t2","parentId":"t1","method":"pizzaReady","type":"event","actor":"P#1",
     "state":"listening","attempts":0,"args":[{"value":"order-7"}],"forwardTo":null,
     "deadline":126000},
    {"taskId":"t3","parentId":"t1","method":"after","type":"timer","actor":"P#1",
     "state":"scheduled","attempts":0,"args":[],"forwardTo":null}
  ])");
  std::string text = renderProcess(process, tasks, RenderOptions{.colour = false, .now = 6000});
  EXPECT_NE(text.find("├─ #2 pizzaReady ✉  P#1  listening  key \"order-7\", times out in 2 min"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("└─ #3 after ◷  P#1  scheduled"), std::string::npos) << text;
  EXPECT_NE(text.find("✉ event  ◷ timer"), std::string::npos) << text;
}

TEST(ProcessView, durationsAndRelativeTimesAreShort) {
  EXPECT_EQ(humanDuration(340), "340 ms");
  EXPECT_EQ(humanDuration(4200), "4.2 s");
  EXPECT_EQ(humanDuration(180'000), "3 min");
  EXPECT_EQ(relativeTime(1000, 1500), "just now");
  EXPECT_EQ(relativeTime(1000, 4000), "3s ago");
  EXPECT_EQ(relativeTime(5000, 1000), "in 4.0 s");
  EXPECT_EQ(paintState("failed", true), "\x1b[31mfailed\x1b[0m");
  EXPECT_EQ(paintState("failed", false), "failed");
}

}  // namespace
}  // namespace pledge::cli

// pledge event send against a recording HTTP server: what it sends, what it says about the
// delivery, and the command lines it refuses before sending anything.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli_run.h"
#include "pledge/cli/cli_app.h"
#include "pledge/event.h"
#include "recording_server.h"

namespace pledge::cli {
namespace {

constexpr const char* kEvents = "/api/v1/events";

class EventSend : public ::testing::Test {
 protected:
  Outcome run(const std::vector<std::string>& args) { return runPledge(server_.url(), args); }

  // Answers POST /api/v1/events with delivery.
  void deliver(const EventDelivery& delivery, const std::string& target = kEvents) {
    server_.answer(target, Json(delivery).dump());
  }

  testing::RecordingServer server_;
};

TEST_F(EventSend, sendsTheEventAndSaysHowManyWaitingTasksItResolved) {
  deliver({.name = "pizzaReady", .key = "order-42", .id = "e-1", .resolved = 1});
  Outcome sent = run({"event", "send", "pizzaReady", "order-42", R"({"ready":true})", "--id", "e-1",
                      "--retention-ms", "60000"});
  EXPECT_EQ(sent.status, kExitOk) << sent.err;
  EXPECT_EQ(sent.out, "pizzaReady order-42: resolved 1 waiting task\n");
  EXPECT_EQ(server_.bodies(kEvents),
            std::vector<std::string>{R"({"id":"e-1","key":"order-42","name":"pizzaReady",)"
                                     R"("payload":{"ready":true},"retentionMs":60000})"});

  deliver({.name = "pizzaReady", .key = "order-42", .resolved = 3});
  EXPECT_EQ(run({"event", "send", "pizzaReady", "order-42"}).out,
            "pizzaReady order-42: resolved 3 waiting tasks\n");
  EXPECT_EQ(server_.bodies(kEvents).at(1),
            R"({"key":"order-42","name":"pizzaReady","payload":null})");
}

TEST_F(EventSend, saysWhenTheEventIsKeptOrADuplicate) {
  deliver({.name = "pizzaReady", .key = "order-43", .resolved = 0, .kept = true});
  EXPECT_EQ(run({"event", "send", "pizzaReady", "order-43", "7"}).out,
            "pizzaReady order-43: kept for 24 h by default (nobody waits yet)\n");
  EXPECT_EQ(run({"event", "send", "pizzaReady", "order-43", "7", "--retention-ms", "300000"}).out,
            "pizzaReady order-43: kept for 5 min (nobody waits yet)\n");

  deliver({.name = "pizzaReady", .key = "order-43", .resolved = 0, .kept = false});
  EXPECT_EQ(run({"event", "send", "pizzaReady", "order-43", "--retention-ms", "0"}).out,
            "pizzaReady order-43: nobody waits, and it was not kept (retention 0)\n");

  deliver({.name = "pizzaReady",
           .key = "order-42",
           .id = "e-1",
           .resolved = 1,
           .kept = false,
           .duplicate = true});
  EXPECT_EQ(run({"event", "send", "pizzaReady", "order-42", "--id", "e-1"}).out,
            "pizzaReady order-42: duplicate of an earlier event (id e-1): nothing changed\n");
}

TEST_F(EventSend, jsonPrintsTheDelivery) {
  const EventDelivery delivery{.name = "paid", .key = "o-1", .id = "x", .resolved = 2};
  deliver(delivery);
  Outcome sent = run({"--json", "event", "send", "paid", "o-1", R"("cash")", "--id", "x"});
  EXPECT_EQ(sent.status, kExitOk) << sent.err;
  EXPECT_EQ(parseJson(sent.out).get<EventDelivery>(), delivery);
  EXPECT_EQ(parseJson(server_.bodies(kEvents).at(0)).at("payload"), "cash");
}

TEST_F(EventSend, aProcessGetsItAloneAndAnUnknownOneIsNotFound) {
  const Uuid process = Uuid::random();
  const std::string target = "/api/v1/processes/" + process.toString() + "/events";
  deliver({.name = "poke", .key = "", .resolved = 1}, target);
  Outcome sent = run({"event", "send", "poke", "", "--process", process.toString()});
  EXPECT_EQ(sent.status, kExitOk) << sent.err;
  EXPECT_EQ(sent.out, "poke (no key): resolved 1 waiting task\n");
  EXPECT_EQ(server_.bodies(target),
            std::vector<std::string>{R"({"key":"","name":"poke","payload":null})"});
  EXPECT_TRUE(server_.bodies(kEvents).empty());

  server_.answer(target, errorObjectText(ErrorCode::NotFound, "no process"), 404);
  Outcome missing = run({"event", "send", "poke", "", "--process", process.toString()});
  EXPECT_EQ(missing.status, kExitRefused);
  EXPECT_EQ(missing.err, "pledge: not_found: no process\n");
}

TEST_F(EventSend, thePayloadCanComeFromAFile) {
  char path[] = "/tmp/pledge-payload-XXXXXX.json";
  close(mkstemps(path, 5));
  std::ofstream(path) << R"({"items": [1, 2]})";
  deliver({.name = "paid", .key = "o-1", .resolved = 1});
  Outcome sent = run({"event", "send", "paid", "o-1", "--payload-file", path});
  EXPECT_EQ(sent.status, kExitOk) << sent.err;
  EXPECT_EQ(parseJson(server_.bodies(kEvents).at(0)).at("payload"), Json({{"items", {1, 2}}}));
  EXPECT_EQ(run({"event", "send", "paid", "o-1", "{}", "--payload-file", path}).status, kExitUsage);
  std::remove(path);
  Outcome unreadable = run({"event", "send", "paid", "o-1", "--payload-file", path});
  EXPECT_EQ(unreadable.status, kExitUsage);
  EXPECT_NE(unreadable.err.find("cannot read"), std::string::npos) << unreadable.err;
}

TEST_F(EventSend, badCommandLinesAreRefusedBeforeAnythingIsSent) {
  Outcome text = run({"event", "send", "paid", "o-1", "cash"});
  EXPECT_EQ(text.status, kExitUsage);
  EXPECT_NE(text.err.find("PAYLOAD_JSON is not JSON"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find(R"(e.g. '"cash"')"), std::string::npos) << text.err;
  EXPECT_NE(run({"event", "send", "paid", "o-1", R"(say "hi")"}).err.find(R"('"say \"hi\""')"),
            std::string::npos);
  EXPECT_EQ(run({"event", "send", "paid", "o-1", "--process", "nope"}).status, kExitUsage);
  EXPECT_EQ(run({"event", "send", "", "o-1"}).status, kExitUsage);
  EXPECT_EQ(run({"event", "send", "paid", "o-1", "--retention-ms", "-1"}).status, kExitUsage);
  EXPECT_EQ(run({"event", "send", "paid"}).status, kExitUsage);
  EXPECT_EQ(run({"event"}).status, kExitUsage);
  EXPECT_TRUE(server_.bodies(kEvents).empty());
}

}  // namespace
}  // namespace pledge::cli

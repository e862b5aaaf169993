// The Store's event operations (docs/events.md), for each store: where an event meets its
// waiters. Claims, sends, time-outs and ended tasks, as the engine's commits run them.
#include <gtest/gtest.h>

#include "pledge/server/store/store.h"
#include "store_fixture.h"

namespace pledge::server {
namespace {

constexpr std::int64_t kNow = 1'000'000;

class EventStore : public ::testing::TestWithParam<std::string> {
 protected:
  EventAnswers run(EventOps ops) {
    WriteBatch batch;
    ops.now = kNow;
    batch.events = std::move(ops);
    return store_->commit(batch);
  }
  // The payload a claim got, nullopt when it waits.
  std::optional<std::string> claim(const EventClaim& claim) {
    std::optional<EventGot> got = run(EventOps{.claims = {claim}}).claims.at(0);
    if (!got) return std::nullopt;
    return got->payload;
  }
  EventAnswers send(Event event, std::optional<Uuid> processId = std::nullopt,
                    std::int64_t keptUntil = kNow + 1'000) {
    return run(EventOps{
        .sends = {EventSend{std::move(event), processId, kNow, keptUntil}}});
  }

  static EventClaim waiter(std::string key, Uuid processId = Uuid::random()) {
    return EventClaim{Uuid::random(), processId, 3, {"pizzaReady"}, std::move(key)};
  }

  StorePlace place_{GetParam()};
  std::unique_ptr<Store> store_ = place_.open();
};

INSTANTIATE_TEST_SUITE_P(Stores, EventStore, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

Event pizza(std::string key, Json payload = "ready") {
  return Event{.name = "pizzaReady", .key = std::move(key), .payload = std::move(payload)};
}

TEST_P(EventStore, anEventResolvesEveryWaiterOfItsNameAndKeyAndNoOther) {
  EventClaim a = waiter("order-1");
  EventClaim b = waiter("order-1");
  EventClaim other = waiter("order-2");
  EXPECT_EQ(claim(a), std::nullopt);
  EXPECT_EQ(claim(b), std::nullopt);
  EXPECT_EQ(claim(other), std::nullopt);
  EventAnswers answers = send(pizza("order-1", Json{{"oven", 2}}));
  ASSERT_EQ(answers.sends.size(), 1u);
  EXPECT_EQ(answers.sends[0].resolved, 2);
  EXPECT_FALSE(answers.sends[0].kept);
  ASSERT_EQ(answers.deliveries.size(), 2u);
  EXPECT_EQ(answers.deliveries[0].payload, R"({"oven":2})");
  EXPECT_EQ(answers.deliveries[0].partition, 3);
  // The deliveries wait for their owner; a claim again (after a restart) finds its delivery.
  EXPECT_EQ(store_->pendingDeliveries(PartitionSet::all(), 10).size(), 2u);
  EXPECT_EQ(store_->pendingDeliveries(PartitionSet::of({1, 2}), 10).size(), 0u);
  EXPECT_EQ(claim(a), R"({"oven":2})");
  // Applied (the task ended): its rows go.
  run(EventOps{.ended = {a.taskId, b.taskId}});
  EXPECT_TRUE(store_->pendingDeliveries(PartitionSet::all(), 10).empty());
  // The other key still waits.
  EXPECT_EQ(send(pizza("order-2")).sends[0].resolved, 1);
}

TEST_P(EventStore, anEarlyEventIsKeptAndConsumedByTheFirstWaiterOnly) {
  EventAnswers sent = send(pizza("order-7", 42));
  EXPECT_EQ(sent.sends[0].resolved, 0);
  EXPECT_TRUE(sent.sends[0].kept);
  ASSERT_EQ(store_->keptEvents(std::nullopt, kNow, 10).size(), 1u);
  EXPECT_EQ(store_->keptEvents("otherName", kNow, 10).size(), 0u);
  EventClaim first = waiter("order-7");
  EventClaim second = waiter("order-7");
  EXPECT_EQ(claim(first), "42");
  EXPECT_EQ(claim(second), std::nullopt);
  EXPECT_TRUE(store_->keptEvents(std::nullopt, kNow, 10).empty());
  // Claimed again after a restart: the same delivery, nothing else consumed.
  EXPECT_EQ(claim(first), "42");
}

TEST_P(EventStore, aKeptEventExpiresAndAZeroRetentionKeepsNothing) {
  EXPECT_TRUE(send(pizza("late"), std::nullopt, kNow + 10).sends[0].kept);
  EXPECT_FALSE(send(pizza("never"), std::nullopt, kNow).sends[0].kept);
  // Past its time it matches nothing, and expiring deletes it.
  WriteBatch later;
  later.events.now = kNow + 10;
  later.events.claims.push_back(waiter("late"));
  EXPECT_EQ(store_->commit(later).claims.at(0), std::nullopt);
  EXPECT_EQ(store_->keptEvents(std::nullopt, kNow, 10).size(), 1u);
  EXPECT_EQ(store_->expireEvents(kNow + 10, 0), 1);
  EXPECT_TRUE(store_->keptEvents(std::nullopt, kNow, 10).empty());
}

TEST_P(EventStore, aRepeatedIdChangesNothingAndAnswersTheFirstDelivery) {
  EventClaim a = waiter("order-9");
  claim(a);
  Event event = pizza("order-9");
  event.id = "evt-1";
  EventDelivery first = send(event).sends.at(0);
  EXPECT_EQ(first.resolved, 1);
  EXPECT_FALSE(first.duplicate);
  claim(waiter("order-9"));
  EventAnswers again = send(event);
  EXPECT_TRUE(again.sends.at(0).duplicate);
  EXPECT_EQ(again.sends.at(0).resolved, 1);
  EXPECT_TRUE(again.deliveries.empty());
  // Ids older than the retention are forgotten: the same id is new again.
  store_->expireEvents(kNow, kNow + 1);
  EXPECT_FALSE(send(event).sends.at(0).duplicate);
}

TEST_P(EventStore, aTimeOutWinsUnlessADeliveryCameFirst) {
  EventClaim late = waiter("t-1");
  EventClaim served = waiter("t-2");
  claim(late);
  claim(served);
  send(pizza("t-2", "in time"));
  EventAnswers answers = run(EventOps{.timeouts = {late.taskId, served.taskId}});
  EXPECT_EQ(answers.timeouts.at(0), std::nullopt);
  EXPECT_EQ(answers.timeouts.at(1), (EventGot{"pizzaReady", R"("in time")"}));
  // The timed-out task waits no more: the event is kept instead.
  EXPECT_TRUE(send(pizza("t-1")).sends.at(0).kept);
}

TEST_P(EventStore, anEventForOneProcessReachesOnlyItsWaiters) {
  const Uuid process = Uuid::random();
  EventClaim mine = waiter("k-1", process);
  EventClaim elsewhere = waiter("k-1");
  claim(mine);
  claim(elsewhere);
  EventAnswers answers = send(pizza(""), process);
  EXPECT_EQ(answers.sends.at(0).resolved, 1);
  ASSERT_EQ(answers.deliveries.size(), 1u);
  EXPECT_EQ(answers.deliveries[0].taskId, mine.taskId);
  // Kept for that process only: another process's waiter does not take it.
  const Uuid quiet = Uuid::random();
  EXPECT_TRUE(send(pizza(""), quiet).sends.at(0).kept);
  EXPECT_EQ(claim(waiter("x")), std::nullopt);
  EXPECT_EQ(claim(waiter("x", quiet)), R"("ready")");
}

TEST_P(EventStore, aTaskWaitingForSeveralEventsTakesTheFirstAndNoOther) {
  EventClaim either = waiter("exp-1");
  either.names = {"approved", "rejected"};
  EXPECT_EQ(claim(either), std::nullopt);
  EventAnswers answers = send(Event{.name = "rejected", .key = "exp-1", .payload = "too much"});
  EXPECT_EQ(answers.sends.at(0).resolved, 1);
  ASSERT_EQ(answers.deliveries.size(), 1u);
  EXPECT_EQ(answers.deliveries[0].name, "rejected");
  // The other no longer finds it: it is kept (for nobody in particular).
  EXPECT_EQ(send(Event{.name = "approved", .key = "exp-1"}).sends.at(0).resolved, 0);
  // A kept event of either name is taken by a later such waiter: the oldest of them.
  EXPECT_TRUE(send(Event{.name = "rejected", .key = "exp-2", .payload = 1}).sends.at(0).kept);
  EXPECT_TRUE(send(Event{.name = "approved", .key = "exp-2", .payload = 2}).sends.at(0).kept);
  EventClaim later = waiter("exp-2");
  later.names = {"approved", "rejected"};
  std::optional<EventGot> got = run(EventOps{.claims = {later}}).claims.at(0);
  EXPECT_EQ(got, (EventGot{"rejected", "1"}));
}

TEST_P(EventStore, anEndedTaskStopsWaiting) {
  EventClaim cancelled = waiter("gone");
  claim(cancelled);
  run(EventOps{.ended = {cancelled.taskId}});
  EventAnswers answers = send(pizza("gone"));
  EXPECT_EQ(answers.sends.at(0).resolved, 0);
  EXPECT_TRUE(answers.sends.at(0).kept);
}

}  // namespace
}  // namespace pledge::server

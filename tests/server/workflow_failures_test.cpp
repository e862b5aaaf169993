// What goes wrong in workflows (docs/workflows.md), for each store: scripts that loop, eat
// memory or fail; failed tasks, optional ones, restarts of broken workflows; a node restarted
// while a workflow waits.
#include "workflow_fixture.h"

namespace pledge::server::workflow::testing {
namespace {

class WorkflowFailures : public WorkflowFixture {};

INSTANTIATE_TEST_SUITE_P(Stores, WorkflowFailures, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

Json script(const std::string& ref, const std::string& code) {
  return task(ref, "INLINE", {{"inputParameters",
                               {{"evaluatorType", "javascript"}, {"expression", code}}}});
}

TEST_P(WorkflowFailures, aScriptThatLoopsForeverOrEatsMemoryFailsItsTaskAndNothingElse) {
  const ProcessInfo looped = run(workflow("loops", {script("spin", "while (true) {}")}),
                                 Json::object());
  ASSERT_EQ(looped.state, ProcessState::Broken);
  EXPECT_EQ(looped.error->type(), "pledge.ScriptTimeout");
  const ProcessInfo greedy = run(
      workflow("greedy", {script("eat", "var a = []; while (true) a.push(new Array(10000).join('x'));")}),
      Json::object());
  ASSERT_EQ(greedy.state, ProcessState::Broken);
  EXPECT_TRUE(greedy.error->type() == "pledge.ScriptError" ||
              greedy.error->type() == "pledge.ScriptTimeout")
      << greedy.error->type();
  // The helpers were replaced: scripts run again.
  const ProcessInfo fine = run(workflow("fine", {script("ok", "6 * 7")}, {{"v", "${ok.output.result}"}}),
                               Json::object());
  ASSERT_EQ(fine.state, ProcessState::Completed);
  EXPECT_EQ(fine.result, (Json{{"v", 42}}));
}

TEST_P(WorkflowFailures, aFailingOrMalformedJqProgramFailsItsTaskWithWhatJqSaid) {
  const ProcessInfo thrown = run(
      workflow("jqerror", {task("q", "JSON_JQ_TRANSFORM",
                                {{"inputParameters", {{"queryExpression", "error(\"no such user\")"}}}})}),
      Json::object());
  ASSERT_EQ(thrown.state, ProcessState::Broken);
  EXPECT_EQ(thrown.error->type(), "pledge.ScriptError");
  EXPECT_NE(thrown.error->message().find("no such user"), std::string::npos)
      << thrown.error->message();
  const ProcessInfo malformed = run(
      workflow("jqbad", {task("q", "JSON_JQ_TRANSFORM",
                              {{"inputParameters", {{"queryExpression", ".a | | .b"}}}})}),
      Json::object());
  ASSERT_EQ(malformed.state, ProcessState::Broken);
  EXPECT_NE(malformed.error->message().find("does not compile"), std::string::npos)
      << malformed.error->message();
}

TEST_P(WorkflowFailures, aBrokenWorkflowRestartsFromItsFailedTask) {
  std::atomic<int> calls{0};
  handle("charge#1", "execute", [&](const PolledTask& t) -> Json {
    if (++calls == 1) throw TaskError("CardDeclined", "declined", false);
    return Json{{"charged", arg0(t)["amount"]}};
  });
  add(workflow("pay", {task("charge", "SIMPLE", {{"inputParameters", {{"amount", 30}}}}),
                       script("receipt", "'receipt #1'")},
               {{"charged", "${charge.output.charged}"}, {"receipt", "${receipt.output.result}"}}));
  const Uuid process = start("workflow:pay#1", Json::object());
  const ProcessInfo broken = awaitEnd(process);
  ASSERT_EQ(broken.state, ProcessState::Broken);
  EXPECT_EQ(broken.error->type(), "CardDeclined");
  std::promise<Result<ProcessInfo>> restarted;
  engine_->restart(process, [&](Result<ProcessInfo> r) { restarted.set_value(std::move(r)); });
  ASSERT_TRUE(restarted.get_future().get().ok());
  const ProcessInfo done = awaitEnd(process);
  ASSERT_EQ(done.state, ProcessState::Completed);
  EXPECT_EQ(done.result, (Json{{"charged", 30}, {"receipt", "receipt #1"}}));
  EXPECT_EQ(calls, 2);
}

TEST_P(WorkflowFailures, anOptionalTaskThatFailsLetsTheWorkflowGoOn) {
  handle("flaky#1", "execute", [](const PolledTask&) -> Json {
    throw TaskError("Down", "service down", false);
  });
  const ProcessInfo done = run(
      workflow("optional", {task("try", "SIMPLE", {{"name", "flaky"}, {"optional", true}}),
                            script("after", "'went on'")},
               {{"status", "${try.status}"}, {"why", "${try.reasonForIncompletion}"},
                {"after", "${after.output.result}"}}),
      Json::object());
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result,
            (Json{{"status", "FAILED"}, {"why", "service down"}, {"after", "went on"}}));
}

TEST_P(WorkflowFailures, anUnknownSubWorkflowOrABadInputBreaksTheProcessSayingWhy) {
  const ProcessInfo unknown = run(
      workflow("orphan", {task("sub", "SUB_WORKFLOW", {{"subWorkflowParam", {{"name", "ghost"}}}})}),
      Json::object());
  ASSERT_EQ(unknown.state, ProcessState::Broken);
  EXPECT_EQ(unknown.error->type(), "pledge.UnknownWorkflow");
  EXPECT_NE(unknown.error->message().find("\"ghost\""), std::string::npos);
  add(workflow("strict", {script("s", "1")}));
  const ProcessInfo bad = awaitEnd(start("workflow:strict#1", Json::array({1, 2})));
  ASSERT_EQ(bad.state, ProcessState::Broken);
  EXPECT_EQ(bad.error->type(), "pledge.BadWorkflowInput");
}

TEST_P(WorkflowFailures, aWorkflowWaitingWhenItsNodeRestartsGoesOnAfterwards) {
  handle("ship#1", "execute", [](const PolledTask& t) { return Json{{"shipped", arg0(t)["order"]}}; });
  add(workflow("ship", {task("paid", "WAIT", {{"inputParameters",
                                               {{"event", "paid"}, {"key", "${workflow.input.order}"}}}}),
                        task("ship", "SIMPLE", {{"inputParameters", {{"order", "${workflow.input.order}"}}}})},
               {{"shipped", "${ship.output.shipped}"}, {"amount", "${paid.output.amount}"}}));
  const Uuid process = start("workflow:ship#1", {{"order", "o-9"}});
  awaitListening(process);
  close();
  open();
  send("paid", "o-9", {{"amount", 12}});
  const ProcessInfo done = awaitEnd(process);
  ASSERT_EQ(done.state, ProcessState::Completed) << (done.error ? done.error->message() : "");
  EXPECT_EQ(done.result, (Json{{"shipped", "o-9"}, {"amount", 12}}));
}

}  // namespace
}  // namespace pledge::server::workflow::testing

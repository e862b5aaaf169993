// Tags (docs/operations.md), for each store: a process keeps the tags its start gave it through
// a restart, whether it is running (reloaded into memory) or ended (read from the store), and
// listing by tags finds exactly the processes with every tag asked for, page by page.
#include <set>

#include "workflow_fixture.h"

namespace pledge::server::workflow::testing {
namespace {

class Tagging : public WorkflowFixture {
 protected:
  Uuid startTagged(Tags tags, const std::string& actor = "Idle#1") {
    std::promise<Result<StartedProcess>> started;
    engine_->startProcess(
        StartRequest{.actor = actor, .method = "execute", .options = {.tags = std::move(tags)}},
        [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
    return started.get_future().get().value().processId;
  }
  // Every process the query lists, page by page, newest first.
  std::vector<Uuid> listAll(ProcessQuery query) {
    std::vector<Uuid> ids;
    for (;;) {
      ProcessPage page = engine_->listProcesses(query);
      for (const ProcessInfo& process : page.items) ids.push_back(process.processId);
      if (!page.next) return ids;
      query.cursor = page.next;
    }
  }
  std::vector<Uuid> listTagged(std::vector<TagFilter> tags, int limit = 50) {
    return listAll(ProcessQuery{.tags = std::move(tags), .limit = limit});
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, Tagging, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& param) { return param.param; });

TEST_P(Tagging, tagsRoundTripThroughStartListingAndRestart) {
  handle("Done#1", "execute", [](const PolledTask&) { return Json(1); });
  const Tags tags{{"team", "billing"}, {"env", "prod"}};
  const Uuid running = startTagged(tags);
  const Uuid ended = startTagged({{"team", "ops"}}, "Done#1");
  const Uuid untagged = startTagged({});
  EXPECT_EQ(awaitEnd(ended).tags, (Tags{{"team", "ops"}}));
  EXPECT_EQ(engine_->process(running)->tags, tags);
  EXPECT_TRUE(engine_->process(untagged)->tags.empty());

  close();
  open();
  EXPECT_EQ(engine_->process(running)->tags, tags);  // reloaded by loadLive
  EXPECT_EQ(engine_->process(ended)->tags, (Tags{{"team", "ops"}}));
  EXPECT_TRUE(engine_->process(untagged)->tags.empty());
  std::map<Uuid, Tags> listed;
  for (const ProcessInfo& process : engine_->listProcesses({}).items) {
    listed[process.processId] = process.tags;
  }
  EXPECT_EQ(listed, (std::map<Uuid, Tags>{{running, tags}, {ended, {{"team", "ops"}}},
                                          {untagged, {}}}));
}

TEST_P(Tagging, aListingByTagsFindsProcessesWithEveryTagAndNoCrossMatch) {
  const Uuid prod = startTagged({{"team", "billing"}, {"env", "prod"}});
  const Uuid dev = startTagged({{"team", "billing"}, {"env", "dev"}});
  const Uuid ab = startTagged({{"a", "b"}});
  const Uuid ba = startTagged({{"b", "a"}});
  startTagged({});
  EXPECT_EQ(listTagged({{"team", "billing"}}), (std::vector<Uuid>{dev, prod}));
  EXPECT_EQ(listTagged({{"team", "billing"}, {"env", "prod"}}), std::vector<Uuid>{prod});
  EXPECT_EQ(listTagged({{"env", "prod"}, {"team", "billing"}, {"env", "prod"}}),
            std::vector<Uuid>{prod});
  EXPECT_TRUE(listTagged({{"env", "prod"}, {"env", "dev"}}).empty());
  EXPECT_EQ(listTagged({{"a", "b"}}), std::vector<Uuid>{ab});
  EXPECT_EQ(listTagged({{"b", "a"}}), std::vector<Uuid>{ba});
  EXPECT_TRUE(listTagged({{"a", "a"}}).empty());
  EXPECT_TRUE(listTagged({{"team", "Billing"}}).empty());
  // Tags combine with the other filters.
  EXPECT_EQ(listAll(ProcessQuery{.state = ProcessState::Running, .actor = "Idle#1",
                                 .tags = {{"env", "dev"}}}),
            std::vector<Uuid>{dev});
  EXPECT_TRUE(
      listAll(ProcessQuery{.state = ProcessState::Completed, .tags = {{"env", "dev"}}}).empty());
}

TEST_P(Tagging, aListingByTagsPagesThroughEveryMatchOnce) {
  std::vector<Uuid> billing;
  for (int i = 0; i < 7; ++i) {
    billing.push_back(startTagged({{"team", "billing"}, {"n", std::to_string(i % 2)}}));
    startTagged({{"team", "ops"}});
    startTagged({});
  }
  const std::vector<Uuid> all = listTagged({{"team", "billing"}});
  EXPECT_EQ(std::set<Uuid>(all.begin(), all.end()), std::set<Uuid>(billing.begin(), billing.end()));
  EXPECT_EQ(all.size(), billing.size());
  EXPECT_EQ(listTagged({{"team", "billing"}}, 2), all);  // the same order, two at a time
  EXPECT_EQ(listTagged({{"team", "billing"}, {"n", "0"}}, 3).size(), 4U);
  EXPECT_EQ(listTagged({{"n", "1"}, {"team", "billing"}}, 1).size(), 3U);
}

TEST_P(Tagging, aWorkflowStartTakesTagsToo) {
  add(workflow("tagged", {task("q", "JSON_JQ_TRANSFORM",
                                {{"inputParameters", {{"queryExpression", "1"}}}})}));
  std::promise<Result<StartedProcess>> started;
  engine_->startProcess(StartRequest{.actor = "workflow:tagged#1",
                                     .method = "execute",
                                     .args = Json::array({Json::object()}),
                                     .options = {.tags = {{"team", "flows"}}}},
                        [&](Result<StartedProcess> s) { started.set_value(std::move(s)); });
  const Uuid id = started.get_future().get().value().processId;
  EXPECT_EQ(awaitEnd(id).tags, (Tags{{"team", "flows"}}));
  EXPECT_EQ(listTagged({{"team", "flows"}}), std::vector<Uuid>{id});
}

}  // namespace
}  // namespace pledge::server::workflow::testing

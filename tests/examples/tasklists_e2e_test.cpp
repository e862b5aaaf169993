// The tasklists example end to end on a real pledge-server and pledge-bootstrap: every render ran
// on the list its page belongs on, and each list was served by its own pool.
#include <set>

#include "example_run.h"
#include "tasklists.pledge.h"
#include "tasklists_actors.h"

namespace example::tasklists {
namespace {

using pledge::testing::timeOf;

TEST(TaskListsEndToEnd, eachTaskListIsServedByItsOwnPool) {
  pledge::testing::ExampleRun run("tasklists");
  PublisherStarter publisher(run.client());
  const std::vector<std::string> pages = {"home", "big-catalog", "about", "big-archive"};
  pledge::ProcessInfo done = run.finish(publisher.publish(pages));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, pledge::Json({"<html>home</html>", "<html>big-catalog</html>",
                                       "<html>about</html>", "<html>big-archive</html>"}));

  std::vector<pledge::Json> bulk;
  auto tasks = run.tasksByMethod(done.processId);
  ASSERT_EQ(tasks["render"].size(), pages.size());
  for (const pledge::Json& render : tasks["render"]) {
    const std::string page = render.at("args").at(0).at("value");
    EXPECT_EQ(render.at("taskList"), isBig(page) ? "bulk" : "fast") << page;
    EXPECT_EQ(render.at("state"), "completed") << page;
    if (isBig(page)) bulk.push_back(render);
  }
  // The bulk pool has one thread: it rendered the big pages one after the other.
  ASSERT_EQ(bulk.size(), 2u);
  const bool firstThenSecond = timeOf(bulk[1], "startedAt") >= timeOf(bulk[0], "endedAt");
  const bool secondThenFirst = timeOf(bulk[0], "startedAt") >= timeOf(bulk[1], "endedAt");
  EXPECT_TRUE(firstThenSecond || secondThenFirst);

  // The server keeps one queue per (actor, task list).
  std::set<std::string> lists;
  for (const pledge::Json& queue : run.client().queues()) {
    if (queue.at("actor") == Renderer::kActor) lists.insert(queue.at("taskList"));
  }
  EXPECT_EQ(lists, (std::set<std::string>{"bulk", "fast"}));
}

}  // namespace
}  // namespace example::tasklists

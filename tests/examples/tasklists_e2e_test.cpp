#include "example_run.h"
#include "tasklists.pledge.h"

namespace example::tasklists {
namespace {

TEST(TaskListsEndToEnd, eachListIsServedByItsOwnPool) {
  pledge::testing::ExampleRun run("tasklists");
  PublisherStarter publisher(run.client());
  pledge::ProcessInfo done = run.finish(publisher.publish({"home", "big-catalog", "about", "big-archive"}));
  ASSERT_EQ(done.state, pledge::ProcessState::Completed);
  EXPECT_EQ(done.result, pledge::Json({"<html>home</html>", "<html>big-catalog</html>", "<html>about</html>",
                                       "<html>big-archive</html>"}));
  std::map<std::string, int> lists;
  auto tasks = run.tasksByMethod(done.processId);
  for (const pledge::Json& task : tasks.at("render")) ++lists[task.at("taskList").get<std::string>()];
  EXPECT_EQ(lists["fast"], 2);
  EXPECT_EQ(lists["bulk"], 2);
  bool bothPolled = false;
  for (const pledge::Json& queue : run.client().queues()) bothPolled = bothPolled || queue.at("taskList") == "bulk";
  EXPECT_TRUE(bothPolled);
}

}  // namespace
}  // namespace example::tasklists

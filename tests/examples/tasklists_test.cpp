// The tasklists decider, unit-tested through the generated recordings: each render is recorded
// with the task list its page belongs on.
#include <gtest/gtest.h>

#include "recording.h"
#include "tasklists_actors.h"

namespace example::tasklists {
namespace {

TEST(TaskListsDecider, bigPagesGoToTheBulkListAndOthersToTheFastOne) {
  PublisherImpl decider;
  auto tasks = pledge::testing::recordDecision(Publisher::kActor, [&] {
    decider.publish({"home", "big-catalog", "about"});
  });
  RendererRecording renderer(tasks);
  ASSERT_EQ(renderer.render().size(), 3u);
  EXPECT_EQ(renderer.render()[0].task.options.taskList, "fast");
  EXPECT_EQ(renderer.render()[1].task.options.taskList, "bulk");
  EXPECT_EQ(renderer.render()[2].task.options.taskList, "fast");

  // collect takes the renders in the order of the pages.
  PublisherRecording self(tasks);
  ASSERT_EQ(self.collect().size(), 1u);
  ASSERT_EQ(self.collect()[0].rendered.list().size(), 3u);
  EXPECT_EQ(self.collect()[0].rendered.list()[1],
            pledge::ArgSpec::ofPromise(renderer.render()[1].task.taskId));
}

}  // namespace
}  // namespace example::tasklists

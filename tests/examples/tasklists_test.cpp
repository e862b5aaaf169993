#include <gtest/gtest.h>

#include "recording.h"
#include "tasklists_actors.h"

namespace example::tasklists {
namespace {

TEST(TaskListsDecider, bigPagesGoToTheBulkList) {
  PublisherImpl decider;
  auto tasks = pledge::testing::recordDecision(Publisher::kActor, [&] { decider.publish({"home", "big-catalog"}); });
  RendererRecording renderer(tasks);
  ASSERT_EQ(renderer.render().size(), 2u);
  EXPECT_EQ(renderer.render()[0].task.options.taskList, "fast");
  EXPECT_EQ(renderer.render()[1].task.options.taskList, "bulk");
}

}  // namespace
}  // namespace example::tasklists

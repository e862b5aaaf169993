// The actors.yaml of pledge-bootstrap: the poll batch of a pool, fixed or auto, and what a bad
// one is told (file, line, key path).
#include "pledge/bootstrap/bootstrap_config.h"

#include <gtest/gtest.h>

#include <string>

namespace pledge::bootstrap {
namespace {

const std::string kHead =
    "servers: [\"http://127.0.0.1:8080\"]\n"
    "plugins: [\"libsteps_actors.so\"]\n"
    "actors:\n";

BootstrapConfig parse(const std::string& actors) {
  return parseBootstrapConfigText(kHead + actors, "/etc/pledge/actors.yaml");
}

std::string errorOf(const std::string& actors) {
  try {
    parse(actors);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(BootstrapConfig, aPollBatchIsFixedAndOneWhenAbsent) {
  BootstrapConfig config = parse(
      "  - {actor: \"Steps#1.0\", threads: 2}\n"
      "  - {actor: \"Sleeper#1.0\", threads: 4, pollBatch: 16}\n");
  ASSERT_EQ(config.actors.size(), 2u);
  EXPECT_FALSE(config.actors[0].adaptive);
  EXPECT_EQ(config.actors[0].pollBatch, 1);
  EXPECT_FALSE(config.actors[1].adaptive);
  EXPECT_EQ(config.actors[1].pollBatch, 16);
}

TEST(BootstrapConfig, pollBatchAutoIsAdaptiveFrom32UpToMaxPollBatch) {
  BootstrapConfig config = parse(
      "  - {actor: \"Steps#1.0\", threads: 2, pollBatch: auto}\n"
      "  - {actor: \"Sleeper#1.0\", pollBatch: auto, maxPollBatch: 500}\n");
  ASSERT_EQ(config.actors.size(), 2u);
  EXPECT_TRUE(config.actors[0].adaptive);
  EXPECT_EQ(config.actors[0].pollBatch, 32);
  EXPECT_EQ(config.actors[0].maxPollBatch, ActorPoolConfig{}.maxPollBatch);
  EXPECT_TRUE(config.actors[1].adaptive);
  EXPECT_EQ(config.actors[1].maxPollBatch, 500);
}

TEST(BootstrapConfig, aBadPollBatchNamesTheFileLineAndKey) {
  EXPECT_EQ(errorOf("  - {actor: \"Steps#1.0\"}\n"
                    "  - {actor: \"Sleeper#1.0\", pollBatch: fast}\n"),
            "/etc/pledge/actors.yaml:5: actors[1].pollBatch: expected auto or an integer, got "
            "'fast'");
  EXPECT_EQ(errorOf("  - {actor: \"Steps#1.0\", pollBatch: 0}\n"),
            "/etc/pledge/actors.yaml:4: actors[0].pollBatch: must be 1 to 1000, got 0");
  EXPECT_EQ(errorOf("  - {actor: \"Steps#1.0\", pollBatch: -3}\n"),
            "/etc/pledge/actors.yaml:4: actors[0].pollBatch: expected auto or an integer, got "
            "'-3'");
  EXPECT_EQ(errorOf("  - {actor: \"Steps#1.0\", pollBatch: [auto]}\n"),
            "/etc/pledge/actors.yaml:4: actors[0].pollBatch: expected a single value");
  EXPECT_EQ(errorOf("  - {actor: \"Steps#1.0\", pollBatch: auto, maxPollBatch: 1001}\n"),
            "/etc/pledge/actors.yaml:4: actors[0].maxPollBatch: must be 1 to 1000, got 1001");
  EXPECT_EQ(errorOf("  - {actor: \"Steps#1.0\", pollBatch: 8, maxPollBatch: 64}\n"),
            "/etc/pledge/actors.yaml:4: actors[0].maxPollBatch: only with pollBatch: auto (a "
            "fixed pollBatch is the batch)");
}

}  // namespace
}  // namespace pledge::bootstrap

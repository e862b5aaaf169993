#include "pledge/server/node/server_config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace pledge::server {
namespace {

ServerConfig parse(std::vector<const char*> args) {
  args.insert(args.begin(), "pledge-server");
  return parseServerConfig(static_cast<int>(args.size()), args.data());
}

std::string writeFile(const std::string& text) {
  char pattern[] = "/tmp/pledge-config-XXXXXX.yaml";
  int fd = mkstemps(pattern, 5);
  close(fd);
  std::ofstream(pattern) << text;
  return pattern;
}

std::string errorOf(std::vector<const char*> args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ServerConfig, defaultsFollowTheDesign) {
  ServerConfig config = parse({});
  EXPECT_EQ(config.port, 8080);
  EXPECT_EQ(config.dataDir, "./pledge-data");
  EXPECT_EQ(config.partitions, 64);
  EXPECT_EQ(config.maxBodyBytes, 16u * 1024 * 1024);
  EXPECT_EQ(config.storeUrl(), "sqlite:./pledge-data");
  EXPECT_TRUE(config.nodeName.empty()) << "derived from the host name and port once bound";
}

TEST(ServerConfig, flagsSetEverything) {
  ServerConfig config = parse({"--port", "9000", "--data-dir", "/tmp/d", "--node-name", "n2",
                               "--partitions", "8", "--store", "sqlite:/tmp/e", "--max-body-bytes",
                               "2048", "--default-timeout-ms", "5000", "--advertise-url",
                               "http://10.0.0.5:9000", "--lease-ms", "3000"});
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.nodeName, "n2");
  EXPECT_EQ(config.partitions, 8);
  EXPECT_EQ(config.storeUrl(), "sqlite:/tmp/e");
  EXPECT_EQ(config.maxBodyBytes, 2048u);
  EXPECT_EQ(config.defaultTimeoutMs, 5000);
  EXPECT_EQ(config.advertiseUrl, "http://10.0.0.5:9000");
  EXPECT_EQ(config.leaseMs, 3000);
}

TEST(ServerConfig, configFileHasTheSameKeysAndFlagsWin) {
  std::string file = writeFile("port: 7000\ndata-dir: /tmp/x\npartitions: 16\nlog-level: warn\n");
  ServerConfig config = parse({"--config", file.c_str(), "--port", "7001"});
  EXPECT_EQ(config.port, 7001);
  EXPECT_EQ(config.dataDir, "/tmp/x");
  EXPECT_EQ(config.partitions, 16);
  EXPECT_EQ(config.logLevel, "warn");
  std::remove(file.c_str());
}

TEST(ServerConfig, unknownKeysAndBadValuesNameTheFileLineAndKey) {
  std::string unknown = writeFile("port: 7000\nprot: 1\n");
  EXPECT_EQ(
      errorOf({"--config", unknown.c_str()}),
      unknown +
          ":2: prot: unknown key (expected one of: address, port, data-dir, store, "
          "node-name, partitions, max-body-bytes, io-threads, log-level, log-format, "
          "default-timeout-ms, "
          "event-retention-ms, script-program, script-timeout-ms, script-memory-mb, "
          "dormant-after-ms, memory-budget-mb, lease-ms, advertise-url, lease-write-delay-ms, "
          "max-connections, idle-timeout-ms, header-timeout-ms, body-timeout-ms, "
          "max-waiting-requests, "
          "node-token, tls-cert, tls-key, tls-ca, cors-origins, retention, "
          "retention-archive-dir, retention-batch, max-queues, insecure, tokens, limits)");
  std::string badValue = writeFile("port: eighty\n");
  EXPECT_EQ(errorOf({"--config", badValue.c_str()}),
            badValue + ":1: port: \"eighty\" is not a valid value");
  std::string syntax = writeFile("port: [1\n");
  EXPECT_NE(errorOf({"--config", syntax.c_str()}).find(":2: YAML syntax error"), std::string::npos);
  EXPECT_NE(errorOf({"--config", "/nonexistent.yaml"}).find("cannot read the config file"),
            std::string::npos);
  for (const std::string& file : {unknown, badValue, syntax}) std::remove(file.c_str());
}

TEST(ServerConfig, limitsAreSettingsLikeAnyOther) {
  std::string file = writeFile("max-connections: 50\nmax-waiting-requests: 7\nmax-queues: 9\n");
  ServerConfig config = parse({"--config", file.c_str(), "--header-timeout-ms", "2000"});
  EXPECT_EQ(config.maxConnections, 50u);
  EXPECT_EQ(config.maxWaitingRequests, 7u);
  EXPECT_EQ(config.maxQueues, 9u);
  EXPECT_EQ(config.headerTimeoutMs, 2000);
  std::remove(file.c_str());
}

TEST(ServerConfig, limitsAreAListAndABadEntryNamesTheFileLineAndKey) {
  std::string file = writeFile(
      "port: 7000\nlimits:\n  - {actor: \"Mailer#1.0\", maxRunning: 10, perSecond: 2.5, "
      "burst: 4}\n  - actor: \"Mailer#1.0\"\n    taskList: bulk\n    maxRunning: 2\n");
  ServerConfig config = parse({"--config", file.c_str()});
  ASSERT_EQ(config.limits.size(), 2U);
  EXPECT_EQ(config.limits[0],
            (TaskLimit{.actor = "Mailer#1.0", .maxRunning = 10, .perSecond = 2.5, .burst = 4}));
  EXPECT_EQ(config.limits[1],
            (TaskLimit{.actor = "Mailer#1.0", .taskList = "bulk", .maxRunning = 2}));
  std::string zero = writeFile("limits:\n  - {actor: \"A#1\", maxRunning: 0}\n");
  EXPECT_EQ(
      errorOf({"--config", zero.c_str()}).rfind(zero + ":2: limits[0].maxRunning: must be", 0), 0U);
  std::string unknown = writeFile("limits:\n  - actor: \"A#1\"\n    max: 3\n");
  EXPECT_EQ(errorOf({"--config", unknown.c_str()}),
            unknown + ":3: limits[0].max: unknown key (expected actor, taskList, maxRunning, "
                      "perSecond, burst)");
  std::string notNumber = writeFile("limits:\n  - {actor: \"A#1\", perSecond: fast}\n");
  EXPECT_EQ(errorOf({"--config", notNumber.c_str()}),
            notNumber + ":2: limits[0].perSecond: \"fast\" is not a number");
  for (const std::string& path : {file, zero, unknown, notNumber}) std::remove(path.c_str());
}

TEST(ServerConfig, yamlThatIsNoMapOfScalarsNamesTheLine) {
  ServerConfig config;
  auto errorOfText = [&](const std::string& text) {
    try {
      applyConfigText(text, "s.yaml", config);
    } catch (const ConfigError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(errorOfText("- port\n"), "s.yaml:1: expected a map of settings");
  EXPECT_EQ(errorOfText("port: 1\n[a]: 2\n"), "s.yaml:2: expected a setting name");
  EXPECT_EQ(errorOfText("port: {a: 1}\n"), "s.yaml:1: port: expected a single value");
  EXPECT_NE(errorOfText(std::string(5000, '[')).find("s.yaml:"), std::string::npos);
}

TEST(ServerConfig, outOfRangeValuesAreErrors) {
  EXPECT_EQ(errorOf({"--partitions", "0"}), "partitions: must be 1 to 4096, got 0");
  EXPECT_EQ(errorOf({"--log-level", "loud"}),
            "log-level: expected trace, debug, info, warn, error, critical or off, got \"loud\"");
  EXPECT_EQ(errorOf({"--log-format", "xml"}), "log-format: expected text or json, got \"xml\"");
  EXPECT_NE(errorOf({"--port", "99999"}).find("--port"), std::string::npos);
  EXPECT_NE(errorOf({"--unknown"}).find("--unknown"), std::string::npos);
  EXPECT_EQ(errorOf({"--advertise-url", "10.0.0.5:9000"}),
            "advertise-url: expected a URL like http://10.0.0.5:8080, got \"10.0.0.5:9000\"");
  EXPECT_EQ(errorOf({"--lease-ms", "10"}), "lease-ms: must be 1000 to 600000, got 10");
  EXPECT_EQ(errorOf({"--max-connections", "0"}), "max-connections: must be 1 to 1000000, got 0");
  EXPECT_EQ(errorOf({"--idle-timeout-ms", "5"}), "idle-timeout-ms: must be 100 to 86400000, got 5");
}

TEST(ServerConfig, retentionIsOffByDefaultAndTakesADurationAnArchiveFolderAndABatch) {
  ServerConfig config = parse({});
  EXPECT_EQ(retentionMs(config), std::nullopt);
  EXPECT_EQ(config.retentionBatch, 500);
  config = parse({"--retention", "30d", "--retention-archive-dir", "/tmp/a", "--retention-batch",
                  "50"});
  EXPECT_EQ(retentionMs(config), 30LL * 86'400'000);
  EXPECT_EQ(config.retentionArchiveDir, "/tmp/a");
  EXPECT_EQ(config.retentionBatch, 50);
  EXPECT_EQ(retentionMs(parse({"--retention", "400 days"})), 400LL * 86'400'000);
  EXPECT_EQ(errorOf({"--retention", "soon"}),
            "retention: expected a duration of 1s to 100 years such as 30d or 12h, got \"soon\"");
  EXPECT_NE(errorOf({"--retention", "10ms"}).find("retention: expected a duration"),
            std::string::npos);
  EXPECT_NE(errorOf({"--retention-batch", "0"}).find("retention-batch"), std::string::npos);
}

}  // namespace
}  // namespace pledge::server

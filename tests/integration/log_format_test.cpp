// --log-format json on real processes: every line pledge-server and pledge-bootstrap write is a
// JSON object, and a start's audit line carries its process id.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "bootstrap_process.h"
#include "server_process.h"
#include "test_api.h"

namespace pledge::testing {
namespace {

std::vector<Json> jsonLines(const std::string& log) {
  std::vector<Json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line.starts_with("---- ")) continue;  // the test support's own marks
    try {
      lines.push_back(parseJson(line));
    } catch (const std::exception&) {
      ADD_FAILURE() << "not a JSON line: " << line;
    }
  }
  return lines;
}

TEST(LogFormat, jsonLogsAreOneObjectPerLineWithProcessIds) {
  ServerProcess server({"--log-format", "json"});
  TestApi api(server.port());
  StartedProcess started = api.start("NotificationDecider#1.0", "start",
                                     Json::array({"user-1", "hello"}));
  // The bootstrap's own config asks for JSON too.
  const std::string config = ::testing::TempDir() + "/json-log-actors.yaml";
  {
    std::ifstream original(std::string(PLEDGE_BUILD_DIR) + "/examples/notification/actors.yaml");
    std::stringstream text;
    text << original.rdbuf();
    std::string yaml = text.str();
    const auto log = yaml.find("log: {level: info}");
    ASSERT_NE(log, std::string::npos) << yaml;
    yaml.replace(log, std::string("log: {level: info}").size(), "log: {level: info, format: json}");
    const auto plugins = yaml.find("plugins: [\"");
    yaml.insert(plugins + std::string("plugins: [\"").size(),
                std::string(PLEDGE_BUILD_DIR) + "/examples/notification/");
    std::ofstream(config) << yaml;
  }
  {
    BootstrapProcess workers(config, server.url());
    EXPECT_EQ(api.awaitResult(started.processId, 20'000).state, ProcessState::Completed)
        << workers.log();
    workers.stop(SIGTERM);
    std::vector<Json> lines = jsonLines(workers.log());
    ASSERT_FALSE(lines.empty());
    for (const Json& line : lines) {
      EXPECT_EQ(line["component"], "bootstrap") << line;
      EXPECT_TRUE(line.contains("time") && line.contains("level")) << line;
    }
  }
  bool audited = false;
  for (const Json& line : jsonLines(server.log())) {
    EXPECT_EQ(line["component"], "server") << line;
    audited = audited || line.value("processId", "") == started.processId.toString();
  }
  EXPECT_TRUE(audited) << "no line names the process it started:\n" << server.log();
}

}  // namespace
}  // namespace pledge::testing

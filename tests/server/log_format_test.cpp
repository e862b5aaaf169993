// Structured logs (pledge/log_format.h): one JSON object per line, ids lifted from the message,
// audit lines embedded, anything a message holds escaped.
#include "pledge/log_format.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

namespace pledge {
namespace {

Json logged(const std::string& message) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger("test", sink);
  logger.set_formatter(std::make_unique<JsonLogFormatter>("server"));
  logger.warn("{}", message);
  logger.flush();
  const std::string text = out.str();
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "one line: " << text;
  return parseJson(text);
}

TEST(JsonLogFormat, writesOneObjectPerLineWithTheIdsTheMessageNames) {
  const std::string process = "01a24255-ef84-7226-80c7-d585ca2e9572";
  const std::string task = "01a24255-ef84-7226-80c7-d585ca2e9573";
  Json line = logged("the decision of task " + task + " of process " + process + " was refused");
  EXPECT_EQ(line["level"], "warning");
  EXPECT_EQ(line["component"], "server");
  EXPECT_EQ(line["processId"], process);
  EXPECT_EQ(line["taskId"], task);
  EXPECT_EQ(line["time"].get<std::string>().size(), 24U);  // 2026-12-04T18:34:15.928Z
  EXPECT_FALSE(logged("no ids here: process 42").contains("processId"));
}

TEST(JsonLogFormat, embedsAuditLinesAndEscapesWhatAMessageHolds) {
  Json audit = logged(
      R"({"audit":"POST /api/v1/processes","id":"01a24255-ef84-7226-80c7-d585ca2e9572","status":201})");
  EXPECT_EQ(audit["audit"]["status"], 201);
  EXPECT_EQ(audit["processId"], "01a24255-ef84-7226-80c7-d585ca2e9572");
  EXPECT_FALSE(audit.contains("message"));
  Json odd = logged("a \"quoted\"\nline\twith {braces and \x01 control");
  EXPECT_EQ(odd["message"], "a \"quoted\"\nline\twith {braces and \x01 control");
  EXPECT_EQ(logged("{not json")["message"], "{not json");
}

}  // namespace
}  // namespace pledge

#include "pledge/json_writer.h"

#include <gtest/gtest.h>

#include <random>

namespace pledge {
namespace {

template <typename T>
void expectSameAsDump(const T& value) {
  EXPECT_EQ(toJsonText(value), Json(value).dump());
}

TEST(JsonWriter, stringsAreEscapedAsDumpEscapesThem) {
  for (const std::string& text : {std::string(""), std::string("plain"), std::string("q\"b\\s/"),
                                  std::string("\b\f\n\r\t"), std::string("\x01\x1f\x7f", 3),
                                  std::string("nul\0in", 6), std::string("grüße 日本 🙂")}) {
    std::string out;
    appendJsonString(out, text);
    EXPECT_EQ(out, Json(text).dump()) << text;
  }
}

TEST(JsonWriter, invalidUtf8ThrowsLikeDump) {
  const std::string broken = "ab\xff";
  EXPECT_THROW(Json(broken).dump(), nlohmann::json::type_error);
  std::string out;
  EXPECT_THROW(appendJsonString(out, broken), nlohmann::json::type_error);
}

TEST(JsonWriter, valuesOfEveryTypeMatchDump) {
  for (const Json& value : {Json(), Json(true), Json(false), Json(0), Json(-17),
                            Json(std::numeric_limits<std::int64_t>::min()),
                            Json(std::numeric_limits<std::uint64_t>::max()), Json(0.1), Json(1e300),
                            Json(-2.5), Json("s"), Json::array(), Json::object(),
                            Json{{"b", 1}, {"a", {1, 2.5, "x", nullptr}}, {"c", {{"d", false}}}}}) {
    expectSameAsDump(value);
  }
}

TaskSpec fullSpec() {
  RetryPolicy retry{.kind = RetryKind::Exponential,
                    .initialMs = 200,
                    .maxMs = 10'000,
                    .multiplier = 1.5,
                    .maxAttempts = 5,
                    .nonRetryable = {"Bug", "Bad\"Input"}};
  return TaskSpec{
      .taskId = Uuid::random(),
      .actor = "MailService#1.0",
      .method = "send",
      .type = TaskType::Decider,
      .args = {ArgSpec::ofValue(Json{{"to", "a@b"}, {"n", 3}}), ArgSpec::ofPromise(Uuid::random()),
               ArgSpec::ofPromise(Uuid::random(), PromiseFlags{.noWait = true}),
               ArgSpec::ofPromise(Uuid::random(), PromiseFlags{.acceptFail = AcceptFail::any()}),
               ArgSpec::ofPromise(
                   Uuid::random(),
                   PromiseFlags{.noWait = true, .acceptFail = AcceptFail::ofTypes({"Timeout"})}),
               ArgSpec::ofList(
                   {ArgSpec::ofValue(1), ArgSpec::ofPromise(Uuid::random()), ArgSpec::ofList({})})},
      .options = CallOptions{.startTime = 1'700'000'000'000,
                             .taskList = "slow",
                             .priority = -3,
                             .timeoutMs = 30'000,
                             .scheduleToStartMs = 12'000,
                             .retry = retry},
      .processDeadline = 1'700'000'360'000};
}

TEST(JsonWriter, taskSpecsMatchDump) {
  expectSameAsDump(fullSpec());
  expectSameAsDump(TaskSpec{.taskId = Uuid::random(), .actor = "A#1", .method = "m"});
  TaskSpec someOptions{.taskId = Uuid::random(), .actor = "A#1", .method = "m"};
  someOptions.options.timeoutMs = 5;
  someOptions.options.retry = RetryPolicy{};
  expectSameAsDump(someOptions);
}

TEST(JsonWriter, decisionsOfEveryOutcomeMatchDump) {
  expectSameAsDump(Decision{.taskId = Uuid::random(), .attempt = 3, .result = Json{{"ok", true}}});
  expectSameAsDump(Decision{.taskId = Uuid::random(), .processId = Uuid::random(), .attempt = 1,
                            .promise = Uuid::random(), .tasks = {fullSpec(), fullSpec()}});
  expectSameAsDump(
      Decision{.taskId = Uuid::random(), .attempt = 2, .error = TaskError("Timeout", "slow")});
  expectSameAsDump(Decision{.taskId = Uuid::random(),
                            .attempt = 2,
                            .error = TaskError("Bug", "no\nretry", /*retryable=*/false)});
  expectSameAsDump(Decision{.taskId = Uuid::random()});
}

TEST(JsonWriter, polledTasksWithEveryKindOfArgumentMatchDump) {
  PolledTask task{.taskId = Uuid::random(),
                  .processId = Uuid::random(),
                  .actor = "Fan#1.0",
                  .method = "join",
                  .type = TaskType::Worker,
                  .attempt = 4,
                  .timeoutMs = 1234};
  task.args = {ArgValue::ofValue(11), ArgValue::ofFailure(TaskError("E", "m")),
               ArgValue::ofPromise(Uuid::random()),
               ArgValue::ofList({ArgValue::ofValue("x"), ArgValue::ofList({})})};
  expectSameAsDump(task);
  expectSameAsDump(PolledTask{});
}

TEST(JsonWriter, randomSpecsMatchDump) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    TaskSpec spec{.taskId = Uuid::random(), .actor = "R#" + std::to_string(round), .method = "m"};
    const int args = static_cast<int>(random() % 6);
    for (int i = 0; i < args; ++i) {
      switch (random() % 3) {
        case 0:
          spec.args.push_back(ArgSpec::ofValue(static_cast<std::int64_t>(random()) - (1 << 30)));
          break;
        case 1:
          spec.args.push_back(
              ArgSpec::ofPromise(Uuid::random(), PromiseFlags{.noWait = random() % 2 == 0}));
          break;
        default:
          spec.args.push_back(ArgSpec::ofList({ArgSpec::ofValue(std::string(random() % 5, 'q'))}));
      }
    }
    if (random() % 2) spec.options.priority = static_cast<int>(random() % 100);
    if (random() % 2) spec.options.startTime = static_cast<std::int64_t>(random());
    expectSameAsDump(spec);
  }
}

}  // namespace
}  // namespace pledge

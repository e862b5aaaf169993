// The fast readers against the strict decoders: on valid documents they give the same values;
// on documents broken in every way the mutator below knows, they never accept what the strict
// decoders refuse (they decline, and the caller asks the strict ones).
#include "pledge/json_reader.h"

#include <gtest/gtest.h>

#include <functional>

#include "pledge/json_writer.h"
#include "pledge/limits.h"

namespace pledge {
namespace {

// What the strict decoders make of {"<key>": [...]}: the items, or nullopt when they refuse.
template <typename T>
std::optional<std::vector<T>> strict(const std::string& text, const std::string& key) {
  try {
    Json document = parseJson(text);
    requireObject(document);
    return readField(document, key, readArray<T>);
  } catch (const Error&) {
    return std::nullopt;
  }
}

template <typename T>
std::optional<FastDocument<T>> fast(const std::string& text);
template <>
std::optional<FastDocument<Decision>> fast(const std::string& text) {
  return readDecisionsFast(text);
}
template <>
std::optional<FastDocument<PolledTask>> fast(const std::string& text) {
  return readPolledTasksFast(text);
}

template <typename T>
std::string textOf(const std::vector<T>& items) {
  std::string text;
  for (const T& item : items) text += toJsonText(item) + "\n";
  return text;
}

// Checks one document; returns whether the fast reader took it.
template <typename T>
bool check(const std::string& text, const std::string& key) {
  std::optional<FastDocument<T>> quick = fast<T>(text);
  std::optional<std::vector<T>> slow = strict<T>(text, key);
  if (!quick) return false;
  EXPECT_TRUE(slow) << "the fast reader took what the strict decoders refuse: " << text;
  if (slow) {
    EXPECT_EQ(textOf(quick->items), textOf(*slow)) << text;
    EXPECT_TRUE(quick->items == *slow) << text;
  }
  return true;
}

// Every document one edit away from doc: each value replaced by null, 0, -1, 1.5, "x", true, [],
// {} or a huge number; each object field removed, duplicated or joined by an unknown one.
void forEachMutation(const Json& doc, const std::function<void(const std::string&)>& visit) {
  std::function<void(Json&, const std::function<void()>&)> walk =
      [&](Json& node, const std::function<void()>& emit) {
        const Json saved = node;
        for (const Json& replacement :
             {Json(), Json(0), Json(-1), Json(1.5), Json("x"), Json(true), Json::array(),
              Json::object(), Json(std::numeric_limits<std::uint64_t>::max())}) {
          node = replacement;
          emit();
        }
        node = saved;
        if (node.is_object()) {
          std::vector<std::string> keys;
          for (const auto& item : node.items()) keys.push_back(item.key());
          for (const std::string& key : keys) {
            Json value = node[key];
            node.erase(key);
            emit();
            node[key] = value;
            walk(node[key], emit);
          }
          node["zzUnknown"] = 1;
          emit();
          node.erase("zzUnknown");
        } else if (node.is_array()) {
          for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], emit);
        }
      };
  Json copy = doc;
  walk(copy, [&] { visit(copy.dump()); });
  // Text-level edits a Json tree cannot hold: a duplicate key, a cut, trailing bytes.
  const std::string text = doc.dump();
  const std::size_t firstKey = text.find("\":");
  if (firstKey != std::string::npos) {
    const std::size_t keyStart = text.rfind('"', firstKey - 1);
    const std::size_t valueEnd = text.find_first_of(",}", firstKey);
    visit(text.substr(0, valueEnd) + "," + text.substr(keyStart, valueEnd - keyStart) +
          text.substr(valueEnd));
  }
  visit(text.substr(0, text.size() / 2));
  visit(text + " x");
  visit("");
  visit("[]");
}

Decision fullDecision() {
  RetryPolicy retry{.kind = RetryKind::Linear, .initialMs = 10, .maxMs = 100, .multiplier = 1.25,
                    .maxAttempts = 3, .nonRetryable = {"Bug"}};
  TaskSpec spec{
      .taskId = Uuid::random(),
      .actor = "Fan#1.0",
      .method = "join",
      .type = TaskType::Worker,
      .args = {ArgSpec::ofValue(Json{{"k", {1, -2, 3.5, "s", nullptr, false}}}),
               ArgSpec::ofPromise(Uuid::random(), PromiseFlags{.noWait = true}),
               ArgSpec::ofPromise(Uuid::random(),
                                  PromiseFlags{.acceptFail = AcceptFail::ofTypes({"E"})}),
               ArgSpec::ofList({ArgSpec::ofPromise(Uuid::random()), ArgSpec::ofValue(7)})},
      .options = CallOptions{
          .startTime = 5, .taskList = "l", .priority = 2, .timeoutMs = 9,
          .scheduleToStartMs = 4, .retry = retry}};
  return Decision{.taskId = Uuid::random(),
                  .processId = Uuid::random(),
                  .attempt = 2,
                  .promise = spec.taskId,
                  .tasks = {spec, TaskSpec{.taskId = Uuid::random(),
                                           .actor = "D#2",
                                           .method = "m",
                                           .type = TaskType::Decider}}};
}

TEST(JsonReader, decisionsOfEveryShapeReadAsTheStrictDecodersReadThem) {
  std::vector<Decision> decisions = {
      fullDecision(),
      Decision{.taskId = Uuid::random(), .attempt = 1, .result = 11},
      Decision{
          .taskId = Uuid::random(), .attempt = 7, .result = Json{{"a", {{"b", 1.5}}}, {"c", "ü"}}},
      Decision{
          .taskId = Uuid::random(), .attempt = 1, .error = TaskError("Timeout", "slow", false)},
      Decision{.taskId = Uuid::random()},
  };
  std::string body = "{\"decisions\":[";
  for (const Decision& decision : decisions)
    body += (body.back() == '[' ? "" : ",") + toJsonText(decision);
  body += "]}";
  EXPECT_TRUE(check<Decision>(body, "decisions"));
  // Text the writer would never make, but a client may send.
  const Uuid id = Uuid::random();
  for (const std::string& text :
       {"{\"decisions\": [ {\"taskId\": \"" + id.toString() +
            "\", \"attempt\": 1, \"result\": null, \"tasks\": null} ] }",
        "{\"decisions\":[{\"taskId\":\"" + id.toString() +
            "\",\"attempt\":1,\"processId\":null,\"promise\":null}]}",
        "{\"decisions\":[{\"taskId\":\"" + id.toString() +
            "\",\"attempt\":1,\"result\":{\"x\":1,\"x\":2}}]}",
        "{\"decisions\":[{\"taskId\":\"" + id.toString() +
            "\",\"attempt\":1,\"result\":[1e2,-0,0.0,18446744073709551615]}]}",
        std::string("{\"decisions\":[]}")}) {
    EXPECT_TRUE(check<Decision>(text, "decisions")) << text;
  }
}

TEST(JsonReader, brokenDecisionsAreNeverTakenWhenTheStrictDecodersRefuseThem) {
  const Json doc = {{"decisions", Json::array({Json(fullDecision())})}};
  int taken = 0;
  int seen = 0;
  forEachMutation(doc, [&](const std::string& text) {
    ++seen;
    if (check<Decision>(text, "decisions")) ++taken;
  });
  EXPECT_GT(seen, 300);
  EXPECT_GT(taken, 10) << "the fast reader takes the edits that stay valid";
}

TEST(JsonReader, polledTasksReadAsTheStrictDecodersReadThem) {
  PolledTask task{.taskId = Uuid::random(),
                  .processId = Uuid::random(),
                  .actor = "Fan#1.0",
                  .method = "join",
                  .type = TaskType::Decider,
                  .attempt = 3,
                  .timeoutMs = 500};
  task.args = {ArgValue::ofValue(Json{{"n", 1}}), ArgValue::ofFailure(TaskError("E", "m", false)),
               ArgValue::ofPromise(Uuid::random()),
               ArgValue::ofList({ArgValue::ofValue(2), ArgValue::ofList({})})};
  const std::string body =
      "{\"tasks\":[" + toJsonText(task) + "," + toJsonText(PolledTask{}) + "],\"extra\":1}";
  ASSERT_TRUE(check<PolledTask>(body, "tasks"));
  EXPECT_EQ(readPolledTasksFast(body)->rest, (Json{{"extra", 1}}));
  int seen = 0;
  forEachMutation(Json{{"tasks", Json::array({Json(task)})}}, [&](const std::string& text) {
    ++seen;
    check<PolledTask>(text, "tasks");
  });
  EXPECT_GT(seen, 150);
}

TEST(JsonReader, otherTopLevelFieldsComeBackAsJson) {
  auto document =
      readDecisionsFast(R"({"poll":{"max":3,"actors":[{"actor":"A#1"}]},"decisions":[]})");
  ASSERT_TRUE(document);
  EXPECT_TRUE(document->items.empty());
  EXPECT_EQ(document->rest, (Json{{"poll", {{"max", 3}, {"actors", {{{"actor", "A#1"}}}}}}}));
  EXPECT_FALSE(readDecisionsFast(R"({"poll":1,"poll":2,"decisions":[]})"))
      << "a duplicate key is left to the strict path";
  EXPECT_FALSE(readDecisionsFast(R"({"tasks":[]})")) << "no list";
}

// {"decisions":[], "poll": <depth - 1 nested arrays>}: `depth` levels in all, the deepest one
// empty or holding a value.
std::string nestedTo(std::size_t depth, bool valueInside = false) {
  return R"({"decisions":[],"poll":)" + std::string(depth - 1, '[') + (valueInside ? "1" : "") +
         std::string(depth - 1, ']') + "}";
}

TEST(JsonReader, takesDocumentsWithinTheDepthLimitAndLeavesDeeperOnesToTheStrictDecoders) {
  for (std::size_t depth : {limits::kMaxJsonDepth - 1, limits::kMaxJsonDepth,
                            limits::kMaxJsonDepth + 1}) {
    for (bool valueInside : {false, true}) {
      // Never taken when the strict decoders refuse it (what check() holds it to).
      check<Decision>(nestedTo(depth, valueInside), "decisions");
    }
  }
  EXPECT_TRUE(readDecisionsFast(nestedTo(limits::kMaxJsonDepth - 1, true)));
  EXPECT_TRUE(readDecisionsFast(nestedTo(limits::kMaxJsonDepth)));
  EXPECT_FALSE(readDecisionsFast(nestedTo(limits::kMaxJsonDepth + 1)));
  EXPECT_FALSE(strict<Decision>(nestedTo(limits::kMaxJsonDepth + 1), "decisions"));
  // A deeper document larger than any parsed before on this thread (the parser grows for it)
  // is still refused.
  std::string big = nestedTo(limits::kMaxJsonDepth + 1);
  big.insert(big.find("[]") + 1, std::string(100'000, ' '));
  EXPECT_FALSE(readDecisionsFast(big));
  // What Pledge wrote itself may nest deeper.
  limits::Ignored ignored;
  EXPECT_TRUE(readDecisionsFast(nestedTo(limits::kMaxJsonDepth + 1)));
  EXPECT_TRUE(readDecisionsFast(nestedTo(limits::kMaxWrittenJsonDepth)));
  EXPECT_FALSE(readDecisionsFast(nestedTo(limits::kMaxWrittenJsonDepth + 1)));
}

}  // namespace
}  // namespace pledge

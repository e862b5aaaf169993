#include "pledge/gen/idl.h"

#include <gtest/gtest.h>

namespace pledge::gen {
namespace {

std::string errorOf(const std::string& text) {
  try {
    parseIdlText(text, "bad.pledge.yaml");
  } catch (const IdlError& error) {
    return error.what();
  }
  return "no error";
}

constexpr const char* kWorkerHead = R"(workers:
  Mail:
    version: "1.0"
    methods:
)";

TEST(Idl, readsTheDesignExample) {
  IdlFile idl = parseIdlFile(PLEDGE_GEN_TEST_DIR "/features.pledge.yaml");
  EXPECT_EQ(idl.stem, "features");
  EXPECT_EQ(idl.cppNamespace, "features");
  EXPECT_EQ(idl.types, (std::vector<std::string>{"Point", "features::Color"}));
  ASSERT_EQ(idl.workers.size(), 2u);
  const IdlActor& calculator = idl.workers[0];
  EXPECT_EQ(calculator.id(), "Calculator#2.1");
  EXPECT_EQ(calculator.impl->className, "CalculatorImpl");
  EXPECT_EQ(calculator.methods.size(), 9u);
  const IdlMethod& nested = calculator.methods[6];
  EXPECT_EQ(nested.params[0].type.cppName(), "std::vector<std::vector<std::int32_t>>");
  EXPECT_EQ(nested.params[1].type.idlName(), "map<list<string>>");
  EXPECT_EQ(nested.returns->cppName(), "std::optional<std::map<std::string, std::int32_t>>");
  const IdlMethod& inspect = calculator.methods[8];
  EXPECT_TRUE(inspect.params[0].acceptFail);
  EXPECT_EQ(inspect.params[0].acceptFailTypes,
            (std::vector<std::string>{"features::Broken", "Other"}));
  EXPECT_TRUE(inspect.params[1].noWait);
  ASSERT_EQ(idl.deciders.size(), 1u);
  EXPECT_EQ(idl.deciders[0].execute->name, "plan");
  EXPECT_EQ(idl.deciders[0].methods.size(), 5u);
  const std::vector<IdlEvent>& events = idl.deciders[0].events;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].name, "approved");
  EXPECT_EQ(events[0].payload.cppName(), "bool");
  EXPECT_EQ(events[1].payload.cppName(), "Point");
  EXPECT_EQ(events[2].name, "poked");
  EXPECT_EQ(events[2].payload.cppName(), "nlohmann::json");
  EXPECT_TRUE(idl.workers[0].events.empty());
  EXPECT_FALSE(idl.workers[1].impl);
}

TEST(Idl, stemIsAnIdentifierMadeFromTheFileName) {
  EXPECT_EQ(
      parseIdlText(std::string(kWorkerHead) + "      send: {}\n", "dir/my-actors.pledge.yaml").stem,
      "my_actors");
  EXPECT_EQ(parseIdlText(std::string(kWorkerHead) + "      send: {}\n", "2go.yml").stem, "idl_2go");
}

TEST(Idl, yamlSyntaxErrorsGiveTheLine) {
  EXPECT_EQ(errorOf("workers:\n  Mail: {version: \"1.0\"\n"),
            "bad.pledge.yaml:3: YAML syntax error: end of map flow not found");
}

TEST(Idl, emptyFileAndNoActorsAreErrors) {
  EXPECT_EQ(errorOf(""), "bad.pledge.yaml:0: the IDL file is empty");
  EXPECT_EQ(errorOf("namespace: a\n"),
            "bad.pledge.yaml:1: the IDL declares no actors: add 'workers' or 'deciders'");
}

TEST(Idl, unknownKeysAreNamedWithASuggestion) {
  EXPECT_EQ(errorOf("namespace: a\nworker:\n  X: {}\n"),
            "bad.pledge.yaml:2: worker: unknown key (did you mean 'workers'?) (expected one of: "
            "namespace, includes, types, workers, deciders)");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {retrys: 3}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.retrys: unknown key (did you mean "
            "'retry'?) (expected one of: params, returns, retry, timeoutMs, taskList, priority, "
            "deadlineMs, scheduleToStartMs)");
}

TEST(Idl, missingVersionIsAnError) {
  EXPECT_EQ(errorOf("workers:\n  Mail:\n    methods:\n      send: {}\n"),
            "bad.pledge.yaml:2: workers.Mail: missing version (e.g. version: \"1.0\")");
  EXPECT_EQ(errorOf("workers:\n  Mail:\n    version: \"1#0\"\n    methods:\n      send: {}\n"),
            "bad.pledge.yaml:3: workers.Mail.version: '1#0' is not a version: non-empty, without "
            "'#' or spaces");
}

TEST(Idl, unknownTypesAreNamedWithASuggestion) {
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {params: [{to: strng}]}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.params[0].to: unknown type "
            "'strng' (did you mean 'string'?): use string, int, long, double, bool, json, "
            "list<T>, map<T>, optional<T>, or a user type declared under 'types'");
  EXPECT_NE(errorOf(std::string(kWorkerHead) + "      send: {returns: Profile}\n")
                .find("unknown type 'Profile'"),
            std::string::npos);
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {returns: list}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.returns: 'list' needs an element type: "
            "list<T>");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {returns: lst<int>}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.returns: unknown generic type 'lst' "
            "(list<T>, map<T> and optional<T> exist) (did you mean 'list'?)");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {returns: list<int}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.returns: 'list<int' lacks its closing "
            "'>'");
}

TEST(Idl, duplicateNamesAreErrorsWithTheFirstLine) {
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {}\n      send: {}\n"),
            "bad.pledge.yaml:6: workers.Mail.methods.send: duplicate method (first at line 5)");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) +
                    "      send: {params: [{to: string}, {to: int}]}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.params[1]: duplicate parameter 'to' "
            "(first at line 5)");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {}\n" +
                    "deciders:\n  Mail:\n    version: \"1\"\n    execute: {start: {}}\n"),
            "bad.pledge.yaml:7: actor 'Mail' is declared twice (first at line 2)");
  EXPECT_EQ(errorOf("deciders:\n  D:\n    version: \"1\"\n    execute: {go: {}}\n"
                    "    asynchronous: {go: {}}\n"),
            "bad.pledge.yaml:5: deciders.D.asynchronous.go: duplicate method (first at line 4)");
}

TEST(Idl, decidersNeedExactlyOneExecuteMethod) {
  EXPECT_EQ(errorOf("deciders:\n  D:\n    version: \"1\"\n"),
            "bad.pledge.yaml:2: deciders.D: a decider needs exactly one 'execute' method");
  EXPECT_EQ(errorOf("deciders:\n  D:\n    version: \"1\"\n    execute: {a: {}, b: {}}\n"),
            "bad.pledge.yaml:4: deciders.D.execute: a decider has exactly one execute method, "
            "found 2");
}

TEST(Idl, methodsTakeAScheduleToStartAndAnExecuteMethodADeadline) {
  IdlFile idl = parseIdlText(
      "workers:\n  W:\n    version: \"1\"\n    methods:\n      go: {scheduleToStartMs: 30000}\n"
      "deciders:\n  D:\n    version: \"1\"\n"
      "    execute: {run: {deadlineMs: 3600000, scheduleToStartMs: 500}}\n",
      "ok.pledge.yaml");
  EXPECT_EQ(idl.workers[0].methods[0].defaults.scheduleToStartMs, 30'000);
  EXPECT_EQ(idl.deciders[0].execute->deadlineMs, 3'600'000);
  EXPECT_EQ(idl.deciders[0].execute->defaults.scheduleToStartMs, 500);
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {deadlineMs: 5}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.deadlineMs: only a decider's execute "
            "method has a deadline (its process's)");
  EXPECT_NE(errorOf(std::string(kWorkerHead) + "      send: {scheduleToStartMs: 0}\n")
                .find("send.scheduleToStartMs"),
            std::string::npos);
}

TEST(Idl, namesMustBeIdentifiersAndNotReserved) {
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      with: {}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.with: method name 'with' is reserved by the "
            "generated classes");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {params: [{class: string}]}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.params[0]: parameter name 'class' is a "
            "C++ keyword");
  EXPECT_EQ(errorOf("workers:\n  my-mail:\n    version: \"1\"\n    methods: {send: {}}\n"),
            "bad.pledge.yaml:2: workers.my-mail: actor name 'my-mail' is not an identifier "
            "(letters, digits, _)");
}

TEST(Idl, parameterFlagsAreChecked) {
  EXPECT_EQ(errorOf(std::string(kWorkerHead) +
                    "      send: {params: [{to: string, acceptFail: maybe}]}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.params[0].acceptFail: expected true or "
            "false, got 'maybe'");
  EXPECT_EQ(
      errorOf(std::string(kWorkerHead) + "      send: {params: [{to: string, noWiat: true}]}\n"),
      "bad.pledge.yaml:5: workers.Mail.methods.send.params[0].noWiat: a parameter has one "
      "name, found 'to' and 'noWiat' (did you mean 'noWait'?)");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {params: [{acceptFail: true}]}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.params[0]: missing the parameter's "
            "{name: type}");
}

TEST(Idl, retryPoliciesAreChecked) {
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {retry: {policy: exponental}}\n"),
            "bad.pledge.yaml:5: workers.Mail.methods.send.retry.policy: unknown policy "
            "'exponental' (did you mean 'exponential'?) (none, fixed, linear or exponential)");
  EXPECT_EQ(
      errorOf(std::string(kWorkerHead) + "      send: {retry: {policy: fixed, initialMs: -1}}\n"),
      "bad.pledge.yaml:5: workers.Mail.methods.send.retry.initialMs: must be at least 0, got -1");
  EXPECT_EQ(
      errorOf(std::string(kWorkerHead) + "      send: {timeoutMs: soon}\n"),
      "bad.pledge.yaml:5: workers.Mail.methods.send.timeoutMs: expected an integer, got 'soon'");
}

constexpr const char* kDeciderHead = R"(deciders:
  Shop:
    version: "1.0"
    execute: {order: {}}
    events:
)";

TEST(Idl, decidersDeclareEventsWithAnOptionalPayload) {
  IdlFile idl = parseIdlText(std::string(kDeciderHead) + "      paid: {payload: long}\n" +
                                 "      cancelled:\n      poked: {}\n",
                             "shop.pledge.yaml");
  const std::vector<IdlEvent>& events = idl.deciders.at(0).events;
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].payload.idlName(), "long");
  EXPECT_EQ(events[0].line, 6);
  EXPECT_EQ(events[1].payload.idlName(), "json");
  EXPECT_EQ(events[2].payload.idlName(), "json");
}

TEST(Idl, badEventsAreNamedWithTheirKeyPath) {
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      paid: {paylod: long}\n"),
            "bad.pledge.yaml:6: deciders.Shop.events.paid.paylod: unknown key (did you mean "
            "'payload'?) (expected one of: payload)");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      paid: {payload: Money}\n"),
            "bad.pledge.yaml:6: deciders.Shop.events.paid.payload: unknown type 'Money': use "
            "string, int, long, double, bool, json, list<T>, map<T>, optional<T>, or a user type "
            "declared under 'types'");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      order-paid: {}\n"),
            "bad.pledge.yaml:6: deciders.Shop.events.order-paid: event name 'order-paid' is not "
            "an identifier (letters, digits, _)");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      delete: {}\n"),
            "bad.pledge.yaml:6: deciders.Shop.events.delete: event name 'delete' is a C++ "
            "keyword");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      with: {}\n"),
            "bad.pledge.yaml:6: deciders.Shop.events.with: event name 'with' is reserved by the "
            "generated classes");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      paid: {}\n      paid: {}\n"),
            "bad.pledge.yaml:7: deciders.Shop.events.paid: duplicate event (first at line 6)");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      paid: long\n"),
            "bad.pledge.yaml:6: deciders.Shop.events.paid: expected {payload: Type}, or nothing "
            "for a json payload");
  EXPECT_EQ(errorOf(std::string(kDeciderHead) + "      - paid\n"),
            "bad.pledge.yaml:6: deciders.Shop.events: expected a map like {paid: {payload: "
            "Payment}}");
  EXPECT_EQ(errorOf(std::string(kWorkerHead) + "      send: {}\n    events: {paid: {}}\n"),
            "bad.pledge.yaml:6: workers.Mail.events: unknown key (expected one of: version, impl, "
            "methods)");
  EXPECT_EQ(errorOf("deciders:\n  D:\n    version: \"1\"\n    execute: {events: {}}\n"),
            "bad.pledge.yaml:4: deciders.D.execute.events: method name 'events' is reserved by "
            "the generated classes");
}

TEST(Idl, unreadableFileIsAnError) {
  EXPECT_THROW(parseIdlFile("/nonexistent/x.pledge.yaml"), IdlError);
}

}  // namespace
}  // namespace pledge::gen

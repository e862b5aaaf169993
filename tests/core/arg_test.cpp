#include "pledge/arg.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>

namespace pledge {
namespace {

TEST(Arg, plainValuesTravelAsValues) {
  EXPECT_EQ(Arg<std::string>("text").spec(), ArgSpec::ofValue("text"));
  EXPECT_EQ(Arg<std::int64_t>(5).spec(), ArgSpec::ofValue(5));
  EXPECT_EQ(Arg<std::optional<int>>(std::nullopt).spec(), ArgSpec::ofValue(nullptr));
  std::map<std::string, int> counts{{"a", 1}};
  using Counts = std::map<std::string, int>;
  EXPECT_EQ(Arg<Counts>(counts).spec(), ArgSpec::ofValue(Json{{"a", 1}}));
}

TEST(Arg, pendingPromisesTravelAsReferences) {
  Uuid task = Uuid::random();
  EXPECT_EQ(Arg<int>(Promise<int>::ofTask(task)).spec(), ArgSpec::ofPromise(task));
}

TEST(Arg, resolvedPromisesTravelAsTheirValue) {
  EXPECT_EQ(Arg<int>(Promise<int>::of(3)).spec(), ArgSpec::ofValue(3));
}

TEST(Arg, failedPromisesTravelAsReferencesToTheirTask) {
  Uuid task = Uuid::random();
  EXPECT_EQ(Arg<int>(Promise<int>::failed(TaskError("X", ""), task)).spec(),
            ArgSpec::ofPromise(task));
  EXPECT_THROW(Arg<int>(Promise<int>::failed(TaskError("X", ""))), Error);
}

TEST(Arg, emptyPromiseCannotBePassed) { EXPECT_THROW(Arg<int>(Promise<int>()), Error); }

TEST(Arg, listsTakePromisesAndArgs) {
  Uuid a = Uuid::random();
  Uuid b = Uuid::random();
  Arg<std::vector<int>> promises(std::vector<Promise<int>>{Promise<int>::ofTask(a),
                                                           Promise<int>::of(2),
                                                           Promise<int>::ofTask(b)});
  EXPECT_EQ(promises.spec(), ArgSpec::ofList({ArgSpec::ofPromise(a), ArgSpec::ofValue(2),
                                              ArgSpec::ofPromise(b)}));
  Arg<std::vector<int>> mixed(std::vector<Arg<int>>{1, Promise<int>::ofTask(a)});
  EXPECT_EQ(mixed.spec(), ArgSpec::ofList({ArgSpec::ofValue(1), ArgSpec::ofPromise(a)}));
  Arg<std::vector<int>> plain(std::vector<int>{1, 2});
  EXPECT_EQ(plain.spec(), ArgSpec::ofValue(Json::array({1, 2})));
}

}  // namespace
}  // namespace pledge

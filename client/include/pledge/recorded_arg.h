// RecordedArg<T>: one argument of a recorded call, as a decider unit test reads it through a
// generated <Actor>Recording test double.
//
//   UserProfileServiceRecording profiles(recorder.tasks());
//   MailServiceRecording mail(recorder.tasks());
//   EXPECT_EQ(profiles.get().at(0).userId.value(), "user-1");
//   EXPECT_TRUE(mail.send().at(0).email.isPromiseOf(profiles.get().at(0).task));
#pragma once

#include "pledge/arg_spec.h"
#include "pledge/error.h"
#include "pledge/json.h"
#include "pledge/task_spec.h"

namespace pledge {

// A plain value; copyable.
template <typename T>
class RecordedArg {
 public:
  RecordedArg() = default;
  explicit RecordedArg(ArgSpec spec) : spec_(std::move(spec)) {}

  const ArgSpec& spec() const { return spec_; }

  bool isValue() const { return spec_.kind == ArgSpec::Kind::Value; }
  // The plain value; throws pledge::Error unless isValue().
  T value() const {
    PLEDGE_REQUIRE(isValue(), "the recorded argument is not a plain value");
    return readAs<T>(spec_.value);
  }

  bool isPromise() const { return spec_.kind == ArgSpec::Kind::Promise; }
  const Uuid& promise() const { return spec_.promise; }
  bool noWait() const { return spec_.flags.noWait; }
  const AcceptFail& acceptFail() const { return spec_.flags.acceptFail; }
  // True when the argument is the promise of task.
  bool isPromiseOf(const TaskSpec& task) const { return isPromise() && promise() == task.taskId; }

  bool isList() const { return spec_.kind == ArgSpec::Kind::List; }
  const std::vector<ArgSpec>& list() const { return spec_.list; }

 private:
  ArgSpec spec_;
};

}  // namespace pledge

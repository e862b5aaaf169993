#include "pledge/promise.h"

#include "pledge/error.h"

namespace pledge {

PromiseNotReady::PromiseNotReady(const Uuid& taskId)
    : std::logic_error("the promise of task " + taskId.toString() +
                       " is not resolved yet: a decider never waits; pass the promise on as an "
                       "argument, or take it in an asynchronous method that runs once it is "
                       "resolved") {}

namespace detail {

const TaskError& PromiseCore::error() const {
  PLEDGE_ASSERT(error_.has_value(), "error() of a promise that has not failed");
  return *error_;
}

void PromiseCore::throwUnlessResolved() const {
  if (state_ == PromiseState::Failed) throw *error_;
  if (state_ == PromiseState::Pending) throw PromiseNotReady(taskId_.value_or(Uuid()));
}

}  // namespace detail
}  // namespace pledge

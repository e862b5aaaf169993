#include "pledge/arg.h"

#include "pledge/error.h"

namespace pledge::detail {

ArgSpec argSpecOfPromise(const PromiseCore& promise, const Json* resolvedValue) {
  switch (promise.state()) {
    case PromiseState::Resolved:
      PLEDGE_ASSERT(resolvedValue != nullptr, "resolved promise without its value");
      return ArgSpec::ofValue(*resolvedValue);
    case PromiseState::Pending:
      PLEDGE_REQUIRE(promise.taskId().has_value(),
                     "an empty promise (default-constructed, no task behind it) was passed as an "
                     "argument; assign it the result of a proxy call or Promise<T>::of(value)");
      return ArgSpec::ofPromise(*promise.taskId());
    case PromiseState::Failed:
      PLEDGE_REQUIRE(promise.taskId().has_value(),
                     "a failed promise made with Promise<T>::failed was passed as an argument: "
                     "only the failure of a task can be passed on ({})",
                     promise.error().message());
      return ArgSpec::ofPromise(*promise.taskId());
  }
  PLEDGE_ASSERT(false, "unknown promise state");
}

}  // namespace pledge::detail

// Arg<T>: an argument of a generated proxy method: a plain T, or a Promise<T> the call waits for.
// A list parameter, Arg<std::vector<E>>, also takes a vector of promises (or of Arg<E>): the task
// waits for all of them.
//
//   Promise<Profile> profile = profiles_.get(userId);   // get(Arg<std::string>) took a string
//   async().sendToTransport(profile, message);          // Arg<Profile> took a promise
//   summer_.sum(std::vector<Promise<int>>{a, b, c});    // Arg<std::vector<int>> waits for three
//
// Value semantics; thread-compatible.
#pragma once

#include <type_traits>
#include <utility>
#include <vector>

#include "pledge/arg_spec.h"
#include "pledge/json.h"
#include "pledge/promise.h"

namespace pledge {

template <typename T>
class Arg;

namespace detail {

template <typename T>
struct IsArg : std::false_type {};
template <typename T>
struct IsArg<Arg<T>> : std::true_type {};

// The ArgSpec of a promise passed as an argument: a resolved one travels as its value, a pending
// or failed one as a reference to its task. Throws pledge::Error for an empty promise or a failed
// one that no task produced (they cannot be sent).
ArgSpec argSpecOfPromise(const PromiseCore& promise, const Json* resolvedValue);

template <typename T>
ArgSpec argSpecOf(const Promise<T>& promise) {
  if constexpr (std::is_void_v<T>) {
    const Json null;
    return argSpecOfPromise(promise, &null);
  } else {
    if (promise.isResolved()) {
      const Json value = promise.get();
      return argSpecOfPromise(promise, &value);
    }
    return argSpecOfPromise(promise, nullptr);
  }
}

}  // namespace detail

template <typename T>
class Arg {
 public:
  Arg(const T& value) : spec_(ArgSpec::ofValue(Json(value))) {}  // NOLINT: implicit by design

  // Anything a T can be made from: Arg<std::string> from "text", Arg<long> from 5.
  template <typename U>
    requires(std::is_constructible_v<T, U &&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !kIsPromise<U> && !detail::IsArg<std::remove_cvref_t<U>>::value)
  Arg(U&& value) : Arg(T(std::forward<U>(value))) {}  // NOLINT

  Arg(const Promise<T>& promise) : spec_(detail::argSpecOf(promise)) {}  // NOLINT

  // A list argument made of promises or arguments; the task waits for every pending one.
  template <typename E>
    requires std::is_same_v<T, std::vector<E>>
  Arg(const std::vector<Promise<E>>& items) {  // NOLINT
    std::vector<ArgSpec> specs;
    specs.reserve(items.size());
    for (const Promise<E>& item : items) specs.push_back(detail::argSpecOf(item));
    spec_ = ArgSpec::ofList(std::move(specs));
  }
  template <typename E>
    requires std::is_same_v<T, std::vector<E>>
  Arg(const std::vector<Arg<E>>& items) {  // NOLINT
    std::vector<ArgSpec> specs;
    specs.reserve(items.size());
    for (const Arg<E>& item : items) specs.push_back(item.spec());
    spec_ = ArgSpec::ofList(std::move(specs));
  }

  const ArgSpec& spec() const& { return spec_; }
  ArgSpec spec() && { return std::move(spec_); }

  bool operator==(const Arg&) const = default;

 private:
  ArgSpec spec_;
};

}  // namespace pledge

// Promise<T>: the future result of a task, as a decider sees it.
//
// Inside a decider a Promise is a handle to a node of the captured graph (like tf::Task): proxies
// return pending promises, which are passed on as arguments of further calls. A decider never
// waits: get() works only on a promise that is already resolved — one made with Promise<T>::of,
// or a parameter marked acceptFail/noWait that arrives as a Promise.
//
//   Promise<Profile> profile = profiles_.get(userId);        // pending: a task was recorded
//   Promise<bool> done = Promise<bool>::of(true);             // resolved, no task behind it
//   if (sent.hasFailed()) log(sent.error().message());        // an acceptFail parameter
//
// Value semantics: copyable, compared by value; destroying a promise never cancels anything.
// Thread-compatible.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <cstdint>
#include <utility>

#include "pledge/task_error.h"
#include "pledge/uuid.h"

namespace pledge {

enum class PromiseState : std::uint8_t { Pending, Resolved, Failed };

// Thrown by Promise::get() on a pending promise: a decider tried to wait.
class PromiseNotReady : public std::logic_error {
 public:
  explicit PromiseNotReady(const Uuid& taskId);
};

namespace detail {

// The part of a promise that does not depend on T.
class PromiseCore {
 public:
  PromiseState state() const { return state_; }
  bool isPending() const { return state_ == PromiseState::Pending; }
  bool isResolved() const { return state_ == PromiseState::Resolved; }
  bool hasFailed() const { return state_ == PromiseState::Failed; }
  // The task whose result this is; nullopt for a promise made with of() or failed().
  const std::optional<Uuid>& taskId() const { return taskId_; }
  // The failure; requires hasFailed().
  const TaskError& error() const;

  friend bool operator==(const PromiseCore&, const PromiseCore&) = default;

 protected:
  void throwUnlessResolved() const;

  std::optional<Uuid> taskId_;
  PromiseState state_ = PromiseState::Pending;
  std::optional<TaskError> error_;
};

}  // namespace detail

template <typename T>
class Promise : public detail::PromiseCore {
 public:
  using ValueType = T;

  // An empty pending promise with no task; passing it to a call is an error.
  Promise() = default;

  static Promise of(T value) {
    Promise promise;
    promise.state_ = PromiseState::Resolved;
    promise.value_ = std::move(value);
    return promise;
  }
  // The pending result of task taskId.
  static Promise ofTask(Uuid taskId) {
    Promise promise;
    promise.taskId_ = taskId;
    return promise;
  }
  static Promise failed(TaskError error, std::optional<Uuid> taskId = std::nullopt) {
    Promise promise;
    promise.taskId_ = taskId;
    promise.state_ = PromiseState::Failed;
    promise.error_ = std::move(error);
    return promise;
  }

  // The value of a resolved promise. Throws the TaskError of a failed one and PromiseNotReady
  // for a pending one.
  const T& get() const {
    throwUnlessResolved();
    return *value_;
  }

  friend bool operator==(const Promise& a, const Promise& b) {
    return static_cast<const detail::PromiseCore&>(a) ==
               static_cast<const detail::PromiseCore&>(b) &&
           a.value_ == b.value_;
  }

 private:
  std::optional<T> value_;
};

template <>
class Promise<void> : public detail::PromiseCore {
 public:
  using ValueType = void;

  Promise() = default;

  static Promise of() {
    Promise promise;
    promise.state_ = PromiseState::Resolved;
    return promise;
  }
  static Promise ofTask(Uuid taskId) {
    Promise promise;
    promise.taskId_ = taskId;
    return promise;
  }
  static Promise failed(TaskError error, std::optional<Uuid> taskId = std::nullopt) {
    Promise promise;
    promise.taskId_ = taskId;
    promise.state_ = PromiseState::Failed;
    promise.error_ = std::move(error);
    return promise;
  }

  // Returns for a resolved promise; throws like Promise<T>::get otherwise.
  void get() const { throwUnlessResolved(); }
};

template <typename T>
struct IsPromise : std::false_type {};
template <typename T>
struct IsPromise<Promise<T>> : std::true_type {};
template <typename T>
inline constexpr bool kIsPromise = IsPromise<std::remove_cvref_t<T>>::value;

}  // namespace pledge

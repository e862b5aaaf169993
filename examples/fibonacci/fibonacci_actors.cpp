#include "fibonacci_actors.h"

namespace example::fibonacci {

std::int64_t AdderImpl::add(std::int64_t a, std::int64_t b) { return a + b; }

pledge::Promise<std::int64_t> FibonacciImpl::compute(std::int32_t n) {
  // A direct call runs fib's body inside this task; async().fib(n) would record one more task.
  return fib(n);
}

pledge::Promise<std::int64_t> FibonacciImpl::fib(std::int32_t n) {
  // The end of the recursion: an answer, not a task.
  if (n < 2) return pledge::Promise<std::int64_t>::of(n);
  // Recorded, not run: each becomes a decider task that runs fib again on some decider thread.
  pledge::Promise<std::int64_t> previous = async().fib(n - 1);
  pledge::Promise<std::int64_t> beforeThat = async().fib(n - 2);
  // Waits on the server, not here: the addition is handed out once both promises resolved.
  return adder_.add(previous, beforeThat);
}

}  // namespace example::fibonacci

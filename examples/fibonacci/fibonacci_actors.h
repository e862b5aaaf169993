// The actors of the fibonacci example: fib(n) = n for n < 2, else add(fib(n - 1), fib(n - 2)),
// where every fib call is a decider task of its own and every add a worker task.
#pragma once

#include <cstdint>

#include "fibonacci.pledge.h"

namespace example::fibonacci {

// Adds two numbers. A worker: it gets plain values, never promises.
class AdderImpl final : public Adder {
 public:
  std::int64_t add(std::int64_t a, std::int64_t b) override;
};

class FibonacciImpl final : public Fibonacci {
 public:
  // The start of a process: its result is fib(n).
  pledge::Promise<std::int64_t> compute(std::int32_t n) override;
  // An asynchronous point: records fib(n - 1) and fib(n - 2) as decider tasks and their sum as a
  // worker task, and returns the promise of the sum, which becomes this task's result.
  pledge::Promise<std::int64_t> fib(std::int32_t n) override;

 private:
  AdderClient adder_;
};

}  // namespace example::fibonacci

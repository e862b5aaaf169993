// fib(n) = n for n < 2, else add(fib(n - 1), fib(n - 2)).
#pragma once

#include "fibonacci.pledge.h"

namespace example::fibonacci {

class AdderImpl final : public Adder {
 public:
  std::int64_t add(std::int64_t a, std::int64_t b) override { return a + b; }
};

class FibonacciImpl final : public Fibonacci {
 public:
  // The process result is the result of the first asynchronous point.
  pledge::Promise<std::int64_t> compute(std::int32_t n) override { return async().fib(n); }

  // Each call is a decider task of its own: the two recursive calls are recorded (not run), and
  // the worker adds their promises once both resolved.
  pledge::Promise<std::int64_t> fib(std::int32_t n) override {
    if (n < 2) return pledge::Promise<std::int64_t>::of(n);
    pledge::Promise<std::int64_t> previous = async().fib(n - 1);
    pledge::Promise<std::int64_t> beforeThat = async().fib(n - 2);
    return adder_.add(previous, beforeThat);
  }

 private:
  AdderClient adder_;
};

}  // namespace example::fibonacci

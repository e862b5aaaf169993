#pragma once

#include "greeter.pledge.h"

namespace greeter {

class GreeterImpl final : public Greeter {
 public:
  std::string greet(std::string name) override { return "hello, " + name; }
};

class WelcomeImpl final : public Welcome {
 public:
  pledge::Promise<std::string> run(std::string name) override { return greeter_.greet(name); }

 private:
  GreeterClient greeter_;
};

}  // namespace greeter

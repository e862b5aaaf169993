#include <iostream>

#include <pledge/task_runtime.h>

#include "greeter.pledge.h"
#include "idl_2nd_shift.pledge.h"

int main() {
  pledge::ActorRegistry registry;
  pledge_register_greeter(registry);

  pledge::PolledTask task;
  task.taskId = pledge::Uuid::random();
  task.actor = "Greeter#1.0";
  task.method = "greet";
  task.args = {pledge::ArgValue::ofValue("world")};
  pledge::Decision greeted = pledge::makeRuntime(*registry.find("Greeter#1.0"))->execute(task);
  std::cout << "worker result: " << greeted.result.dump() << "\n";

  task.actor = "Welcome#1.0";
  task.method = "run";
  task.type = pledge::TaskType::Decider;
  pledge::Decision planned = pledge::makeRuntime(*registry.find("Welcome#1.0"))->execute(task);
  std::cout << "decider recorded " << planned.tasks.size()
            << " task: " << planned.tasks.at(0).actor << "." << planned.tasks.at(0).method << "\n";
  return 0;
}

// notification-record-demo [userId] [message]
// Runs NotificationDecider.start in-process and prints the decision it records as a graph:
// every task, its arguments, and the promises it waits for. No server involved.
#include <iostream>
#include <map>
#include <string>

#include "notification.pledge.h"
#include "notification_decider.h"
#include "pledge/decider_runtime.h"

namespace {

std::string describeArg(const pledge::ArgSpec& arg, const std::map<pledge::Uuid, int>& numbers) {
  switch (arg.kind) {
    case pledge::ArgSpec::Kind::Value: return arg.value.dump();
    case pledge::ArgSpec::Kind::Promise: {
      auto it = numbers.find(arg.promise);
      std::string ref = it == numbers.end() ? arg.promise.toString() : "#" + std::to_string(it->second);
      if (arg.flags.noWait) ref += " (no wait)";
      if (arg.flags.acceptFail.enabled()) ref += " (or its failure)";
      return ref;
    }
    case pledge::ArgSpec::Kind::List: {
      std::string text = "[";
      for (const auto& item : arg.list) text += (text.size() > 1 ? ", " : "") + describeArg(item, numbers);
      return text + "]";
    }
  }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace example::notification;
  const std::string userId = argc > 1 ? argv[1] : "user-4";
  const std::string message = argc > 2 ? argv[2] : "Your order has shipped";

  pledge::DeciderRuntime runtime(
      NotificationDecider::kActor,
      std::make_unique<NotificationDeciderDispatcher>(std::make_unique<NotificationDeciderImpl>()));
  pledge::PolledTask start;
  start.taskId = pledge::Uuid::random();
  start.processId = pledge::Uuid::random();
  start.actor = NotificationDecider::kActor;
  start.method = "start";
  start.type = pledge::TaskType::Decider;
  start.args = {pledge::ArgValue::ofValue(userId), pledge::ArgValue::ofValue(message)};
  pledge::Decision decision = runtime.execute(start);
  if (decision.failed()) {
    std::cerr << "start failed: " << decision.error->message() << "\n";
    return 1;
  }

  std::map<pledge::Uuid, int> numbers;
  for (const auto& task : decision.tasks) numbers.emplace(task.taskId, static_cast<int>(numbers.size()) + 1);

  std::cout << NotificationDecider::kActor << ".start(\"" << userId << "\", \"" << message
            << "\") recorded " << decision.tasks.size() << " tasks:\n\n";
  for (const auto& task : decision.tasks) {
    std::string args;
    std::string waits;
    for (const auto& arg : task.args) {
      args += (args.empty() ? "" : ", ") + describeArg(arg, numbers);
      if (arg.kind == pledge::ArgSpec::Kind::Promise && !arg.flags.noWait) {
        waits += (waits.empty() ? "" : ", ") + ("#" + std::to_string(numbers[arg.promise]));
      }
    }
    std::cout << "  #" << numbers[task.taskId] << "  " << task.actor << "." << task.method << "("
              << args << ")\n      " << pledge::taskTypeName(task.type) << " task"
              << (waits.empty() ? ", ready at once" : ", runs once " + waits + " resolved") << "\n";
  }
  std::cout << "\nThe decision as shipped to pledge-server:\n"
            << pledge::Json(decision).dump(2) << "\n";
  return 0;
}

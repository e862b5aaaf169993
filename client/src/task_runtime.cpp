#include "pledge/task_runtime.h"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <memory>
#include <typeinfo>

#include "pledge/decider_runtime.h"
#include "pledge/worker_runtime.h"

namespace pledge {
namespace {

std::string demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return status == 0 && name ? std::string(name.get()) : std::string(mangled);
}

std::string currentExceptionTypeName() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  return type != nullptr ? demangle(type->name()) : "unknown";
}

}  // namespace

std::unique_ptr<TaskRuntime> makeRuntime(const ActorEntry& entry) {
  if (entry.type == TaskType::Decider) {
    return std::make_unique<DeciderRuntime>(entry.actor, entry.makeDispatcher());
  }
  return std::make_unique<WorkerRuntime>(entry.makeDispatcher());
}

TaskError currentExceptionAsTaskError() {
  try {
    throw;
  } catch (const TaskError& error) {
    return fitToLimits(error);
  } catch (const std::exception& error) {
    return fitToLimits(TaskError(currentExceptionTypeName(), error.what()));
  } catch (...) {
    return fitToLimits(TaskError(currentExceptionTypeName(), "unknown exception"));
  }
}

}  // namespace pledge

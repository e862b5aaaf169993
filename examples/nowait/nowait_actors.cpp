#include "nowait_actors.h"

#include <chrono>
#include <thread>

namespace example::nowait {

std::int32_t WarehouseImpl::count(std::string item) {
  std::this_thread::sleep_for(std::chrono::milliseconds(kCountMs));
  return static_cast<std::int32_t>(item.size() * 10);
}

pledge::Promise<std::string> ReportImpl::build(std::string item) {
  pledge::Promise<std::int32_t> stock = warehouse_.count(item);
  // stock is noWait in header: the header task is ready at once, beside the count.
  return async().header(item, stock);
}

pledge::Promise<std::string> ReportImpl::header(std::string item,
                                                pledge::Promise<std::int32_t> stock) {
  // A noWait promise is a handle: get() works only if the count happened to be done already.
  const char* when = stock.isPending() ? "counting" : "counted";
  std::string line = "Stock of " + item + " (" + when + " when this line was written)";
  // Passed on as an ordinary argument, the same promise holds complete back until it resolves.
  return async().complete(line, stock);
}

pledge::Promise<std::string> ReportImpl::complete(std::string header, std::int32_t stock) {
  return pledge::Promise<std::string>::of(header + ": " + std::to_string(stock));
}

}  // namespace example::nowait

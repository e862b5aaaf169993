#include "kitchensink_actors.h"

#include "pledge/error.h"
#include "pledge/workflows.h"

namespace example::kitchensink {

std::int64_t PantryImpl::weigh(std::string item, std::int64_t grams) {
  if (grams <= 0) {
    throw pledge::TaskError("BadWeight", item + ": " + std::to_string(grams) + " g", false);
  }
  return (grams + 99) / 100 * 100;
}

pledge::Promise<nlohmann::json> ChefImpl::cook(nlohmann::json order) {
  return pledge::callWorkflow("kitchensink", 1, std::move(order));
}

pledge::Promise<std::string> SommelierImpl::pair(std::string dish) {
  return pledge::Promise<std::string>::of(dish.find("fish") != std::string::npos ? "Chablis"
                                                                                 : "Chianti");
}

}  // namespace example::kitchensink

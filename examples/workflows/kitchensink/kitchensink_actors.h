// The C++ actors of the kitchensink workflow (README.md).
#pragma once

#include <cstdint>
#include <string>

#include "kitchensink.pledge.h"

namespace example::kitchensink {

class PantryImpl final : public Pantry {
 public:
  std::int64_t weigh(std::string item, std::int64_t grams) override;
};

class ChefImpl final : public Chef {
 public:
  pledge::Promise<nlohmann::json> cook(nlohmann::json order) override;
};

class SommelierImpl final : public Sommelier {
 public:
  pledge::Promise<std::string> pair(std::string dish) override;
};

}  // namespace example::kitchensink

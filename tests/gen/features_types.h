// User types of features.pledge.yaml.
#pragma once

#include <nlohmann/json.hpp>

namespace features {

struct Point {
  int x = 0;
  int y = 0;
  bool operator==(const Point&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Point, x, y)

enum class Color { Red, Green };
NLOHMANN_JSON_SERIALIZE_ENUM(Color, {{Color::Red, "red"}, {Color::Green, "green"}})

}  // namespace features

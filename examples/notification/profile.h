// The user profile the notification process reads, with its JSON form.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace example::notification {

enum class Delivery { Email, Sms };

NLOHMANN_JSON_SERIALIZE_ENUM(Delivery, {{Delivery::Email, "email"}, {Delivery::Sms, "sms"}})

struct Profile {
  std::string userId;
  std::string email;
  std::string phone;
  Delivery deliveryType = Delivery::Email;
  // The user asked for no notifications.
  bool blocked = false;

  bool operator==(const Profile&) const = default;
};

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Profile, userId, email, phone, deliveryType, blocked)

}  // namespace example::notification

#include "pledge/arg_spec.h"

#include <algorithm>

#include "pledge/limits.h"
#include "pledge/text.h"

namespace pledge {

bool AcceptFail::accepts(const TaskError& error) const {
  if (anyType) return true;
  return std::find(types.begin(), types.end(), error.type()) != types.end();
}

ArgSpec ArgSpec::ofValue(Json value) {
  ArgSpec arg;
  arg.kind = Kind::Value;
  arg.value = std::move(value);
  return arg;
}

ArgSpec ArgSpec::ofPromise(Uuid taskId, PromiseFlags flags) {
  ArgSpec arg;
  arg.kind = Kind::Promise;
  arg.promise = taskId;
  arg.flags = std::move(flags);
  return arg;
}

ArgSpec ArgSpec::ofList(std::vector<ArgSpec> items) {
  ArgSpec arg;
  arg.kind = Kind::List;
  arg.list = std::move(items);
  return arg;
}

bool ArgSpec::operator==(const ArgSpec& other) const {
  if (kind != other.kind) return false;
  switch (kind) {
    case Kind::Value: return value == other.value;
    case Kind::Promise:
      return promise == other.promise && flags.noWait == other.flags.noWait &&
             flags.acceptFail == other.flags.acceptFail;
    case Kind::List: return list == other.list;
  }
  return false;
}

void to_json(Json& out, const AcceptFail& acceptFail) {
  if (acceptFail.anyType) {
    out = true;
  } else if (!acceptFail.types.empty()) {
    out = acceptFail.types;
  } else {
    out = false;
  }
}

void from_json(const Json& in, AcceptFail& acceptFail) {
  if (in.is_boolean()) {
    acceptFail = in.get<bool>() ? AcceptFail::any() : AcceptFail{};
    return;
  }
  if (!in.is_array()) {
    throw JsonError("expected true, false or a list of error types, got " + describeJson(in));
  }
  acceptFail = AcceptFail::ofTypes(readErrorTypes(in));
}

void to_json(Json& out, const ArgSpec& arg) {
  switch (arg.kind) {
    case ArgSpec::Kind::Value: out = Json{{"value", arg.value}}; break;
    case ArgSpec::Kind::Promise:
      out = Json{{"promise", arg.promise}};
      if (arg.flags.noWait) out["noWait"] = true;
      if (arg.flags.acceptFail.enabled()) out["acceptFail"] = arg.flags.acceptFail;
      break;
    case ArgSpec::Kind::List: {
      Json items = Json::array();
      for (const ArgSpec& item : arg.list) items.push_back(item);
      out = Json{{"list", std::move(items)}};
      break;
    }
  }
}

void from_json(const Json& in, ArgSpec& arg) {
  rejectUnknownFields(in, {"value", "promise", "noWait", "acceptFail", "list"});
  const int forms = static_cast<int>(in.contains("value")) +
                    static_cast<int>(in.contains("promise")) +
                    static_cast<int>(in.contains("list"));
  if (forms != 1) throw JsonError("expected exactly one of value, promise, list");
  if (in.contains("value")) {
    if (in.contains("noWait") || in.contains("acceptFail")) {
      throw JsonError("noWait and acceptFail apply only to a promise argument");
    }
    arg = ArgSpec::ofValue(in["value"]);
    return;
  }
  if (in.contains("list")) {
    if (in.contains("noWait") || in.contains("acceptFail")) {
      throw JsonError("noWait and acceptFail apply only to a promise argument");
    }
    arg = ArgSpec::ofList(atField(
        "list", [&] { return readArrayOfAtMost<ArgSpec>(in["list"], limits::kMaxListItems); }));
    return;
  }
  PromiseFlags flags;
  flags.noWait = readOptionalField(in, "noWait", readBool).value_or(false);
  if (const Json* acceptFail = optionalField(in, "acceptFail")) {
    flags.acceptFail = atField("acceptFail", [&] { return acceptFail->get<AcceptFail>(); });
  }
  arg = ArgSpec::ofPromise(readField(in, "promise", readUuid), std::move(flags));
}

}  // namespace pledge

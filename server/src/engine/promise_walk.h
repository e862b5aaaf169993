// forEachPromise: the promise references of an argument, list elements included (shared by
// the graph's files).
#pragma once

#include "pledge/arg_spec.h"

namespace pledge::server {

// Calls visit(ref) for every promise reference in arg, list elements included.
template <typename Visit>
void forEachPromise(const ArgSpec& arg, Visit&& visit) {
  if (arg.kind == ArgSpec::Kind::Promise) {
    visit(arg);
  } else if (arg.kind == ArgSpec::Kind::List) {
    for (const ArgSpec& item : arg.list) forEachPromise(item, visit);
  }
}

}  // namespace pledge::server

#include "pledge/limits.h"

namespace pledge::limits {
namespace {

thread_local int ignoredScopes = 0;

}  // namespace

bool enforced() { return ignoredScopes == 0; }

Ignored::Ignored() { ++ignoredScopes; }
Ignored::~Ignored() { --ignoredScopes; }

}  // namespace pledge::limits

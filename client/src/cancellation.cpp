#include "pledge/cancellation.h"

#include <utility>

namespace pledge {
namespace {

// The token of the task this thread runs for (set by the runner); a default token never stops.
thread_local std::stop_token currentToken;

}  // namespace

bool cancelled() { return currentToken.stop_requested(); }

std::stop_token stopToken() { return currentToken; }

namespace detail {

CurrentTaskScope::CurrentTaskScope(std::stop_token token)
    : previous_(std::exchange(currentToken, std::move(token))) {}

CurrentTaskScope::~CurrentTaskScope() { currentToken = std::move(previous_); }

}  // namespace detail
}  // namespace pledge

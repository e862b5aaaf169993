#include "summator_actors.h"

namespace example::summator {

using Sum = pledge::Promise<std::int64_t>;

std::int64_t ArithmeticImpl::add(std::int64_t a, std::int64_t b) { return a + b; }

Sum SummatorImpl::sum(std::vector<std::int64_t> values) { return reduce(std::move(values)); }

Sum SummatorImpl::reduce(std::vector<std::int64_t> level) {
  if (level.empty()) return Sum::of(0);
  if (level.size() == 1) return Sum::of(level.front());
  // The additions of one level are independent tasks: the server hands them out in parallel.
  std::vector<Sum> next;
  for (std::size_t i = 0; i + 1 < level.size(); i += 2) {
    next.push_back(arithmetic_.add(level[i], level[i + 1]));
  }
  if (level.size() % 2 == 1) next.push_back(Sum::of(level.back()));
  // A list of promises as a list<long> argument: the next level runs once every one resolved and
  // receives their values.
  return async().reduce(next);
}

}  // namespace example::summator

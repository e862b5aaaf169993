// What the fuzz targets share: how a finding is reported (the input's failure, then a trap that
// libFuzzer and the replay runner both report as a crash).
#pragma once

#include <cstdio>
#include <string>

namespace pledge::fuzz {

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "FUZZ FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

inline void check(bool condition, const std::string& what) {
  if (!condition) fail(what);
}

}  // namespace pledge::fuzz

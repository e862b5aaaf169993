#include "pledge/cli/progress_bar.h"

#include <gtest/gtest.h>

#include <sstream>

namespace pledge::cli {
namespace {

TEST(ProgressBar, lineShowsStartedAndCompleted) {
  std::ostringstream sink;
  ProgressBar bar(10, true, sink);
  EXPECT_EQ(bar.line(10, 5, 1.25),
            "[###############===============]  started 10/10  completed 5/10  1.2s");
  EXPECT_EQ(bar.line(0, 0, 0),
            "[------------------------------]  started 0/10  completed 0/10  0.0s");
}

TEST(ProgressBar, offATerminalItPrintsAPlainLineEveryTenthAndAtTheEnd) {
  std::ostringstream out;
  ProgressBar bar(100, false, out);
  for (int done = 0; done <= 100; ++done) bar.update(100, done);
  bar.finish();
  const std::string printed = out.str();
  int lines = 0;
  for (char c : printed) lines += c == '\n';
  EXPECT_EQ(lines, 11);
  EXPECT_EQ(printed.find('\r'), std::string::npos);
  EXPECT_NE(printed.find("completed 100/100"), std::string::npos);
}

}  // namespace
}  // namespace pledge::cli

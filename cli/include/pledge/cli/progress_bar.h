// ProgressBar: started/completed progress of long CLI work (on stderr, so that stdout stays clean).
// On a terminal it redraws one line in place at most ten times a second; elsewhere it prints a
// plain line every 10%.
//
//   ProgressBar bar(91, isatty(2), std::cerr);
//   bar.update(started, completed);
//   bar.finish();
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace pledge::cli {

// Thread-compatible: one thread draws.
class ProgressBar {
 public:
  ProgressBar(int total, bool terminal, std::ostream& out);

  void update(int started, int completed);
  // Draws the final state and ends the line.
  void finish();

  // The bar's text for given counts (no carriage return), e.g.
  // "[#############-------]  started 91/91  completed 60/91  1.2s".
  std::string line(int started, int completed, double seconds) const;

 private:
  int total_;
  bool terminal_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point begin_;
  std::chrono::steady_clock::time_point lastDraw_{};
  int lastDecile_ = -1;
  int started_ = 0;
  int completed_ = 0;
};

}  // namespace pledge::cli

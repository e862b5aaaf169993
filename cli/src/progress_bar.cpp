#include "pledge/cli/progress_bar.h"

#include <fmt/format.h>

namespace pledge::cli {

ProgressBar::ProgressBar(int total, bool terminal, std::ostream& out)
    : total_(total), terminal_(terminal), out_(out), begin_(std::chrono::steady_clock::now()) {}

std::string ProgressBar::line(int started, int completed, double seconds) const {
  constexpr int kWidth = 30;
  const int total = std::max(total_, 1);
  const int done = kWidth * completed / total;
  const int begun = kWidth * started / total - done;
  return fmt::format(
      "[{}{}{}]  started {}/{}  completed {}/{}  {:.1f}s",
      std::string(static_cast<std::size_t>(done), '#'),
      std::string(static_cast<std::size_t>(std::max(begun, 0)), '='),
      std::string(static_cast<std::size_t>(std::max(kWidth - done - std::max(begun, 0), 0)), '-'),
      started, total_, completed, total_, seconds);
}

void ProgressBar::update(int started, int completed) {
  started_ = started;
  completed_ = completed;
  const auto now = std::chrono::steady_clock::now();
  const double seconds = std::chrono::duration<double>(now - begin_).count();
  if (terminal_) {
    if (now - lastDraw_ < std::chrono::milliseconds(100)) return;
    lastDraw_ = now;
    out_ << '\r' << line(started, completed, seconds) << std::flush;
    return;
  }
  const int decile = total_ > 0 ? 10 * completed / total_ : 10;
  if (decile == lastDecile_) return;
  lastDecile_ = decile;
  out_ << line(started, completed, seconds) << std::endl;
}

void ProgressBar::finish() {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
  if (terminal_) {
    out_ << '\r' << line(started_, completed_, seconds) << std::endl;
  } else if (lastDecile_ != 10) {
    out_ << line(started_, completed_, seconds) << std::endl;
  }
}

}  // namespace pledge::cli

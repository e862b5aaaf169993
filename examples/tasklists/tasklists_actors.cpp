#include "tasklists_actors.h"

#include <chrono>
#include <thread>

namespace example::tasklists {

bool isBig(const std::string& page) { return page.starts_with("big-"); }

std::string RendererImpl::render(std::string page) {
  if (isBig(page)) std::this_thread::sleep_for(std::chrono::milliseconds(kBigPageMs));
  return "<html>" + page + "</html>";
}

pledge::Promise<std::vector<std::string>> PublisherImpl::publish(std::vector<std::string> pages) {
  std::vector<pledge::Promise<std::string>> rendered;
  for (const std::string& page : pages) {
    // with() returns a copy of the proxy whose calls carry the options; renderer_ is unchanged.
    rendered.push_back(renderer_.with({.taskList = isBig(page) ? "bulk" : "fast"}).render(page));
  }
  return async().collect(rendered);
}

pledge::Promise<std::vector<std::string>> PublisherImpl::collect(
    std::vector<std::string> rendered) {
  return pledge::Promise<std::vector<std::string>>::of(std::move(rendered));
}

}  // namespace example::tasklists

// The actors of the tasklists example: publish(pages) renders every page — big ones ("big-...")
// on the "bulk" task list, the others on "fast". actors.yaml gives each list a pool of its own,
// so a queue of slow big pages never holds up the small ones.
#pragma once

#include <string>
#include <vector>

#include "tasklists.pledge.h"

namespace example::tasklists {

// How long rendering a big page takes.
inline constexpr int kBigPageMs = 200;

// True for the pages that go to the "bulk" list.
bool isBig(const std::string& page);

class RendererImpl final : public Renderer {
 public:
  // "<html>page</html>"; takes kBigPageMs for a big page.
  std::string render(std::string page) override;
};

class PublisherImpl final : public Publisher {
 public:
  // The start of a process: renders each page on its list; the result is the rendered pages in
  // the order given.
  pledge::Promise<std::vector<std::string>> publish(std::vector<std::string> pages) override;
  // The rendered pages, once all are.
  pledge::Promise<std::vector<std::string>> collect(std::vector<std::string> rendered) override;

 private:
  RendererClient renderer_;
};

}  // namespace example::tasklists

// publish(pages): small pages go to the "fast" task list, large ones ("big-...") to "bulk"; each
// list has its own pool of Renderer threads (actors.yaml), so large pages never hold up small.
#pragma once

#include <string>
#include <vector>

#include "tasklists.pledge.h"

namespace example::tasklists {

class RendererImpl final : public Renderer {
 public:
  std::string render(std::string page) override { return "<html>" + page + "</html>"; }
};

class PublisherImpl final : public Publisher {
 public:
  pledge::Promise<std::vector<std::string>> publish(std::vector<std::string> pages) override {
    std::vector<pledge::Promise<std::string>> rendered;
    for (const std::string& page : pages) {
      const bool big = page.rfind("big-", 0) == 0;
      rendered.push_back(renderer_.with({.taskList = big ? "bulk" : "fast"}).render(page));
    }
    return async().collect(rendered);
  }

  pledge::Promise<std::vector<std::string>> collect(std::vector<std::string> rendered) override {
    return pledge::Promise<std::vector<std::string>>::of(std::move(rendered));
  }

 private:
  RendererClient renderer_;
};

}  // namespace example::tasklists

// Poller, declared in pledge/rest_client.h: a long-poll thread per node of a cluster.
#include "pledge/rest_client.h"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace pledge {

struct Poller::State : std::enable_shared_from_this<Poller::State> {
  RestClient& client;
  std::vector<QueueSelector> queues;
  // Guarded by mutex: setMax() changes it while the node threads poll.
  int max = 1;
  std::chrono::milliseconds wait;

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<PolledTask> buffer;
  bool stopping = false;
  // Node URL -> its polling thread.
  std::map<std::string, std::thread> threads;
  // The last error of each node, for next()'s message when none answers.
  std::map<std::string, std::string> errors;

  State(RestClient& owner, std::vector<QueueSelector> selected, int most,
        std::chrono::milliseconds longest)
      : client(owner), queues(std::move(selected)), max(most), wait(longest) {}

  // Starts a thread for each node not polled yet (nodes learnt meanwhile included).
  void cover(const std::vector<std::string>& urls) {
    std::lock_guard lock(mutex);
    for (const std::string& url : urls) {
      if (stopping || threads.contains(url)) continue;
      threads.emplace(url, std::thread([self = shared_from_this(), url] { self->pollLoop(url); }));
    }
  }

  void pollLoop(const std::string& url) {
    std::chrono::milliseconds backoff{100};
    while (true) {
      int room = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || static_cast<int>(buffer.size()) < max; });
        if (stopping) return;
        room = max;
      }
      try {
        std::vector<PolledTask> tasks = client.pollAt(url, queues, room, wait);
        backoff = std::chrono::milliseconds(100);
        std::lock_guard lock(mutex);
        errors.erase(url);
        buffer.insert(buffer.end(), std::make_move_iterator(tasks.begin()),
                      std::make_move_iterator(tasks.end()));
        if (!tasks.empty()) changed.notify_all();
      } catch (const std::exception& error) {
        std::unique_lock lock(mutex);
        errors[url] = error.what();
        changed.notify_all();
        // A node that is down or gone: try again later (stop cuts the pause short).
        changed.wait_for(lock, backoff, [&] { return stopping; });
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5'000));
        if (stopping) return;
      }
    }
  }

  std::vector<PolledTask> drain() {
    std::vector<PolledTask> tasks = std::move(buffer);
    buffer.clear();
    changed.notify_all();  // room again: the node threads poll
    return tasks;
  }
};

Poller::Poller(RestClient& client, std::vector<QueueSelector> queues, int max,
               std::chrono::milliseconds wait)
    : state_(std::make_shared<State>(client, std::move(queues), max, wait)) {}

Poller::~Poller() { stop(); }

std::vector<PolledTask> Poller::next() {
  const std::vector<std::string> urls = state_->client.nodes();
  if (urls.size() <= 1) {
    std::vector<PolledTask> early = take();
    if (!early.empty()) return early;
    int max = 0;
    {
      std::lock_guard lock(state_->mutex);
      max = state_->max;
    }
    return state_->client.poll(state_->queues, max, state_->wait);
  }
  state_->cover(urls);
  std::unique_lock lock(state_->mutex);
  const bool arrived = state_->changed.wait_for(lock, state_->wait, [&] {
    return !state_->buffer.empty() || state_->errors.size() >= state_->threads.size();
  });
  if (state_->buffer.empty() && arrived && !state_->errors.empty()) {
    std::string why;
    for (const auto& [url, error] : state_->errors) why += (why.empty() ? "" : "; ") + error;
    // (Let the threads' backoff run before the caller asks again.)
    throw Error(ErrorCode::Unavailable, "no node could be polled: " + why);
  }
  return state_->drain();
}

std::vector<PolledTask> Poller::take() {
  std::lock_guard lock(state_->mutex);
  if (state_->buffer.empty()) return {};
  return state_->drain();
}

void Poller::setMax(int max) {
  std::lock_guard lock(state_->mutex);
  state_->max = max;
  state_->changed.notify_all();  // a larger max makes room: the node threads poll
}

std::vector<PolledTask> Poller::stop() {
  std::map<std::string, std::thread> threads;
  {
    std::lock_guard lock(state_->mutex);
    state_->stopping = true;
    threads = std::move(state_->threads);
    state_->threads.clear();
    state_->changed.notify_all();
  }
  for (auto& [url, thread] : threads) thread.join();
  std::lock_guard lock(state_->mutex);
  return state_->drain();
}

}  // namespace pledge

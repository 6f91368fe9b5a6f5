#include "process_group.h"

#include <exception>
#include <stdexcept>

namespace kindling {

ProcessGroup::ProcessGroup(std::shared_ptr<gloo::Context> context, std::function<void(uint64_t, const std::string&)> onDone)
    : context_(std::move(context)), onDone_(std::move(onDone)), worker_([this] { run(); }) {}

ProcessGroup::~ProcessGroup() { close(); }

uint64_t ProcessGroup::enqueue(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) throw std::runtime_error("the process group has been destroyed");
  uint64_t id = nextId_++;
  running_[id] = true;
  queue_.emplace_back(id, [this, id, job = std::move(job)] {
    std::string error;
    try {
      job();
    } catch (const std::exception& e) {
      error = e.what();
      if (error.empty()) error = "unknown Gloo error";
    } catch (...) {
      error = "unknown Gloo error";
    }
    finished(id, error);
  });
  cv_.notify_one();
  return id;
}

uint64_t ProcessGroup::enqueueStarter(std::function<void(Done)> starter) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) throw std::runtime_error("the process group has been destroyed");
  uint64_t id = nextId_++;
  running_[id] = true;
  queue_.emplace_back(id, [this, id, starter = std::move(starter)] {
    try {
      starter([this, id](const std::string& error) { finished(id, error); });
    } catch (const std::exception& e) {
      finished(id, *e.what() ? e.what() : "unknown Gloo error");
    } catch (...) {
      finished(id, "unknown Gloo error");
    }
  });
  cv_.notify_one();
  return id;
}

void ProcessGroup::finished(uint64_t id, const std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(id);
    if (!error.empty()) recentErrors_[id] = error;
    // errors are read by waitFor soon after; keep a bounded history
    if (recentErrors_.size() > 1024) recentErrors_.erase(recentErrors_.begin());
    doneCv_.notify_all();
  }
  onDone_(id, error);
}

std::string ProcessGroup::waitFor(uint64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  doneCv_.wait(lock, [&] { return id >= nextId_ || running_.find(id) == running_.end(); });
  auto it = recentErrors_.find(id);
  return it == recentErrors_.end() ? std::string() : it->second;
}

void ProcessGroup::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closing_ && !worker_.joinable()) return;
    closing_ = true;
    cv_.notify_all();
  }
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) worker_.join();
}

void ProcessGroup::run() {
  for (;;) {
    std::pair<uint64_t, std::function<void()>> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.second();
  }
}

}  // namespace kindling

#include "process_group.h"

#include <exception>
#include <stdexcept>

namespace kindling {

ProcessGroup::ProcessGroup(std::shared_ptr<gloo::Context> context, std::function<void(uint64_t, const std::string&)> onDone)
    : context_(std::move(context)), onDone_(std::move(onDone)) {
  for (int i = 0; i < 2; i++) workers_.emplace_back([this] { run(); });
}

ProcessGroup::~ProcessGroup() { close(); }

uint64_t ProcessGroup::enqueue(std::function<void()> job, std::vector<Span> spans) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) throw std::runtime_error("the process group has been destroyed");
  uint64_t id = nextId_++;
  running_[id] = true;
  queue_.push_back(Job{id, [this, id, job = std::move(job)] {
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
  }, std::move(spans), true});
  cv_.notify_one();
  return id;
}

uint64_t ProcessGroup::enqueueStarter(std::function<void(Done)> starter) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closing_) throw std::runtime_error("the process group has been destroyed");
  uint64_t id = nextId_++;
  running_[id] = true;
  queue_.push_back(Job{id, [this, id, starter = std::move(starter)] {
    try {
      starter([this, id](const std::string& error) { finished(id, error); });
    } catch (const std::exception& e) {
      finished(id, *e.what() ? e.what() : "unknown Gloo error");
    } catch (...) {
      finished(id, "unknown Gloo error");
    }
  }, {}, false});
  cv_.notify_one();
  return id;
}

void ProcessGroup::finished(uint64_t id, const std::string& error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_.erase(id);
    inflight_.erase(id);
    if (!error.empty()) recentErrors_[id] = error;
    // errors are read by waitFor soon after; keep a bounded history
    if (recentErrors_.size() > 1024) recentErrors_.erase(recentErrors_.begin());
    doneCv_.notify_all();
    cv_.notify_all();  // a queued collective may have been waiting for this one
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
    closing_ = true;
    cv_.notify_all();
  }
  for (auto& w : workers_) {
    if (w.joinable() && w.get_id() != std::this_thread::get_id()) w.join();
  }
}

bool ProcessGroup::canStart(const Job& job) const {
  if (!job.collective) return true;
  if (job.spans.empty()) return inflight_.empty();
  for (const auto& [id, spans] : inflight_) {
    for (const Span& a : spans) {
      for (const Span& b : job.spans) {
        if (a.first < b.second && b.first < a.second) return false;
      }
    }
  }
  return true;
}

void ProcessGroup::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // only the front may start (strict start order); it waits while it conflicts
      cv_.wait(lock, [&] { return (closing_ && queue_.empty()) || (!queue_.empty() && canStart(queue_.front())); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      if (job.collective) inflight_.emplace(job.id, job.spans);
      // the next job may be startable by the other worker now
      if (!queue_.empty()) cv_.notify_one();
    }
    job.run();
  }
}

}  // namespace kindling

// A Gloo context and the one native thread that runs its operations, in the order JS issued
// them (every rank issues the same collectives in the same order, so running them serially on
// each rank keeps the ranks matched). JS is never blocked: each job reports completion
// through a callback; waitFor() lets a caller that must have the result (DDP at the end of
// backward) block on one job.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include <gloo/context.h>

namespace kindling {

class ProcessGroup {
 public:
  // onDone(id, error) runs on the worker thread after each job ("" = success).
  ProcessGroup(std::shared_ptr<gloo::Context> context, std::function<void(uint64_t, const std::string&)> onDone);
  ~ProcessGroup();

  const std::shared_ptr<gloo::Context>& context() const { return context_; }
  uint32_t nextTag() { return nextTag_++; }

  // Queues a job; returns its id. Throws if the group is closed.
  uint64_t enqueue(std::function<void()> job);
  // Queues a job that only starts an operation, in queue order, and reports its end through
  // done(error) from any thread later: point-to-point sends and receives, which must not hold
  // the queue (a send waits for its peer's matching receive, which may sit behind it).
  using Done = std::function<void(const std::string&)>;
  uint64_t enqueueStarter(std::function<void(Done)> starter);
  // Blocks until job id has run; returns its error ("" = success). The error is kept for
  // the JS callback, so both see it.
  std::string waitFor(uint64_t id);
  // Stops accepting jobs, finishes the queued ones, joins the thread.
  void close();

 private:
  void run();
  void finished(uint64_t id, const std::string& error);

  std::shared_ptr<gloo::Context> context_;
  std::function<void(uint64_t, const std::string&)> onDone_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable doneCv_;
  std::deque<std::pair<uint64_t, std::function<void()>>> queue_;
  uint64_t nextId_ = 1;
  std::unordered_map<uint64_t, bool> running_;
  std::unordered_map<uint64_t, std::string> recentErrors_;
  uint32_t nextTag_ = 0;
  bool closing_ = false;
  std::thread worker_;
};

}  // namespace kindling

// A Gloo context and the native threads that run its operations. Collectives start in the
// order JS issued them (every rank issues the same ones in the same order, so the ranks stay
// matched), on two worker threads as PyTorch's ProcessGroupGloo: a collective starts while an
// earlier one still runs unless their buffers overlap (then it waits, so results on one tensor
// keep JS's order) or it has no buffers (a barrier waits for every earlier collective). Two
// in flight at once matter: DDP's gradient buckets, back to back, took ~6 ms one after the
// other where the pair takes ~2 ms side by side (2 ranks, loopback). Strict start order keeps
// this deadlock-free: the earliest unfinished collective has started on every rank. JS is never
// blocked: each job reports completion through a callback; waitFor() lets a caller that must
// have the result (DDP at the end of backward) block on one job.
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
#include <vector>

#include <gloo/context.h>

namespace kindling {

class ProcessGroup {
 public:
  // onDone(id, error) runs on the worker thread after each job ("" = success).
  ProcessGroup(std::shared_ptr<gloo::Context> context, std::function<void(uint64_t, const std::string&)> onDone);
  ~ProcessGroup();

  const std::shared_ptr<gloo::Context>& context() const { return context_; }
  uint32_t nextTag() { return nextTag_++; }

  // The bytes [first, second) a collective reads or writes.
  using Span = std::pair<uintptr_t, uintptr_t>;
  // Queues a collective over these buffers (none: a barrier); returns its id. Throws if the
  // group is closed.
  uint64_t enqueue(std::function<void()> job, std::vector<Span> spans);
  // Queues a job that only starts an operation, in queue order, and reports its end through
  // done(error) from any thread later: point-to-point sends and receives, which must not hold
  // the queue (a send waits for its peer's matching receive, which may sit behind it).
  using Done = std::function<void(const std::string&)>;
  uint64_t enqueueStarter(std::function<void(Done)> starter);
  // Blocks until job id has run; returns its error ("" = success). The error is kept for
  // the JS callback, so both see it.
  std::string waitFor(uint64_t id);
  // Stops accepting jobs, finishes the queued ones, joins the threads.
  void close();

 private:
  struct Job {
    uint64_t id = 0;
    std::function<void()> run;
    std::vector<Span> spans;
    bool collective = false;  // point-to-point starters take part in no ordering
  };
  void run();
  void finished(uint64_t id, const std::string& error);
  bool canStart(const Job& job) const;

  std::shared_ptr<gloo::Context> context_;
  std::function<void(uint64_t, const std::string&)> onDone_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable doneCv_;
  std::deque<Job> queue_;
  // collectives started and not yet finished, with their buffers
  std::unordered_map<uint64_t, std::vector<Span>> inflight_;
  uint64_t nextId_ = 1;
  std::unordered_map<uint64_t, bool> running_;
  std::unordered_map<uint64_t, std::string> recentErrors_;
  uint32_t nextTag_ = 0;
  bool closing_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace kindling

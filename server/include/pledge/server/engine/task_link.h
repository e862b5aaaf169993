// TaskLink: the hook by which a task sits in one of the engine's intrusive lists (a ready queue,
// the leases waiting to be written). A list is a ring through a head link that belongs to no
// task. A task leaves its list in constant time when it moves on (ProcessGraph::setState) or is
// freed (the destructor), so a list holds only tasks in memory, in the order they joined, and
// nothing is looked up by id to learn whether an entry still applies.
//
//   TaskLink ready;                       // a head
//   ready.insertBefore(task.readyLink);   // at the tail (moved there if it was in a list)
//   Task* first = ready.next()->task();   // nullptr when empty (the head has no task)
//   task.readyLink.unlink();              // out of whatever list it is in
//
// Not copyable or movable (the ring points at it). Thread-compatible: the engine's lock guards
// every list.
#pragma once

namespace pledge::server {

struct Task;

class TaskLink {
 public:
  // A head (no task), or the hook of task.
  explicit TaskLink(Task* task = nullptr) : task_(task) {}
  TaskLink(const TaskLink&) = delete;
  TaskLink& operator=(const TaskLink&) = delete;
  ~TaskLink() { unlink(); }

  // In a list (for a head: the list is not empty).
  bool linked() const { return next_ != this; }
  void unlink() {
    prev_->next_ = next_;
    next_->prev_ = prev_;
    prev_ = next_ = this;
  }
  // Puts link just before this one (out of its own list first): before a head, at the tail.
  void insertBefore(TaskLink& link) {
    link.unlink();
    link.prev_ = prev_;
    link.next_ = this;
    prev_->next_ = &link;
    prev_ = &link;
  }
  TaskLink* next() const { return next_; }
  TaskLink* prev() const { return prev_; }
  // The task this hooks; nullptr for a head.
  Task* task() const { return task_; }
  // Unlinks every task of this head's list.
  void clear() {
    while (linked()) next_->unlink();
  }

 private:
  Task* task_;
  TaskLink* prev_ = this;
  TaskLink* next_ = this;
};

}  // namespace pledge::server

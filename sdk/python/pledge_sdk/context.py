"""The task a handler runs for, as the handler's thread sees it.

    def send(to, body):
        for chunk in chunks(body):
            if pledge_sdk.cancelled():   # the process was aborted, or the lease was lost
                return None
            deliver(to, chunk)
        return pledge_sdk.current_task().attempt
"""
import threading
import time

_local = threading.local()


class TaskContext:
    """One leased attempt of a task. Internally synchronized: the runner's heartbeat thread
    marks it cancelled while the handler's thread reads it.

    task_id, process_id, actor, method, attempt, timeout_ms: as the poll handed them out.
    task: the polled task as it came (a dict).
    """

    def __init__(self, task):
        self.task = task
        self.task_id = task["taskId"]
        self.process_id = task.get("processId")
        self.actor = task.get("actor")
        self.method = task.get("method")
        self.attempt = task.get("attempt", 1)
        self.timeout_ms = task.get("timeoutMs") or 60000
        self.extended_at = time.monotonic()  # when the lease last ran timeout_ms from now
        self.retry_at = None  # when to send a heartbeat again after one failed
        self._cancelled = threading.Event()

    @property
    def cancelled(self):
        """True once the server said this attempt holds no lease (aborted, expired): stop."""
        return self._cancelled.is_set()

    def cancel(self):
        self._cancelled.set()

    def wait_cancelled(self, timeout=None):
        """Sleeps up to timeout seconds, waking early when the task is cancelled: cancelled."""
        return self._cancelled.wait(timeout)

    def heartbeat_due(self):
        """When to send the next heartbeat: once the lease has run half its length."""
        return self.retry_at or self.extended_at + self.timeout_ms / 2000.0

    def decision(self):
        """A decision for this attempt, its outcome still to add."""
        decision = {"taskId": self.task_id, "attempt": self.attempt}
        if self.process_id:
            decision["processId"] = self.process_id
        return decision


def current_task():
    """The TaskContext of the task this thread runs now, or None outside a handler."""
    return getattr(_local, "task", None)


def cancelled():
    """True when the current task was cancelled (False outside a handler)."""
    task = current_task()
    return task is not None and task.cancelled


def _enter(task):
    _local.task = task


def _leave():
    _local.task = None

"""Heartbeats: keep the leases of the tasks a runner holds, and learn which were cancelled."""
import logging
import threading
import time

from .errors import PledgeError

log = logging.getLogger("pledge_sdk")


class Heartbeats:
    """The leased attempts a runner holds (running, or finished and not yet released).

    A thread of its own sends a heartbeat for each attempt held longer than half its lease; an
    attempt the server answers 409 (aborted, expired, released elsewhere) or 404 for is marked
    cancelled. Internally synchronized: add and remove from any thread.
    """

    def __init__(self, client, tick=1.0):
        self._client = client
        self._tick = tick
        self._held = {}
        self._changed = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="pledge-heartbeats", daemon=True)
        self.sent = 0

    def start(self):
        self._thread.start()

    def stop(self):
        """Stops the thread (after the heartbeat it may be sending) and waits for it."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread.is_alive():
            self._thread.join()

    def add(self, task):
        with self._changed:
            self._held[(task.task_id, task.attempt)] = task
            self._changed.notify_all()

    def remove(self, task_id, attempt):
        with self._changed:
            self._held.pop((task_id, attempt), None)

    def _run(self):
        while True:
            with self._changed:
                if self._stopping:
                    return
                now = time.monotonic()
                due = [t for t in self._held.values() if t.heartbeat_due() <= now
                       and not t.cancelled]
                if not due:
                    wake = min((t.heartbeat_due() for t in self._held.values()
                                if not t.cancelled), default=now + self._tick)
                    self._changed.wait(min(max(wake - now, 0.01), self._tick))
                    continue
            for task in due:
                self._beat(task)

    def _beat(self, task):
        with self._changed:
            if (task.task_id, task.attempt) not in self._held:
                return  # released meanwhile
        sent_at = time.monotonic()
        try:
            self._client.heartbeat(task.task_id, task.attempt, retry_for=0)
            task.extended_at, task.retry_at = sent_at, None
            self.sent += 1
        except PledgeError as error:
            if error.status in (404, 409):
                log.info("task %s attempt %s holds no lease any more (%s): cancelled",
                         task.task_id, task.attempt, error.message)
                task.cancel()
            else:
                # Try again soon, well within the lease: a quarter of what is left of it.
                log.warning("heartbeat of task %s failed: %s", task.task_id, error)
                left = task.extended_at + task.timeout_ms / 1000.0 - sent_at
                task.retry_at = time.monotonic() + max(min(left / 4, 1.0), 0.05)

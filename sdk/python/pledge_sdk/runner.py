"""The runner: polls the workers' queues, runs tasks on a pool of threads, releases decisions.

    client = Client("http://127.0.0.1:8080", token=os.environ.get("PLEDGE_TOKEN"))
    Runner(client, [mailer, Greeter()], threads=8).run()   # until SIGTERM, SIGINT or stop()

One poll loop asks for as many tasks as there are free threads (at most `batch`), waiting up to
`wait_ms` for some. Decisions that finish together go out in one release; when the loop has
room for more tasks the release carries a poll, so a busy runner makes one request per batch.
A heartbeat thread keeps the leases of tasks held longer than half their lease; a task whose
heartbeat is answered 409 is cancelled (pledge_sdk.cancelled() turns true). Stopping ends the
polling, lets running tasks finish, releases their decisions and returns.
"""
import concurrent.futures
import logging
import random
import signal
import threading
import time

from .client import default_worker_name, poll_body
from .context import TaskContext
from .errors import PledgeError
from .heartbeat import Heartbeats
from .outbox import Outbox
from .worker import as_worker, run_task

log = logging.getLogger("pledge_sdk")

# Poll errors that no retry cures: a bad poll, no token or an unknown one, a forbidden actor.
_FATAL_STATUSES = (400, 401, 403)
# How often waiting loops look at the stop flag (a signal handler only sets it).
_TICK = 0.2


class Runner:
    """Serves the tasks of some workers with a pool of threads.

    client        a Client of the server
    workers       Worker objects, Actor objects or Actor subclasses; one per actor
    threads       tasks run at once
    batch         tasks asked for in one poll, at most
    wait_ms       how long a poll waits for a task (a long poll)
    worker_name   how the server lists this poller (default host:pid)
    drain_timeout seconds a stopping runner keeps trying to release finished tasks

    run() serves on the calling thread; start() on a thread of its own, then stop() and join().
    stop() may be called from any thread. A Runner runs once.
    """

    def __init__(self, client, workers, threads=4, batch=16, wait_ms=2000, worker_name=None,
                 drain_timeout=60.0):
        self._client = client
        self._workers = {}
        for worker in map(as_worker, workers):
            if worker.actor in self._workers:
                raise ValueError(f"{worker.actor}: served twice; a runner serves one worker per "
                                 "actor (use one runner per task list)")
            self._workers[worker.actor] = worker
        if not self._workers:
            raise ValueError("workers: give at least one Worker or Actor")
        if threads < 1 or not 1 <= batch <= 1000:
            raise ValueError("threads must be at least 1, batch 1 to 1000")
        self._queues = [worker.queue() for worker in self._workers.values()]
        self._threads = threads
        self._batch = batch
        self._wait_ms = wait_ms
        self._name = worker_name or default_worker_name()
        self._drain_timeout = drain_timeout
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, "pledge-task")
        self._changed = threading.Condition()
        self._free = threads
        self._stopping = False
        self._long_polling = False
        self._error = None
        self._thread = None
        self.heartbeats = Heartbeats(client)
        self.outbox = Outbox(client, self.heartbeats)

    # Lifecycle ------------------------------------------------------------------------------

    def run(self, handle_signals=True):
        """Serves until stopped, then finishes and releases the running tasks and returns.

        With handle_signals (and on the main thread), SIGTERM and SIGINT stop the runner; a
        second one raises KeyboardInterrupt at once.
        Raises PledgeError when the server refuses the poll for good (401, 403, 400).
        """
        previous = {}
        if handle_signals and threading.current_thread() is threading.main_thread():
            for number in (signal.SIGTERM, signal.SIGINT):
                previous[number] = signal.signal(number, self._on_signal)
        try:
            self._serve()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        if self._error is not None:
            raise self._error

    def start(self):
        """Serves on a thread of its own; returns at once (self)."""
        self._thread = threading.Thread(target=self._serve, name="pledge-runner", daemon=True)
        self._thread.start()
        return self

    def stop(self, wait=True):
        """Stops polling; with wait (and start()), returns once everything is released."""
        self._stopping = True
        with self._changed:
            self._changed.notify_all()
        if wait:
            self.join()

    def join(self, timeout=None):
        """Waits for a runner started with start(); raises its fatal PledgeError, if any."""
        if self._thread is not None:
            self._thread.join(timeout)
        if self._error is not None:
            raise self._error

    @property
    def stopping(self):
        return self._stopping

    def _on_signal(self, number, frame):
        if self._stopping:
            raise KeyboardInterrupt(f"signal {number} while stopping: stopping at once")
        log.info("signal %d: stopping after the running tasks (again: at once)", number)
        self._stopping = True  # no locks here: the loops look at the flag every _TICK

    # Serving --------------------------------------------------------------------------------

    def _serve(self):
        self.heartbeats.start()
        releaser = threading.Thread(target=self._release_loop, name="pledge-release",
                                    daemon=True)
        releaser.start()
        try:
            self._poll_loop()
        except BaseException as error:  # noqa: BLE001 - stop cleanly, then let it go on
            log.error("poll loop failed: %r", error)
            self._stopping = True
            raise
        finally:
            self._stopping = True
            with self._changed:
                self._changed.notify_all()
            releaser.join()
            self._drain()
            self._pool.shutdown(wait=True)
            self.heartbeats.stop()

    def _poll_loop(self):
        backoff = _Backoff()
        while not self._stopping:
            with self._changed:
                if self._free == 0:
                    self._changed.wait(_TICK)
                    continue
                room = min(self._free, self._batch)
                decisions = self.outbox.take()
                self._long_polling = not decisions
            try:
                if decisions:
                    poll = poll_body(self._queues, room, 0, self._name)
                    tasks = self.outbox.send(decisions, poll)
                else:
                    tasks = self._client.poll(self._queues, room, self._wait_ms, self._name,
                                              retry_for=0)
            except PledgeError as error:
                if error.status in _FATAL_STATUSES:
                    log.error("the server refuses this runner's poll: %s", error)
                    self._error = error
                    return
                log.warning("poll failed, trying again: %s", error)
                tasks = None
            finally:
                with self._changed:
                    self._long_polling = False
            if tasks is None:
                self._sleep(backoff.next())
                continue
            backoff.reset()
            for task in tasks:
                self._dispatch(task)

    def _release_loop(self):
        """Releases what finishes while the poll loop waits in a long poll."""
        backoff = _Backoff()
        while not self._stopping:
            with self._changed:
                if not (self._long_polling and len(self.outbox)):
                    self._changed.wait(_TICK)
                    continue
                decisions = self.outbox.take()
            if self.outbox.send(decisions) is None:
                self._sleep(backoff.next())
            else:
                backoff.reset()

    def _drain(self):
        """Waits for the running tasks and releases every decision, retrying for a while."""
        backoff = _Backoff()
        deadline = None
        while True:
            with self._changed:
                decisions = self.outbox.take()
                if not decisions:
                    if self._free == self._threads:
                        return
                    self._changed.wait(_TICK)
                    continue
            if self.outbox.send(decisions) is not None:
                backoff.reset()
                deadline = None
                continue
            deadline = deadline or time.monotonic() + self._drain_timeout
            if time.monotonic() >= deadline:
                lost = self.outbox.take()
                log.error("stopping with %d finished task(s) the server did not take; their "
                          "leases will expire and they will run again: %s", len(lost), lost)
                return
            time.sleep(backoff.next())

    def _dispatch(self, task):
        task_context = TaskContext(task)
        self.heartbeats.add(task_context)
        with self._changed:
            self._free -= 1
        self._pool.submit(self._run_one, self._workers.get(task.get("actor")), task_context)

    def _run_one(self, worker, task_context):
        decision = None
        try:
            if worker is None:
                decision = task_context.decision()
                decision["error"] = {"type": "pledge.UnknownActor", "retryable": False,
                                     "message": f"this runner serves no {task_context.actor}"}
            else:
                decision = run_task(worker, task_context)
        except BaseException as error:  # noqa: BLE001 - SystemExit in a handler, say
            decision = task_context.decision()
            decision["error"] = {"type": type(error).__name__, "message": str(error) or
                                 repr(error), "retryable": True}
            raise
        finally:
            self.outbox.put(decision)
            with self._changed:
                self._free += 1
                self._changed.notify_all()

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(_TICK, max(0.0, deadline - time.monotonic())))


class _Backoff:
    """Delays between tries of a failing request: 0.1 s doubling to 5 s, with jitter."""

    def __init__(self):
        self._delay = 0.1

    def next(self):
        delay = self._delay * random.uniform(0.5, 1.0)
        self._delay = min(self._delay * 2, 5.0)
        return delay

    def reset(self):
        self._delay = 0.1

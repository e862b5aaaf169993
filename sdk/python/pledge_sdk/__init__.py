"""Pledge workers in Python: actor methods served over pledge-server's REST API (stdlib only).

    from pledge_sdk import Client, Runner, Worker, TaskFailure

    greeter = Worker("Greeter#1.0")

    @greeter.method("greet")
    def greet(name):
        if not name:
            raise TaskFailure("EmptyName", "nobody to greet", retryable=False)
        return f"Hello, {name}"

    Runner(Client("http://127.0.0.1:8080", token="pledge_..."), [greeter]).run()

Client     the REST API (start, process, result, poll, release, heartbeat, send_event, ...)
Worker     handlers of one actor's methods; Actor: the same as a class
Runner     polls, runs tasks on a pool of threads, releases, keeps leases, stops gracefully
current_task(), cancelled()   the task a handler runs for, and whether it was cancelled
serve_from_command_line(workers, description)   a worker program's --url/--token main
"""
import logging

from .client import Client, poll_body
from .command import serve_from_command_line
from .context import TaskContext, cancelled, current_task
from .errors import FailedArg, PendingArg, PledgeError, TaskFailure
from .runner import Runner
from .worker import BAD_RESULT, UNKNOWN_METHOD, Actor, Worker, method

# The application decides where the log goes (logging.basicConfig, say).
logging.getLogger("pledge_sdk").addHandler(logging.NullHandler())

__all__ = [
    "Actor", "BAD_RESULT", "Client", "FailedArg", "PendingArg", "PledgeError", "Runner",
    "TaskContext", "TaskFailure", "UNKNOWN_METHOD", "Worker", "cancelled", "current_task",
    "method", "poll_body",
]

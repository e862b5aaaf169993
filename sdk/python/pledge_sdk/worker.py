"""Workers: what serves the methods of one actor, and how one task becomes a decision.

Two ways to write one. With a Worker and decorators:

    mailer = Worker("Mailer#1.0")

    @mailer.method("send")
    def send(to, body):
        return {"sent": to}

or as a class, its public methods being the actor's (rename one with @method("sendMail")):

    class Mailer(Actor):
        actor = "Mailer#1.0"

        def send(self, to, body):
            return {"sent": to}

A handler gets the task's arguments in order: a value as itself, a failed promise (a parameter
that accepts failures) as a FailedArg, a pending noWait promise as a PendingArg, a list as a list.
It returns the task's result (any JSON value). Raising TaskFailure fails the attempt with that
type; any other exception fails it with the exception's class name as type, retryable.
"""
import inspect
import json
import logging

from . import context
from .errors import FailedArg, PendingArg, TaskFailure

log = logging.getLogger("pledge_sdk")

# The error type of a task whose method the actor does not have.
UNKNOWN_METHOD = "pledge.UnknownMethod"
# The error type of a handler whose result is not JSON, or JSON the server refuses.
BAD_RESULT = "pledge.BadResult"
# Characters of an error message sent (at most 4 bytes each: within the server's 64 KiB).
MAX_MESSAGE_CHARS = 16 * 1024


def method(name):
    """Names the actor method an Actor's Python method serves: @method("sendMail")."""
    def mark(function):
        function.__pledge_method__ = name
        return function
    return mark


class Worker:
    """The handlers of one actor's methods, for tasks of one task list.

    Register handlers before a Runner starts; after that it is read-only (safe from any thread).
    """

    def __init__(self, actor, task_list=""):
        if "#" not in actor:
            raise ValueError(f'actor: expected "Name#version", got {actor!r}')
        self.actor = actor
        self.task_list = task_list
        self.handlers = {}

    def method(self, name=None):
        """Decorator: serves the actor method `name` (default: the function's name)."""
        def register(function):
            self.add(name or function.__name__, function)
            return function
        return register

    def add(self, name, handler):
        """Serves the actor method `name` with handler(*args)."""
        if name in self.handlers:
            raise ValueError(f"{self.actor}: method {name!r} has a handler already")
        self.handlers[name] = handler

    def queue(self):
        """The poll's queue selector of this worker."""
        return {"actor": self.actor, "taskList": self.task_list}

    def __repr__(self):
        return f"Worker({self.actor!r}, methods={sorted(self.handlers)})"


class Actor:
    """Base of a class whose public methods serve an actor: set `actor` (and `task_list`)."""

    actor = None
    task_list = ""

    def as_worker(self):
        """A Worker whose handlers are this object's bound public methods."""
        if not self.actor:
            raise ValueError(f"{type(self).__name__}: set actor = \"Name#version\"")
        worker = Worker(self.actor, self.task_list)
        for attribute in dir(self):
            if attribute.startswith("_") or attribute in _ACTOR_NAMES:
                continue
            handler = getattr(type(self), attribute, None)
            if inspect.isfunction(handler) or inspect.ismethod(handler):
                handler = getattr(self, attribute)
                worker.add(getattr(handler, "__pledge_method__", attribute), handler)
        return worker


_ACTOR_NAMES = frozenset(dir(Actor))


def as_worker(served):
    """A Worker from a Worker, an Actor object or an Actor subclass."""
    if isinstance(served, Worker):
        return served
    if isinstance(served, type) and issubclass(served, Actor):
        served = served()
    if isinstance(served, Actor):
        return served.as_worker()
    raise TypeError(f"expected a Worker or an Actor, got {served!r}")


def resolve_arg(arg):
    """A handler's argument from a polled task's argument."""
    if "value" in arg:
        return arg["value"]
    if "failed" in arg:
        return FailedArg.from_json(arg["failed"])
    if "promise" in arg:
        return PendingArg(arg["promise"])
    if "list" in arg:
        return [resolve_arg(item) for item in arg["list"]]
    raise ValueError(f"argument: unknown form {arg!r:.100}")


def run_task(worker, task_context):
    """Runs the handler of one task on this thread: the decision to release (never raises)."""
    decision = task_context.decision()
    handler = worker.handlers.get(task_context.method)
    if handler is None:
        decision["error"] = {
            "type": UNKNOWN_METHOD, "retryable": False,
            "message": f"{worker.actor} has no method {task_context.method!r} in this worker "
                       f"(it serves: {', '.join(sorted(worker.handlers)) or 'none'})"}
        return decision
    context._enter(task_context)
    try:
        args = [resolve_arg(arg) for arg in task_context.task.get("args", [])]
        result = handler(*args)
    except TaskFailure as failure:
        decision["error"] = failure.to_json()
    except Exception as error:  # noqa: BLE001 - a handler's failure is the task's failure
        log.debug("handler raised", exc_info=error)
        decision["error"] = {"type": type(error).__name__, "message": str(error) or repr(error),
                             "retryable": True}
    else:
        try:
            json.dumps(result)  # a result that is no JSON fails here, not in the release
            decision["result"] = result
        except (TypeError, ValueError) as error:
            decision["error"] = {"type": BAD_RESULT, "retryable": False,
                                 "message": f"{worker.actor}.{task_context.method} returned a "
                                            f"value that is not JSON: {error}"}
    finally:
        context._leave()
    if "error" in decision:
        error = decision["error"]
        error["message"] = str(error["message"])[:MAX_MESSAGE_CHARS]  # the server takes 64 KiB
        log.info("%s.%s (task %s, attempt %s) failed: %s: %s", worker.actor, task_context.method,
                 task_context.task_id, task_context.attempt, error["type"], error["message"])
    return decision


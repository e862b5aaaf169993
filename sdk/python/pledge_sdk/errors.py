"""The errors of the SDK and the values a handler sees for failed or pending arguments.

    PledgeError   a REST request failed: the server's error object, or an unreachable server
    TaskFailure   raised by a handler: the task's attempt failed with this type and message
    FailedArg     an argument whose promise failed (a parameter that accepts failures)
    PendingArg    an argument whose promise is still pending (a noWait parameter)
"""
import re

# The code a PledgeError carries when no server answered (refused, reset, timed out).
UNREACHABLE = "unreachable"

# A bad_request message names its field by path first: "decisions[0].tasks[2].args: ...".
_FIELD_PATH = re.compile(r"^([A-Za-z_][\w-]*(?:\[\d+\])*(?:\.[A-Za-z_][\w-]*(?:\[\d+\])*)*): ")


class PledgeError(Exception):
    """A request the server refused, or could not be made.

    status   the HTTP status (401, 409, 503, ...), 0 when no server answered
    code     the REST error code (bad_request, unauthenticated, conflict, unavailable, ...), or
             "unreachable" when no server answered
    message  the server's message, which says what was wrong and what to do
    field    the path of the field a bad_request names ("processes[1].actor"), else None
    """

    def __init__(self, status, code, message, field=None):
        super().__init__(f"{status} {code}: {message}" if status else f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    @classmethod
    def from_answer(cls, status, body):
        """The error of an answer: its {"error": {"code", "message"}} object, if it has one."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return cls(status, "internal", f"HTTP {status} without an error object: {body!r:.200}")
        code = str(error.get("code", "internal"))
        message = str(error.get("message", ""))
        field = error.get("field")
        if field is None and code == "bad_request":
            match = _FIELD_PATH.match(message)
            field = match.group(1) if match else None
        return cls(status, code, message, field)

    @property
    def transient(self):
        """True for failures worth retrying as they are: no answer, 503 unavailable."""
        return self.status in (0, 503)


class TaskFailure(Exception):
    """Raise it from a handler to fail the task's attempt with a typed error.

    type       the error type the decider and retry policies see ("AddressRejected")
    message    what happened, for people
    retryable  False: the task's retry policy does not try again, the failure is final
    """

    def __init__(self, type, message="", retryable=True):  # noqa: A002 - the wire name
        super().__init__(f"{type}: {message}" if message else type)
        self.type = type
        self.message = message
        self.retryable = retryable

    def to_json(self):
        return {"type": self.type, "message": self.message, "retryable": self.retryable}


class FailedArg:
    """An argument whose promise failed, given to a parameter that accepts failures.

    Immutable; compared by value. type, message and retryable are the failed task's error.
    """

    __slots__ = ("type", "message", "retryable")

    def __init__(self, type, message="", retryable=True):  # noqa: A002 - the wire name
        self.type = type
        self.message = message
        self.retryable = retryable

    @classmethod
    def from_json(cls, error):
        return cls(error.get("type", ""), error.get("message", ""), error.get("retryable", True))

    def __eq__(self, other):
        return isinstance(other, FailedArg) and (self.type, self.message, self.retryable) == (
            other.type, other.message, other.retryable)

    def __hash__(self):
        return hash((self.type, self.message, self.retryable))

    def __repr__(self):
        return f"FailedArg({self.type!r}, {self.message!r}, retryable={self.retryable})"


class PendingArg:
    """An argument whose promise is still pending (a noWait parameter): the task's id only."""

    __slots__ = ("task_id",)

    def __init__(self, task_id):
        self.task_id = task_id

    def __eq__(self, other):
        return isinstance(other, PendingArg) and self.task_id == other.task_id

    def __hash__(self):
        return hash(self.task_id)

    def __repr__(self):
        return f"PendingArg({self.task_id!r})"

"""A thin client of pledge-server's REST API v1 (docs/rest.md), over http.client.

    client = Client("http://127.0.0.1:8080", token=os.environ.get("PLEDGE_TOKEN"))
    ids = client.start("Adder#1.0", "sum", [[1, 2, 3]], custom_id="order-17")
    print(client.result(ids["processId"], wait_ms=30000)["result"])

Each thread gets its own keep-alive connection. Requests send and answer JSON; an error answer
raises PledgeError with the server's code and message. Failures worth retrying as they are (no
answer, 503 unavailable) are retried with backoff for `retry_for` seconds: starts carry a
requestId, releases and heartbeats name their attempt, so nothing happens twice.
"""
import http.client
import json
import os
import random
import socket
import ssl
import threading
import time
import urllib.parse
import uuid

from .errors import UNREACHABLE, PledgeError

API = "/api/v1"


def _queue(actor):
    """A poll's queue selector from "Name#1.0", ("Name#1.0", "list") or a dict."""
    if isinstance(actor, dict):
        return actor
    if isinstance(actor, (tuple, list)):
        return {"actor": actor[0], "taskList": actor[1]}
    return {"actor": actor, "taskList": ""}


def poll_body(actors, max=1, wait_ms=0, worker=None):  # noqa: A002 - the wire name
    """The body of a poll, alone or riding along a release."""
    return {"worker": worker or default_worker_name(), "actors": [_queue(a) for a in actors],
            "max": max, "waitMs": wait_ms}


def default_worker_name():
    """host:pid, how a poller names itself in GET /api/v1/actors."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Client:
    """A REST client of one pledge-server node. Internally synchronized: share it between threads.

    url        the node, http://host:port or https://host:port
    token      the secret sent as "Authorization: Bearer TOKEN" (None: an open server)
    timeout    seconds to wait for an answer, on top of a long poll's own wait
    retry_for  seconds to keep retrying failures that are safe to retry (0: never retry)
    context    an ssl.SSLContext for https (default: the system's CAs)
    """

    def __init__(self, url, token=None, timeout=30.0, retry_for=15.0, context=None):
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"url: expected http://host:port or https://host:port, got {url!r}")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retry_for = retry_for
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port or (443 if self._https else 80)
        self._context = context
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections = set()  # every thread's, so that close() closes them all

    # Processes ------------------------------------------------------------------------------

    def start(self, actor, method, args=(), custom_id=None, task_list=None, start_time=None,
              request_id=None, tags=None, deadline_ms=None, schedule_to_start_ms=None):
        """Starts a process: {"processId", "taskId"} (and "existing": true for a known one).

        tags: {key: value} strings kept with the process to list it by (see processes()).
        deadline_ms: the process breaks (pledge.Timeout) and its tasks are cancelled that long
        after the start; schedule_to_start_ms: the start task fails unless handed out within.
        """
        body = {"actor": actor, "method": method, "args": list(args),
                "requestId": request_id or str(uuid.uuid4())}
        if custom_id is not None:
            body["customId"] = custom_id
        if tags:
            body["tags"] = dict(tags)
        if task_list is not None:
            body["taskList"] = task_list
        if start_time is not None:
            body["startTime"] = start_time
        if deadline_ms is not None:
            body["deadlineMs"] = deadline_ms
        if schedule_to_start_ms is not None:
            body["scheduleToStartMs"] = schedule_to_start_ms
        return self.request("POST", "/processes", body)

    def processes(self, state=None, actor=None, custom_id=None, tags=None, limit=None,
                  cursor=None):
        """One page of processes, newest first: {"items": [...], "next": cursor or None}.

        tags: {key: value}; only processes with every one of these tags are listed.
        """
        query = [(name, value) for name, value in
                 (("state", state), ("actor", actor), ("customId", custom_id),
                  ("limit", limit), ("cursor", cursor)) if value is not None]
        query += [("tag", f"{key}:{value}") for key, value in (tags or {}).items()]
        path = "/processes"
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return self.request("GET", path)

    def process(self, process_id):
        """The process as it is now: state, result, error, ..."""
        return self.request("GET", f"/processes/{_segment(process_id)}")

    def result(self, process_id, wait_ms=0):
        """The process once it is no longer running, or as it is after wait_ms: check "state"."""
        path = f"/processes/{_segment(process_id)}/result?waitMs={int(wait_ms)}"
        return self.request("GET", path, wait_ms=wait_ms)

    def tasks(self, process_id):
        """Every task of the process in creation order."""
        return self.request("GET", f"/processes/{_segment(process_id)}/tasks")

    def abort(self, process_id):
        """Cancels every live task of the process; 409 when it has ended."""
        return self.request("POST", f"/processes/{_segment(process_id)}/abort")

    def restart(self, process_id):
        """Gives the failed tasks of a broken process a new attempt."""
        return self.request("POST", f"/processes/{_segment(process_id)}/restart")

    def send_event(self, name, key="", payload=None, event_id=None, retention_ms=None):
        """Sends an event to every task waiting for name and key: {"resolved", "kept", ...}.

        event_id makes the send idempotent (a repeat answers "duplicate": true): pass one to retry.
        """
        body = {"name": name, "key": key, "payload": payload}
        if event_id is not None:
            body["id"] = event_id
        if retention_ms is not None:
            body["retentionMs"] = retention_ms
        return self.request("POST", "/events", body)

    # Workflows (docs/workflows.md) ------------------------------------------------------------

    def register_workflow(self, definition):
        """Registers a Conductor JSON definition (admin): the workflow with "created" false when
        that version held the same definition; PledgeError 400 names the JSON pointer of a bad
        field, 409 a version that holds another definition."""
        return self.request("POST", "/workflows", definition)

    def workflows(self):
        """Every registered version: [{name, version, actor, description, tasks, createdAt}]."""
        return self.request("GET", "/workflows")["items"]

    def workflow(self, name, version=None):
        """One version (the latest when version is None) with its "definition"."""
        path = f"/workflows/{_segment(name)}"
        return self.request("GET", path if version is None else f"{path}/{int(version)}")

    def start_workflow(self, name, input=None, version=None, custom_id=None,  # noqa: A002
                       request_id=None, tags=None):
        """Starts workflow name (its latest version unless version is given) with input."""
        actor = f"workflow:{name}" if version is None else f"workflow:{name}#{int(version)}"
        body = {"actor": actor, "input": input if input is not None else {},
                "requestId": request_id or str(uuid.uuid4())}
        if custom_id is not None:
            body["customId"] = custom_id
        if tags:
            body["tags"] = dict(tags)
        return self.request("POST", "/processes", body)

    # Schedules (docs/operations.md "Schedules") ----------------------------------------------

    def create_schedule(self, schedule_id, cron, actor, method=None, args=(),
                        input=None,  # noqa: A002 - the wire name
                        time_zone="UTC", overlap="skip", catchup_window_ms=0, jitter_ms=0,
                        task_list=None, paused=False, note=None):
        """Defines a schedule that starts actor.method(*args) on the cron rule (a workflow:NAME
        actor takes input instead, and execute as its method): the schedule with its "nextFireAt".
        overlap: "skip", "bufferOne" or "allow". The same id with the same definition again
        answers it as it is; PledgeError 409 when the id holds another definition
        (replace_schedule), 400 naming the field ("cron", "timeZone", "start.actor", ...)."""
        return self.request("POST", "/schedules", _schedule_body(
            schedule_id, cron, actor, method, args, input, time_zone, overlap, catchup_window_ms,
            jitter_ms, task_list, paused, note))

    def replace_schedule(self, schedule_id, cron, actor, method=None, args=(),
                         input=None,  # noqa: A002 - the wire name
                         time_zone="UTC", overlap="skip", catchup_window_ms=0, jitter_ms=0,
                         task_list=None, paused=False, note=None):
        """Replaces a schedule's definition, as create_schedule takes it; its fire history stays."""
        return self.request("PUT", f"/schedules/{_segment(schedule_id)}", _schedule_body(
            schedule_id, cron, actor, method, args, input, time_zone, overlap, catchup_window_ms,
            jitter_ms, task_list, paused, note))

    def schedules(self):
        """Every schedule, by id, with "nextFireAt", "lastFireAt" and "lastProcessId"."""
        return self.request("GET", "/schedules")["items"]

    def schedule(self, schedule_id):
        """One schedule with its next fire times ("upcoming") and latest fires ("recent":
        [{"fireAt", "processId", "skipped"}]); PledgeError 404 when there is none."""
        return self.request("GET", f"/schedules/{_segment(schedule_id)}")

    def pause_schedule(self, schedule_id):
        """Stops the schedule's rule from starting processes (a trigger still does)."""
        return self.request("POST", f"/schedules/{_segment(schedule_id)}/pause")

    def resume_schedule(self, schedule_id):
        """Lets the rule start processes again, from its next fire on."""
        return self.request("POST", f"/schedules/{_segment(schedule_id)}/resume")

    def trigger_schedule(self, schedule_id):
        """Starts the schedule's process now, paused or not: {"processId", "taskId", "customId"}."""
        return self.request("POST", f"/schedules/{_segment(schedule_id)}/trigger", retry_for=0)

    def delete_schedule(self, schedule_id):
        """Deletes the schedule; the processes it started stay."""
        self.request("DELETE", f"/schedules/{_segment(schedule_id)}")

    # Tasks (runners) ------------------------------------------------------------------------

    def poll(self, actors, max=1, wait_ms=0, worker=None,  # noqa: A002 - the wire name
             retry_for=None):
        """Leases up to max ready tasks of the actors' queues, waiting up to wait_ms for one.

        actors: "Name#1.0", ("Name#1.0", "taskList") or {"actor", "taskList"} items.
        Returns the list of tasks (maybe empty).
        """
        body = poll_body(actors, max, wait_ms, worker)
        answer = self.request("POST", "/tasks/poll", body, wait_ms=wait_ms, retry_for=retry_for)
        return answer.get("tasks", [])

    def release(self, decisions, poll=None, retry_for=None):
        """Reports decisions: {"results": [one per decision], "tasks": [...] with a poll}.

        poll: the body of a poll (see poll_body) answered once the decisions are durable.
        Answers even when every decision was rejected: check each result's "status".
        retry_for (here and in poll, heartbeat): seconds to retry transient failures.
        """
        body = {"decisions": list(decisions)}
        if poll is not None:
            body["poll"] = poll
        wait_ms = poll.get("waitMs", 0) if poll else 0
        return self.request("POST", "/tasks/release", body, wait_ms=wait_ms, keep_results=True,
                            retry_for=retry_for)

    def heartbeat(self, task_id, attempt, retry_for=None):
        """Extends the lease of the task's attempt by its timeoutMs; 409 when it holds none."""
        path = f"/tasks/{_segment(task_id)}/heartbeat"
        return self.request("POST", path, {"attempt": attempt}, retry_for=retry_for)

    # The transport --------------------------------------------------------------------------

    def request(self, method, path, body=None, wait_ms=0, keep_results=False, retry_for=None):
        """One request to API + path: the decoded JSON answer, retried while transient.

        retry_for: seconds to retry transient failures (default: the client's retry_for).
        keep_results: answer a release whose every decision was rejected instead of raising.
        """
        deadline = time.monotonic() + (self.retry_for if retry_for is None else retry_for)
        delay = 0.05
        while True:
            try:
                return self._exchange(method, API + path, body, wait_ms, keep_results)
            except PledgeError as error:
                if not error.transient or time.monotonic() >= deadline:
                    raise
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())) * random.uniform(0.5, 1))
            delay = min(delay * 2, 2.0)

    def close(self):
        """Closes every thread's connection; call it when no request is under way. The client
        stays usable: the next request connects again."""
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _drop_connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None
            with self._lock:
                self._connections.discard(connection)

    def _exchange(self, method, path, body, wait_ms, keep_results):
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        timeout = self.timeout + wait_ms / 1000.0
        for attempt in range(2):
            connection, was_open = self._connection()
            try:
                if connection.sock is not None:
                    connection.sock.settimeout(timeout)
                connection.timeout = timeout
                connection.request(method, path, body=data, headers=headers)
                answer = connection.getresponse()
                status, text = answer.status, answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                self._drop_connection()
                if not was_open or attempt > 0:  # a fresh connection failed: the server is gone
                    raise PledgeError(0, UNREACHABLE, self._unreachable(e)) from e
            except (OSError, http.client.HTTPException) as e:
                self._drop_connection()
                raise PledgeError(0, UNREACHABLE, self._unreachable(e)) from e
        try:
            decoded = json.loads(text) if text else None
        except ValueError:
            decoded = {"error": {"code": "internal", "message": f"not JSON: {text[:200]!r}"}}
        if status >= 400 and not (keep_results and isinstance(decoded, dict)
                                  and "results" in decoded):
            raise PledgeError.from_answer(status, decoded)
        return decoded

    def _connection(self):
        """This thread's connection, and whether it is open already (kept alive)."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if self._https:
                connection = http.client.HTTPSConnection(
                    self._host, self._port, timeout=self.timeout,
                    context=self._context or ssl.create_default_context())
            else:
                connection = http.client.HTTPConnection(self._host, self._port,
                                                        timeout=self.timeout)
            self._local.connection = connection
        was_open = connection.sock is not None
        if not was_open:
            with self._lock:
                self._connections.add(connection)
        return connection, was_open

    def _unreachable(self, error):
        return (f"cannot reach {self.url} ({type(error).__name__}: {error}); "
                "is pledge-server running there?")


def _schedule_body(schedule_id, cron, actor, method, args, input, time_zone,  # noqa: A002
                   overlap, catchup_window_ms, jitter_ms, task_list, paused, note):
    """The wire form of a schedule's definition; a workflow's input is its one argument."""
    workflow = actor.startswith("workflow:")
    if input is not None and not workflow:
        raise ValueError(f"input is a workflow's (actor workflow:NAME); {actor} takes args")
    start = {"actor": actor, "method": method or ("execute" if workflow else None),
             "args": [input if input is not None else {}] if workflow and not args else list(args)}
    if start["method"] is None:
        raise ValueError(f"method: the execute method of {actor} is required")
    if task_list is not None:
        start["taskList"] = task_list
    body = {"id": schedule_id, "cron": cron, "timeZone": time_zone, "start": start,
            "overlap": overlap, "catchupWindowMs": int(catchup_window_ms),
            "jitterMs": int(jitter_ms), "paused": bool(paused)}
    if note is not None:
        body["note"] = note
    return body


def _segment(value):
    return urllib.parse.quote(str(value), safe="")

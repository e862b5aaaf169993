"""What the tests share: a real pledge-server process with tokens, and a decider played by hand.

PLEDGE_SERVER names the pledge-server binary (ctest sets it); without it, the tests look in the
usual build folders and are skipped when none has one.
"""
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import uuid

from pledge_sdk import Client

_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def server_binary():
    """The pledge-server to test, or SkipTest when there is none."""
    path = os.environ.get("PLEDGE_SERVER")
    if path:
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"PLEDGE_SERVER={path} is not an executable")
        return path
    for found in sorted(glob.glob(os.path.join(_ROOT, "build", "*", "server", "pledge-server"))):
        return found
    raise unittest.SkipTest("no pledge-server: build it, or set PLEDGE_SERVER to its path")


def make_token(role, name):
    """A token made by `pledge-server token create`: (secret, its config entry lines)."""
    output = subprocess.run([server_binary(), "token", "create", "--role", role, "--name", name],
                            check=True, capture_output=True, text=True, timeout=30).stdout
    secret, entry, in_entry = None, "", False
    for line in output.splitlines():
        if line.startswith("  pledge_"):
            secret = line.strip()
        if in_entry and line.startswith("  "):
            entry += line + "\n"
        if "under tokens:" in line:
            in_entry = True
    if not secret or not entry:
        raise RuntimeError(f"unexpected output of pledge-server token create:\n{output}")
    return secret, entry


class ServerProcess:
    """A pledge-server on a free loopback port with a data dir of its own, and two tokens:
    admin_token (the tests' decider and operator) and worker_token (the runners'); extra_args
    go to pledge-server. Always call close(); it stops the server and removes its files."""

    def __init__(self, *extra_args):
        self.extra_args = list(extra_args)
        self.base = tempfile.mkdtemp(prefix="pledge-sdk-test-")
        self.admin_token, admin_entry = make_token("admin", "sdk-test-admin")
        self.worker_token, worker_entry = make_token("worker", "sdk-test-workers")
        self.config = os.path.join(self.base, "server.yaml")
        with open(self.config, "w") as out:
            out.write("tokens:\n" + admin_entry + worker_entry)
        self.port = 0
        self.process = None
        self.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        """Starts the server (again on the same port and data once it had one)."""
        port_file = os.path.join(self.base, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        argv = [server_binary(), "--address", "127.0.0.1", "--port", str(self.port),
                "--port-file", port_file, "--data-dir", os.path.join(self.base, "data"),
                "--config", self.config, "--node-name", "sdk-test", *self.extra_args]
        with open(os.path.join(self.base, "server.log"), "a") as log:
            self.process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with open(port_file) as text:
                    port = int(text.read().strip() or 0)
                if port > 0:
                    self.port = port
                    return
            except (OSError, ValueError):
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"pledge-server exited with {self.process.returncode}:\n"
                                   + self.log())
            time.sleep(0.01)
        raise RuntimeError("pledge-server did not start within 30 s:\n" + self.log())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self):
        try:
            with open(os.path.join(self.base, "server.log")) as text:
                return text.read()
        except OSError:
            return ""

    def admin(self, **options):
        return Client(self.url, token=self.admin_token, **options)

    def worker(self, **options):
        return Client(self.url, token=self.worker_token, **options)


def value(v):
    return {"value": v}


def promise(task, **options):
    """An argument waiting for a task spec's promise; options: noWait, acceptFail."""
    return {"promise": task["taskId"], **options}


def task(actor, method, *args, **options):
    """A worker TaskSpec with a fresh id; plain args become values, arg dicts pass as they are."""
    spec = {"taskId": str(uuid.uuid4()), "actor": actor, "method": method, "type": "worker",
            "args": [a if isinstance(a, dict) and len(a) and set(a) <= _ARG_KEYS else value(a)
                     for a in args]}
    if options:
        spec["options"] = options
    return spec


_ARG_KEYS = {"value", "promise", "noWait", "acceptFail", "list"}
_deciders = iter(range(1, 1_000_000))


def start_process(admin, tasks, forward_to=None, **start_options):
    """Starts a process and plays its decider: it creates tasks and forwards its result to
    forward_to (default: the last task). Returns the process id. start_options go to
    Client.start (deadline_ms=...)."""
    actor = f"SdkTestDecider{next(_deciders)}#1.0"
    ids = admin.start(actor, "start", [], **start_options)
    polled = admin.poll([actor], max=1, wait_ms=10000, worker="sdk-test-decider")
    if len(polled) != 1:
        raise AssertionError(f"the start task of {ids} was not handed out: {polled}")
    decision = {"taskId": polled[0]["taskId"], "attempt": polled[0]["attempt"],
                "processId": ids["processId"], "tasks": tasks,
                "promise": (forward_to or tasks[-1])["taskId"]}
    answer = admin.release([decision])
    if answer["results"][0]["status"] != "accepted":
        raise AssertionError(f"the decision was refused: {answer}")
    return ids["processId"]


def task_of(admin, process_id, task_id):
    """The task as GET /processes/{id}/tasks shows it."""
    return next(t for t in admin.tasks(process_id) if t["taskId"] == task_id)


def wait_until(condition, timeout=10.0, interval=0.02):
    """Polls condition() until it is true (its value) or raises AssertionError after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")

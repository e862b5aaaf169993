"""Runner: tasks of a process served by Python workers, end to end on a real pledge-server.

The test plays the decider by hand (support.start_process); a Runner serves the worker tasks.
"""
import threading
import time
import unittest

import pledge_sdk
from pledge_sdk import Actor, FailedArg, PledgeError, Runner, TaskFailure, Worker

from . import support
from .support import promise, task, task_of


def setUpModule():
    global server
    server = support.ServerProcess()


def tearDownModule():
    server.close()


class RunnerTestCase(unittest.TestCase):
    """Clients of the module's server; serve() starts a runner that stops after the test."""

    def setUp(self):
        self.admin = server.admin()
        self.addCleanup(self.admin.close)

    def serve(self, *workers, **options):
        client = server.worker()
        options.setdefault("wait_ms", 300)
        runner = Runner(client, list(workers), **options).start()
        self.addCleanup(client.close)
        self.addCleanup(runner.stop)
        return runner

    def result_of(self, process_id, wait_ms=15000):
        process = self.admin.result(process_id, wait_ms=wait_ms)
        self.assertNotEqual(process["state"], "running", process)
        return process


class Greeter(Actor):
    actor = "RunnerGreeter#1.0"

    def greet(self, name, punctuation="!"):
        return f"Hello, {name}{punctuation}"

    @pledge_sdk.method("describeFailure")
    def describe_failure(self, failure):
        return {"isFailedArg": isinstance(failure, FailedArg), "type": failure.type,
                "message": failure.message}

    def fail(self, type_name):
        raise TaskFailure(type_name, "it failed", retryable=False)


class ResultsTest(RunnerTestCase):
    def test_a_decorated_handler_gets_the_values_and_its_result_is_the_process_result(self):
        calc = Worker("RunnerCalc#1.0")

        @calc.method("add")
        def add(a, b):
            return {"sum": a + b, "task": pledge_sdk.current_task().method}

        self.serve(calc)
        first = task("RunnerCalc#1.0", "add", 1, 2)
        pid = support.start_process(self.admin, [first])
        process = self.result_of(pid)
        self.assertEqual(process["state"], "completed")
        self.assertEqual(process["result"], {"sum": 3, "task": "add"})

    def test_an_actor_class_serves_its_methods_and_a_chain_passes_results_on(self):
        self.serve(Greeter)
        first = task(Greeter.actor, "greet", "Ann", ".")
        second = task(Greeter.actor, "greet", promise(first))
        pid = support.start_process(self.admin, [first, second])
        self.assertEqual(self.result_of(pid)["result"], "Hello, Hello, Ann.!")

    def test_a_failure_a_parameter_accepts_arrives_as_a_failed_arg(self):
        self.serve(Greeter)
        failing = task(Greeter.actor, "fail", "Boom")
        describe = task(Greeter.actor, "describeFailure", promise(failing, acceptFail=True))
        pid = support.start_process(self.admin, [failing, describe])
        process = self.result_of(pid)
        self.assertEqual(process["state"], "completed", process)
        self.assertEqual(process["result"],
                         {"isFailedArg": True, "type": "Boom", "message": "it failed"})


class ErrorsTest(RunnerTestCase):
    def setUp(self):
        super().setUp()
        self.calls = []
        mailer = Worker("RunnerMailer#1.0")

        @mailer.method("send")
        def send(to):
            self.calls.append(pledge_sdk.current_task().attempt)
            if to == "nobody":
                raise TaskFailure("AddressRejected", "no such mailbox", retryable=False)
            if len(self.calls) < 3:
                raise ConnectionError(f"mail server busy (attempt {len(self.calls)})")
            return f"sent to {to} on attempt {pledge_sdk.current_task().attempt}"

        self.serve(mailer)

    def test_a_task_failure_breaks_the_process_with_its_type_and_is_not_retried(self):
        send = task("RunnerMailer#1.0", "send", "nobody",
                    retry={"policy": "fixed", "initialMs": 50, "maxAttempts": 3})
        process = self.result_of(support.start_process(self.admin, [send]))
        self.assertEqual(process["state"], "broken")
        self.assertEqual(process["failedTaskId"], send["taskId"])
        self.assertEqual(process["error"], {"type": "AddressRejected",
                                            "message": "no such mailbox", "retryable": False})
        self.assertEqual(task_of(self.admin, process["processId"], send["taskId"])["attempts"], 1)

    def test_any_other_exception_is_retryable_and_the_retry_policy_tries_again(self):
        send = task("RunnerMailer#1.0", "send", "ann",
                    retry={"policy": "fixed", "initialMs": 50, "maxAttempts": 3})
        process = self.result_of(support.start_process(self.admin, [send]))
        self.assertEqual(process["state"], "completed", process)
        self.assertEqual(process["result"], "sent to ann on attempt 3")
        self.assertEqual(self.calls, [1, 2, 3])
        self.assertEqual(task_of(self.admin, process["processId"], send["taskId"])["attempts"], 3)

    def test_without_retries_the_exception_class_is_the_error_type(self):
        send = task("RunnerMailer#1.0", "send", "ann")
        process = self.result_of(support.start_process(self.admin, [send]))
        self.assertEqual(process["state"], "broken")
        self.assertEqual(process["error"]["type"], "ConnectionError")
        self.assertEqual(process["error"]["message"], "mail server busy (attempt 1)")
        self.assertTrue(process["error"].get("retryable", True))  # true: the default, left out

    def test_an_unknown_method_fails_for_good(self):
        call = task("RunnerMailer#1.0", "fax", "ann",
                    retry={"policy": "fixed", "initialMs": 50, "maxAttempts": 3})
        process = self.result_of(support.start_process(self.admin, [call]))
        self.assertEqual(process["state"], "broken")
        self.assertEqual(process["error"]["type"], pledge_sdk.UNKNOWN_METHOD)
        self.assertFalse(process["error"]["retryable"])
        self.assertIn("'fax'", process["error"]["message"])


class BadResultTest(RunnerTestCase):
    def setUp(self):
        super().setUp()
        odd = Worker("RunnerOdd#1.0")
        odd.add("aSet", lambda: {1, 2})

        @odd.method("deep")
        def deep(levels):
            value = 0
            for _ in range(levels):
                value = [value]
            return value

        self.runner = self.serve(odd)

    def test_a_result_that_is_no_json_fails_the_task_for_good(self):
        call = task("RunnerOdd#1.0", "aSet")
        process = self.result_of(support.start_process(self.admin, [call]))
        self.assertEqual(process["state"], "broken")
        self.assertEqual(process["error"]["type"], pledge_sdk.BAD_RESULT)
        self.assertFalse(process["error"]["retryable"])

    def test_a_result_the_server_refuses_fails_the_task_and_spoils_no_other(self):
        calls = [task("RunnerOdd#1.0", "deep", 3), task("RunnerOdd#1.0", "deep", 200),
                 task("RunnerOdd#1.0", "deep", 2)]
        pid = support.start_process(self.admin, calls, forward_to=calls[0])
        process = self.result_of(pid)
        self.assertEqual(process["state"], "broken", process)
        self.assertEqual(process["failedTaskId"], calls[1]["taskId"])
        self.assertEqual(process["error"]["type"], pledge_sdk.BAD_RESULT)
        self.assertIn("the server refused the result", process["error"]["message"])
        support.wait_until(lambda: task_of(self.admin, pid, calls[2]["taskId"])["result"])
        self.assertEqual(task_of(self.admin, pid, calls[2]["taskId"])["result"], [[0]])


class BatchTest(RunnerTestCase):
    def test_many_tasks_run_on_the_pool_and_their_releases_are_batched(self):
        squares = Worker("RunnerSquares#1.0")
        together = threading.Barrier(4, timeout=10)  # four finish at once: one batch to release

        @squares.method("square")
        def square(n):
            together.wait()
            return n * n

        @squares.method("total")
        def total(values):
            return sum(values)

        runner = self.serve(squares, threads=4, batch=16)
        parts = [task("RunnerSquares#1.0", "square", n) for n in range(40)]
        summing = task("RunnerSquares#1.0", "total", {"list": [promise(p) for p in parts]})
        process = self.result_of(support.start_process(self.admin, parts + [summing]))
        self.assertEqual(process["result"], sum(n * n for n in range(40)))
        results = {t["taskId"]: t["result"] for t in self.admin.tasks(process["processId"])}
        self.assertEqual([results[p["taskId"]] for p in parts], [n * n for n in range(40)])
        self.assertGreaterEqual(sum(runner.outbox.releases), 41)
        self.assertLess(len(runner.outbox.releases), 41)  # some went out together


class LeaseTest(RunnerTestCase):
    def test_heartbeats_keep_a_lease_shorter_than_the_task(self):
        slow = Worker("RunnerSlow#1.0")

        @slow.method("work")
        def work(seconds):
            time.sleep(seconds)
            return pledge_sdk.current_task().attempt

        runner = self.serve(slow)
        call = task("RunnerSlow#1.0", "work", 2.5, timeoutMs=1000)
        process = self.result_of(support.start_process(self.admin, [call]))
        self.assertEqual((process["state"], process["result"]), ("completed", 1), process)
        self.assertEqual(task_of(self.admin, process["processId"], call["taskId"])["attempts"], 1)
        self.assertGreaterEqual(runner.heartbeats.sent, 3)

    def test_a_handler_sees_cancelled_after_the_process_is_aborted(self):
        waiting = Worker("RunnerWaiting#1.0")
        started, saw_cancel = threading.Event(), threading.Event()

        @waiting.method("wait")
        def wait():
            started.set()
            if pledge_sdk.current_task().wait_cancelled(10):
                saw_cancel.set()
            return pledge_sdk.cancelled()

        self.serve(waiting)
        call = task("RunnerWaiting#1.0", "wait", timeoutMs=600)
        pid = support.start_process(self.admin, [call])
        self.assertTrue(started.wait(10))
        self.assertFalse(pledge_sdk.cancelled())  # outside a handler
        self.assertEqual(self.admin.abort(pid)["state"], "aborted")
        self.assertTrue(saw_cancel.wait(3), "the handler never saw cancelled()")
        self.assertEqual(task_of(self.admin, pid, call["taskId"])["state"], "cancelled")

    def test_a_handler_sees_cancelled_after_the_process_deadline_passes(self):
        waiting = Worker("RunnerDeadline#1.0")
        saw_cancel = threading.Event()

        @waiting.method("wait")
        def wait():
            if pledge_sdk.current_task().wait_cancelled(20):
                saw_cancel.set()
            return pledge_sdk.cancelled()

        self.serve(waiting)
        call = task("RunnerDeadline#1.0", "wait", timeoutMs=600)
        pid = support.start_process(self.admin, [call], deadline_ms=1500)
        self.assertTrue(saw_cancel.wait(15), "the handler never saw cancelled()")
        process = self.result_of(pid)
        self.assertEqual(process["state"], "broken", process)
        self.assertEqual(process["error"]["type"], "pledge.Timeout", process)
        self.assertEqual(task_of(self.admin, pid, call["taskId"])["state"], "cancelled")


class StopTest(RunnerTestCase):
    def test_stop_finishes_and_releases_the_running_tasks_then_polls_no_more(self):
        sleeper = Worker("RunnerSleeper#1.0")
        started = threading.Semaphore(0)

        @sleeper.method("nap")
        def nap(n):
            started.release()
            time.sleep(0.8)
            return n

        runner = self.serve(sleeper, threads=4)
        pids = [support.start_process(self.admin, [task("RunnerSleeper#1.0", "nap", n)])
                for n in range(3)]
        for _ in pids:
            self.assertTrue(started.acquire(timeout=10))
        runner.stop()
        for n, pid in enumerate(pids):  # released before stop() returned
            process = self.admin.process(pid)
            self.assertEqual((process["state"], process["result"]), ("completed", n))
        late = task("RunnerSleeper#1.0", "nap", 9)
        pid = support.start_process(self.admin, [late])
        time.sleep(0.5)
        self.assertEqual(task_of(self.admin, pid, late["taskId"])["state"], "ready")


class AuthTest(unittest.TestCase):
    def test_a_runner_with_an_unknown_token_stops_with_a_401(self):
        worker = Worker("RunnerAuth#1.0")
        worker.add("run", lambda: None)
        with pledge_sdk.Client(server.url, token="pledge_unknown") as client:
            runner = Runner(client, [worker]).start()
            with self.assertRaises(PledgeError) as caught:
                runner.join(10)
        self.assertEqual(caught.exception.status, 401)
        self.assertIn("unknown token", caught.exception.message)


if __name__ == "__main__":
    unittest.main()

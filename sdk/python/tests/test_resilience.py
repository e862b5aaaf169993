"""A runner rides out a server restart: polls resume, and a result finished while the server
was down is released once it is back (never lost)."""
import threading
import time
import unittest

from pledge_sdk import Runner, Worker

from . import support
from .support import task, task_of


class ServerRestartTest(unittest.TestCase):
    def setUp(self):
        # Leases are written at once, so that the restarted server knows the running attempt.
        self.server = support.ServerProcess("--lease-write-delay-ms", "0")
        self.addCleanup(self.server.close)
        self.admin = self.server.admin()
        self.addCleanup(self.admin.close)

    def test_a_result_finished_while_the_server_is_down_is_released_when_it_is_back(self):
        worker = Worker("RestartWorker#1.0")
        started, finish = threading.Event(), threading.Event()

        @worker.method("work")
        def work(n):
            started.set()
            finish.wait(30)
            return n * 10

        client = self.server.worker()
        self.addCleanup(client.close)
        runner = Runner(client, [worker], wait_ms=300).start()
        self.addCleanup(runner.stop)
        held = task("RestartWorker#1.0", "work", 4, timeoutMs=30000)
        first = support.start_process(self.admin, [held])
        self.assertTrue(started.wait(10))
        self.server.stop()
        finish.set()  # the result is ready while nobody can take it
        time.sleep(0.5)
        self.server.start()
        process = self.admin.result(first, wait_ms=15000)
        self.assertEqual((process["state"], process["result"]), ("completed", 40), process)
        self.assertEqual(task_of(self.admin, first, held["taskId"])["attempts"], 1)

        second = support.start_process(self.admin, [task("RestartWorker#1.0", "work", 5)])
        process = self.admin.result(second, wait_ms=15000)
        self.assertEqual((process["state"], process["result"]), ("completed", 50), process)


if __name__ == "__main__":
    unittest.main()

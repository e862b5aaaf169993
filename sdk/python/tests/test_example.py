"""examples/greeter_worker.py serves Greeter#1.0 and stops on SIGTERM after its work."""
import os
import signal
import subprocess
import sys
import unittest

from . import support
from .support import task

_SDK = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
_EXAMPLE = os.path.join(_SDK, "examples", "greeter_worker.py")


class GreeterExampleTest(unittest.TestCase):
    def setUp(self):
        self.server = support.ServerProcess()
        self.addCleanup(self.server.close)
        self.admin = self.server.admin()
        self.addCleanup(self.admin.close)

    def start_example(self, *args):
        environment = dict(os.environ, PYTHONPATH=_SDK, PLEDGE_URL=self.server.url,
                           PLEDGE_TOKEN=self.server.worker_token)
        example = subprocess.Popen([sys.executable, _EXAMPLE, *args], env=environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: example.poll() is None and example.kill())
        return example

    def test_it_greets_and_a_sigterm_stops_it_cleanly(self):
        example = self.start_example("--threads", "2")
        greet = task("Greeter#1.0", "greet", "Ann")
        process = self.admin.result(support.start_process(self.admin, [greet]), wait_ms=15000)
        self.assertEqual((process["state"], process["result"]), ("completed", "Hello, Ann"))

        empty = task("Greeter#1.0", "greet", "")
        process = self.admin.result(support.start_process(self.admin, [empty]), wait_ms=15000)
        self.assertEqual(process["state"], "broken")
        self.assertEqual(process["error"]["type"], "EmptyName")

        example.send_signal(signal.SIGTERM)
        output, _ = example.communicate(timeout=15)
        self.assertEqual(example.returncode, 0, output)
        self.assertIn("serving Greeter#1.0 from " + self.server.url, output)
        self.assertIn("stopped", output)

    def test_a_bad_token_ends_it_with_the_servers_message(self):
        example = self.start_example("--token", "pledge_wrong")
        output, _ = example.communicate(timeout=15)
        self.assertNotEqual(example.returncode, 0)
        self.assertIn("401 unauthenticated: unknown token", output)


if __name__ == "__main__":
    unittest.main()

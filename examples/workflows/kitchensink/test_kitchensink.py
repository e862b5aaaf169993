"""Every supported system task at least once, end to end: a C++ decider (Chef, in
pledge-bootstrap) starts the kitchensink workflow with pledge::callWorkflow; the workflow runs
C++ (Pantry, Sommelier) and Python (saucier, garnisher) tasks, scripts, forks, a loop, a
sub-workflow, waits, an event it sends and two it receives, and ends by TERMINATE."""
import json
import os
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import workers  # noqa: E402
from pledge_sdk import Runner  # noqa: E402
from tests.support import ServerProcess  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def definition(name):
    with open(os.path.join(HERE, name + ".json")) as text:
        return json.load(text)


def bootstrap_command(url, token):
    binary, build = os.environ.get("PLEDGE_BOOTSTRAP"), os.environ.get("PLEDGE_BUILD_DIR")
    if not binary or not build:
        raise unittest.SkipTest("PLEDGE_BOOTSTRAP and PLEDGE_BUILD_DIR are set by ctest")
    actors = os.path.join(build, "examples", "workflows", "kitchensink", "actors.yaml")
    return [binary, "-f", actors, "--server", url, "--token", token]


class Kitchensink(unittest.TestCase):
    def setUp(self):
        self.server = ServerProcess()
        self.addCleanup(self.server.close)
        self.admin = self.server.admin()
        for name in ("kitchensink-garnish", "kitchensink"):
            self.admin.register_workflow(definition(name))
        self.admin.register_workflow({"name": "guest", "tasks": [
            {"name": "wait", "taskReferenceName": "wait", "type": "WAIT",
             "inputParameters": {"event": "dinner-ready", "key": "grilled fish"}}]})
        log = open(os.path.join(self.server.base, "bootstrap.log"), "w")
        self.addCleanup(log.close)
        self.bootstrap = subprocess.Popen(bootstrap_command(self.server.url, self.server.worker_token),
                                          stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.bootstrap.wait, 30)
        self.addCleanup(self.bootstrap.terminate)
        runner = Runner(self.server.worker(), workers.WORKERS, threads=4, wait_ms=300)
        thread = threading.Thread(target=runner.run, kwargs={"handle_signals": False})
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(runner.stop)

    def test_a_code_first_decider_runs_every_system_task(self):
        guest = self.admin.start_workflow("guest", {})["processId"]
        order = {"dish": "grilled fish", "guests": 6,
                 "items": [{"item": "fish", "grams": 420}, {"item": "lemon", "grams": 60},
                           {"item": "butter", "grams": 100}]}
        chef = self.admin.start("Chef#1.0", "cook", [order])["processId"]
        # The approval (by name and key) and the review (to the process) may come early: kept.
        self.admin.send_event("approved", "grilled fish", {"by": "head chef"})
        self.admin.request("POST", f"/processes/{chef}/events",
                           {"name": "review", "key": "", "payload": "five stars"})
        done = self.admin.result(chef, wait_ms=60_000)
        self.assertEqual(done["state"], "completed", json.dumps(done) + "\n" + self.server.log())
        self.assertEqual(done["result"], {
            "dish": "grilled fish",
            "grams": 500 + 100 + 100,
            "sides": {"sauce": "beurre blanc", "label": {"result": "Tonight: Chablis"},
                      "garnish": {"garnish": "parsley on grilled fish"}},
            "stirred": 3, "salt": 3,
            "announced": 1, "plating": "banquet",
            "approvedBy": "head chef", "review": "five stars"})
        # The EVENT task woke the guest's workflow.
        self.assertEqual(self.admin.result(guest, wait_ms=10_000)["state"], "completed")
        tasks = self.admin.tasks(chef)
        by_actor = {}
        for task in tasks:
            by_actor.setdefault(task["actor"], []).append(task)
        self.assertEqual(len(by_actor["Pantry#1.0"]), 3)              # C++ worker
        self.assertEqual(len(by_actor["saucier#1"]), 1 + 3)           # Python, and the loop
        self.assertIn("workflow:kitchensink-garnish#1", by_actor)     # a sub-workflow
        self.assertEqual(by_actor["Sommelier#1.0"][0]["type"], "decider")
        self.assertNotIn("never#1", by_actor)                          # after TERMINATE
        kinds = {(t["type"], t["method"]) for t in tasks}
        for kind in (("timer", "after"), ("event", "approved"), ("event", "review"),
                     ("worker", "inline"), ("worker", "jq"), ("worker", "event")):
            self.assertIn(kind, kinds)

    def test_the_rest_wait_really_waits(self):
        order = {"dish": "soup", "guests": 2, "items": [{"item": "leek", "grams": 250}]}
        chef = self.admin.start("Chef#1.0", "cook", [order])["processId"]
        self.admin.send_event("approved", "soup", {"by": "sous-chef"})
        self.admin.request("POST", f"/processes/{chef}/events",
                           {"name": "review", "key": "", "payload": "fine"})
        done = self.admin.result(chef, wait_ms=60_000)
        self.assertEqual(done["state"], "completed", done)
        self.assertEqual(done["result"]["plating"], "table")
        self.assertIsNone(done["result"]["announced"])
        self.assertEqual(done["result"]["sides"]["label"], {"result": "Tonight: Chianti"})
        timer = [t for t in self.admin.tasks(chef) if t["type"] == "timer"][0]
        self.assertGreaterEqual(timer["endedAt"] - timer["readyAt"], 300)


if __name__ == "__main__":
    unittest.main()

"""Orchy's notificationWorkflow end to end: imported with `pledge workflow import --from orchy`,
registered, run on a real pledge-server with the Python workers of workers.py, for a man (SMS,
10 s delay, WhatsApp), a woman who opens the e-mail (the event "open" keyed by the workflow id:
second SMS) and one who does not (10 s time-out: second e-mail)."""
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

INPUT = {
    "sms": {"first": {"message": "Your code: 1234"}, "second": {"message": "Thanks for reading"}},
    "email": {"first": {"subject": "Welcome", "message": "Hello!"},
              "second": {"subject": "Did you miss us?", "message": "Hello again"}},
    "whatsapp": {"message": "See you on WhatsApp"},
}


def pledge_cli():
    path = os.environ.get("PLEDGE_CLI")
    if not path:
        raise unittest.SkipTest("PLEDGE_CLI names the pledge CLI (ctest sets it)")
    return path


class NotificationWorkflow(unittest.TestCase):
    def setUp(self):
        self.server = ServerProcess()
        self.addCleanup(self.server.close)
        self.admin = self.server.admin()
        self.runner = Runner(self.server.worker(), workers.WORKERS, threads=4, wait_ms=300)
        thread = threading.Thread(target=self.runner.run, kwargs={"handle_signals": False})
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(self.runner.stop)
        workers.SENT.clear()

    def test_everyone_gets_the_messages_of_their_branch(self):
        imported = subprocess.run(
            [pledge_cli(), "workflow", "import", "--from", "orchy", os.path.join(HERE, "orchy.json")],
            check=True, capture_output=True, text=True, timeout=30).stdout
        definition = json.loads(imported)
        with open(os.path.join(HERE, "workflow.json")) as expected:
            self.assertEqual(definition, json.load(expected))
        registered = self.admin.register_workflow(definition)
        self.assertEqual(registered["actor"], "workflow:notificationWorkflow#1")

        started = {user: self.admin.start_workflow("notificationWorkflow", dict(INPUT, userId=user))
                   ["processId"] for user in ("u-1", "u-2", "u-3")}
        # Ann opens her e-mail once the workflow waits for it (kept a while if sent earlier).
        deadline = time.monotonic() + 20
        while not any(s["channel"] == "email" and s["to"] == "ann@example.com"
                      for s in workers.SENT):
            self.assertLess(time.monotonic(), deadline, "Ann's first e-mail never went out")
            time.sleep(0.05)
        delivery = self.admin.send_event("open", started["u-1"], {"opened": True})
        self.assertFalse(delivery.get("duplicate", False))

        results = {user: self.admin.result(pid, wait_ms=30_000) for user, pid in started.items()}
        for user, result in results.items():
            self.assertEqual(result["state"], "completed", f"{user}: {result}")
        # The output is the last task's: the second SMS, the WhatsApp message, the second e-mail.
        self.assertEqual(results["u-1"]["result"], {"sent": "sms", "to": "+33 6 11 11 11 11"})
        self.assertEqual(results["u-2"]["result"], {"sent": "whatsapp", "to": "+33 6 22 22 22 22"})
        self.assertEqual(results["u-3"]["result"], {"sent": "email", "to": "cleo@example.com"})

        def sent_to(*addresses):
            return [(s["channel"], s["message"]) for s in workers.SENT if s["to"] in addresses]
        self.assertEqual(sent_to("ann@example.com", "+33 6 11 11 11 11"),
                         [("email", "Hello!"), ("sms", "Thanks for reading")])
        self.assertEqual(sent_to("bob@example.com", "+33 6 22 22 22 22"),
                         [("sms", "Your code: 1234"), ("whatsapp", "See you on WhatsApp")])
        self.assertEqual(sent_to("cleo@example.com", "+33 6 33 33 33 33"),
                         [("email", "Hello!"), ("email", "Hello again")])
        # The JavaScript discount: 20 from the age of 20, else 10.
        for user, discount in (("u-1", 20), ("u-2", 10), ("u-3", 10)):
            script = [t for t in self.admin.tasks(started[user]) if t["method"] == "inline"]
            self.assertEqual(script[0]["result"]["result"]["user"]["discount"], discount)
        # Bob's WhatsApp message came 10 s after his SMS: the delay.
        bob = {t["method"]: t for t in self.admin.tasks(started["u-2"]) if t["type"] == "timer"}
        self.assertEqual(bob["after"]["timeoutMs"], 10_000)


if __name__ == "__main__":
    unittest.main()

"""The KYC workflows end to end on a real pledge-server with the Python workers of workers.py:
a foreach over the users (a dynamic fork of one sub-workflow per user), each validating its
images in a sub-workflow of its own (a fork of face detection and OCR, joined, judged in
JavaScript), a conditional branch per verdict, an aggregating join (jq), and compliance told
only when someone was rejected."""
import json
import os
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import workers  # noqa: E402
from pledge_sdk import Runner  # noqa: E402
from tests.support import ServerProcess  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def definition(name):
    with open(os.path.join(HERE, name + ".json")) as text:
        return json.load(text)


class KycWorkflow(unittest.TestCase):
    def setUp(self):
        self.server = ServerProcess()
        self.addCleanup(self.server.close)
        self.admin = self.server.admin()
        for name in ("kyc-validate-images", "kyc-user", "kyc"):
            self.assertTrue(self.admin.register_workflow(definition(name))["created"])
        runner = Runner(self.server.worker(), workers.WORKERS, threads=8, wait_ms=300)
        thread = threading.Thread(target=runner.run, kwargs={"handle_signals": False})
        thread.start()
        self.addCleanup(thread.join)
        self.addCleanup(runner.stop)
        workers.MARKED.clear()
        workers.TICKETS.clear()

    def test_each_user_is_checked_and_the_verdicts_are_aggregated(self):
        users = [{"id": "a1", "name": "Ann Lee", "selfie": "face", "idCard": "ID:Ann Lee"},
                 {"id": "b2", "name": "Bob Ray", "selfie": "landscape", "idCard": "ID:Bob Ray"},
                 {"id": "c3", "name": "Cy Dee", "selfie": "face", "idCard": "ID:Cyril Dee"},
                 {"id": "d4", "name": "Di Fox", "selfie": "face", "idCard": "ID:di fox"}]
        started = self.admin.start_workflow("kyc", {"users": users})
        done = self.admin.result(started["processId"], wait_ms=60_000)
        self.assertEqual(done["state"], "completed", done)
        self.assertEqual(done["result"], {
            "verified": ["a1", "d4"],
            "rejected": [{"userId": "b2", "reasons": ["selfie: 0 faces"]},
                         {"userId": "c3", "reasons": ["document: name Cyril Dee"]}],
            "complianceTicket": "KYC-1"})
        self.assertEqual(workers.MARKED, {"a1": "verified", "b2": "rejected", "c3": "rejected",
                                          "d4": "verified"})
        self.assertEqual(len(workers.TICKETS), 1)
        self.assertEqual([r["userId"] for r in workers.TICKETS[0]["rejected"]], ["b2", "c3"])
        # Everything ran in one process: 4 users x (face + ocr + a mark) worker tasks.
        tasks = self.admin.tasks(started["processId"])
        worker_tasks = [t for t in tasks if t["type"] == "worker"
                        and not t["actor"].startswith("pledge.")]
        self.assertEqual(len(worker_tasks), 4 * 3 + 1)
        self.assertEqual(len([t for t in tasks if t["actor"] == "workflow:kyc-user#1"
                              and t["method"] == "execute"]), 4)

    def test_nobody_rejected_means_no_compliance_ticket(self):
        users = [{"id": "e5", "name": "Eve", "selfie": "face", "idCard": "ID:Eve"}]
        done = self.admin.result(self.admin.start_workflow("kyc", {"users": users})["processId"],
                                 wait_ms=60_000)
        self.assertEqual(done["state"], "completed", done)
        self.assertEqual(done["result"], {"verified": ["e5"], "rejected": [],
                                          "complianceTicket": None})
        self.assertEqual(workers.TICKETS, [])


if __name__ == "__main__":
    unittest.main()

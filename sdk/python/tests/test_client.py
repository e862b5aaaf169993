"""Client: the REST calls, the error object as PledgeError, tokens, an unreachable server."""
import socket
import time
import unittest

from pledge_sdk import Client, PledgeError

from . import support


def setUpModule():
    global server
    server = support.ServerProcess()


def tearDownModule():
    server.close()


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.admin = server.admin()
        self.addCleanup(self.admin.close)

    def test_start_answers_the_ids_and_a_known_custom_id_answers_the_same_process(self):
        first = self.admin.start("Adder#1.0", "sum", [[1, 2]], custom_id="client-test-1")
        self.assertEqual(set(first), {"processId", "taskId"})
        again = self.admin.start("Adder#1.0", "sum", [[1, 2]], custom_id="client-test-1")
        self.assertTrue(again["existing"])
        self.assertEqual(again["processId"], first["processId"])
        process = self.admin.process(first["processId"])
        self.assertEqual((process["state"], process["actor"]), ("running", "Adder#1.0"))

    def test_result_waits_and_answers_a_running_process_as_it_is(self):
        ids = self.admin.start("Adder#1.0", "sum", [[]])
        began = time.monotonic()
        self.assertEqual(self.admin.result(ids["processId"], wait_ms=200)["state"], "running")
        self.assertGreaterEqual(time.monotonic() - began, 0.15)

    def test_a_bad_request_names_its_field(self):
        with self.assertRaises(PledgeError) as caught:
            self.admin.start("Adder", "sum", [])
        error = caught.exception
        self.assertEqual((error.status, error.code, error.field), (400, "bad_request", "actor"))
        self.assertIn("Name#version", error.message)

    def test_tagged_processes_are_listed_by_their_tags_page_by_page(self):
        billing = [self.admin.start("Tagged#1.0", "run", tags={"team": "sdk-billing", "n": str(i)})
                   ["processId"] for i in range(3)]
        other = self.admin.start("Tagged#1.0", "run", tags={"team": "sdk-ops"})["processId"]
        self.assertEqual(self.admin.process(other)["tags"], {"team": "sdk-ops"})
        listed, cursor = [], None
        while True:
            page = self.admin.processes(tags={"team": "sdk-billing"}, limit=2, cursor=cursor)
            listed += [p["processId"] for p in page["items"]]
            cursor = page["next"]
            if cursor is None:
                break
        self.assertEqual(listed, billing[::-1])
        both = self.admin.processes(tags={"team": "sdk-billing", "n": "1"}, state="running")
        self.assertEqual([p["processId"] for p in both["items"]], [billing[1]])
        self.assertEqual(both["items"][0]["tags"], {"team": "sdk-billing", "n": "1"})
        with self.assertRaises(PledgeError) as caught:
            self.admin.start("Tagged#1.0", "run", tags={"v": "x" * 257})
        self.assertEqual((caught.exception.status, caught.exception.field), (400, "tags.v"))

    def test_an_unknown_process_is_not_found(self):
        with self.assertRaises(PledgeError) as caught:
            self.admin.process("01a23d82-8967-71cc-8bb7-0e65d2edb662")
        self.assertEqual((caught.exception.status, caught.exception.code), (404, "not_found"))

    def test_an_event_nobody_waits_for_is_kept_and_a_repeat_is_a_duplicate(self):
        sent = self.admin.send_event("clientTestEvent", "k-1", {"n": 1}, event_id="ev-1")
        self.assertEqual((sent["resolved"], sent["kept"], sent["duplicate"]), (0, True, False))
        again = self.admin.send_event("clientTestEvent", "k-1", {"n": 1}, event_id="ev-1")
        self.assertTrue(again["duplicate"])

    def test_requests_of_one_thread_share_one_kept_alive_connection(self):
        self.admin.process(self.admin.start("Adder#1.0", "sum", [[]])["processId"])
        connection = self.admin._local.connection
        socket_before = connection.sock
        for _ in range(5):
            self.admin.start("Adder#1.0", "sum", [[]])
        self.assertIs(self.admin._local.connection, connection)
        self.assertIs(connection.sock, socket_before)

    def test_a_poll_and_a_release_of_a_stale_attempt(self):
        ids = self.admin.start("ClientPoll#1.0", "run", [7])
        tasks = self.admin.poll(["ClientPoll#1.0"], max=5, wait_ms=2000, worker="client-test")
        self.assertEqual([t["taskId"] for t in tasks], [ids["taskId"]])
        self.assertEqual(tasks[0]["args"], [{"value": 7}])
        self.assertTrue(self.admin.heartbeat(ids["taskId"], 1)["extended"])
        stale = self.admin.release([{"taskId": ids["taskId"], "attempt": 2, "result": 1}])
        self.assertEqual(stale["results"][0]["status"], "rejected")
        self.assertEqual(stale["results"][0]["error"]["code"], "conflict")
        done = self.admin.release([{"taskId": ids["taskId"], "attempt": 1, "result": 1}])
        self.assertEqual(done["results"][0]["status"], "accepted")
        with self.assertRaises(PledgeError) as caught:
            self.admin.heartbeat(ids["taskId"], 1)
        self.assertEqual(caught.exception.status, 409)
        self.assertEqual(self.admin.result(ids["processId"], wait_ms=5000)["result"], 1)


class AuthTest(unittest.TestCase):
    def test_an_unknown_token_is_a_401_that_says_so(self):
        with self.assertRaises(PledgeError) as caught:
            with Client(server.url, token="pledge_not-a-token") as client:
                client.start("Adder#1.0", "sum", [])
        error = caught.exception
        self.assertEqual((error.status, error.code), (401, "unauthenticated"))
        self.assertIn("unknown token", error.message)
        self.assertIn("401 unauthenticated: unknown token", str(error))

    def test_no_token_is_a_401_that_says_how_to_send_one(self):
        with self.assertRaises(PledgeError) as caught:
            with Client(server.url) as client:
                client.poll(["Greeter#1.0"])
        self.assertEqual(caught.exception.status, 401)
        self.assertIn("Authorization: Bearer", caught.exception.message)

    def test_a_worker_token_may_not_start_processes(self):
        with self.assertRaises(PledgeError) as caught:
            with server.worker() as client:
                client.start("Adder#1.0", "sum", [])
        self.assertEqual((caught.exception.status, caught.exception.code), (403, "forbidden"))


class UnreachableTest(unittest.TestCase):
    def test_a_server_that_is_not_there_is_retried_then_reported(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        client = Client(f"http://127.0.0.1:{port}", retry_for=0.5)
        began = time.monotonic()
        with self.assertRaises(PledgeError) as caught:
            client.process("01a23d82-8967-71cc-8bb7-0e65d2edb662")
        self.assertGreaterEqual(time.monotonic() - began, 0.4)
        self.assertEqual((caught.exception.status, caught.exception.code), (0, "unreachable"))
        self.assertIn("cannot reach", caught.exception.message)

    def test_a_url_that_is_no_http_url_is_refused(self):
        with self.assertRaises(ValueError):
            Client("127.0.0.1:8080")


if __name__ == "__main__":
    unittest.main()

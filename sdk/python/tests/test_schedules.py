"""Schedules through the Client: create, list, read, pause, resume, trigger, replace and delete
on a real pledge-server (the processes they start are of Adder#1.0, which nobody runs here)."""
import unittest

from pledge_sdk import PledgeError
from pledge_sdk.client import _schedule_body

from . import support


def setUpModule():
    global server
    server = support.ServerProcess()


def tearDownModule():
    server.close()


class ScheduleBodyTest(unittest.TestCase):
    def test_a_workflow_takes_its_input_as_its_one_argument_and_execute_as_its_method(self):
        body = _schedule_body("wf", "@daily", "workflow:report", None, (), {"day": 1}, "UTC",
                              "skip", 0, 0, "batch", False, None)
        self.assertEqual(body["start"], {"actor": "workflow:report", "method": "execute",
                                         "args": [{"day": 1}], "taskList": "batch"})
        self.assertNotIn("note", body)

    def test_a_decider_needs_its_method_and_takes_no_input(self):
        with self.assertRaisesRegex(ValueError, "method"):
            _schedule_body("d", "@daily", "Adder#1.0", None, (), None, "UTC", "skip", 0, 0, None,
                           False, None)
        with self.assertRaisesRegex(ValueError, "input"):
            _schedule_body("d", "@daily", "Adder#1.0", "sum", (), {}, "UTC", "skip", 0, 0, None,
                           False, None)


class SchedulesTest(unittest.TestCase):
    def setUp(self):
        self.admin = server.admin()
        self.addCleanup(self.admin.close)

    def create(self, schedule_id, **options):
        definition = {"cron": "0 2 * * *", "actor": "Adder#1.0", "method": "sum",
                      "args": [[1, 2]], "time_zone": "Europe/Berlin"}
        definition.update(options)
        return self.admin.create_schedule(schedule_id, **definition)

    def test_a_schedule_is_created_listed_and_read_with_its_next_fires(self):
        created = self.create("sdk-nightly", overlap="bufferOne", catchup_window_ms=3_600_000,
                              jitter_ms=30_000, note="the report")
        self.assertEqual((created["id"], created["cron"], created["timeZone"]),
                         ("sdk-nightly", "0 2 * * *", "Europe/Berlin"))
        self.assertEqual((created["overlap"], created["catchupWindowMs"], created["jitterMs"]),
                         ("bufferOne", 3_600_000, 30_000))
        self.assertIsInstance(created["nextFireAt"], int)
        self.assertEqual(self.create("sdk-nightly", overlap="bufferOne",
                                     catchup_window_ms=3_600_000, jitter_ms=30_000,
                                     note="the report")["id"], "sdk-nightly")
        self.assertIn("sdk-nightly", [s["id"] for s in self.admin.schedules()])
        one = self.admin.schedule("sdk-nightly")
        self.assertEqual(len(one["upcoming"]), 5)
        self.assertEqual(one["upcoming"][0], created["nextFireAt"])
        self.assertEqual(one["recent"], [])

    def test_another_definition_under_the_same_id_is_a_conflict_until_replaced(self):
        self.create("sdk-conflict")
        with self.assertRaises(PledgeError) as caught:
            self.create("sdk-conflict", cron="0 3 * * *")
        self.assertEqual((caught.exception.status, caught.exception.code), (409, "conflict"))
        replaced = self.admin.replace_schedule("sdk-conflict", "0 3 * * *", "Adder#1.0", "sum",
                                               [[1, 2]], time_zone="Europe/Berlin")
        self.assertEqual(replaced["cron"], "0 3 * * *")

    def test_a_bad_rule_is_a_bad_request_naming_the_cron_field(self):
        with self.assertRaises(PledgeError) as caught:
            self.create("sdk-bad", cron="0 25 * * *")
        self.assertEqual((caught.exception.status, caught.exception.code), (400, "bad_request"))
        self.assertIn("cron", caught.exception.message)

    def test_pause_resume_trigger_and_delete(self):
        self.create("sdk-ops")
        paused = self.admin.pause_schedule("sdk-ops")
        self.assertTrue(paused["paused"])
        self.assertIsNone(paused.get("nextFireAt"))
        self.assertTrue(self.admin.pause_schedule("sdk-ops")["paused"], "pause is idempotent")

        started = self.admin.trigger_schedule("sdk-ops")
        self.assertTrue(started["customId"].startswith("schedule:sdk-ops@trigger:"))
        process = self.admin.process(started["processId"])
        self.assertEqual((process["actor"], process["customId"]),
                         ("Adder#1.0", started["customId"]))
        fires = self.admin.schedule("sdk-ops")["recent"]
        self.assertIn(started["processId"], [fire.get("processId") for fire in fires])

        resumed = self.admin.resume_schedule("sdk-ops")
        self.assertFalse(resumed["paused"])
        self.assertIsInstance(resumed["nextFireAt"], int)

        self.admin.delete_schedule("sdk-ops")
        with self.assertRaises(PledgeError) as caught:
            self.admin.schedule("sdk-ops")
        self.assertEqual(caught.exception.status, 404)
        self.assertNotIn("sdk-ops", [s["id"] for s in self.admin.schedules()])

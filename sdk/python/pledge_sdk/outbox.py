"""The outbox: decisions of finished tasks until the server has acknowledged them."""
import logging
import threading

from .errors import PledgeError
from .worker import BAD_RESULT

log = logging.getLogger("pledge_sdk")

# Decisions one release may carry (docs/rest.md).
MAX_DECISIONS = 1000
# Rejections that say "send it again later"; the others are final (stale, cancelled, ...).
_RETRY_CODES = ("unavailable", "limit_exceeded", "internal")


class Outbox:
    """Finished decisions waiting for release. Internally synchronized.

    send() takes what is pending, releases it in one request (with a poll riding along when
    given) and puts back whatever the server did not take for good, so a finished result is
    never lost to a failed request: it goes out again with the next release.
    """

    def __init__(self, client, heartbeats):
        self._client = client
        self._heartbeats = heartbeats
        self._lock = threading.Lock()
        self._pending = []
        self.releases = []  # sizes of the releases sent, for tests and statistics

    def put(self, decision):
        with self._lock:
            self._pending.append(decision)

    def __len__(self):
        with self._lock:
            return len(self._pending)

    def take(self):
        """Up to MAX_DECISIONS pending decisions, oldest first; the caller must send them."""
        with self._lock:
            taken, self._pending = self._pending[:MAX_DECISIONS], self._pending[MAX_DECISIONS:]
            return taken

    def send(self, decisions, poll=None):
        """Releases decisions (taken with take()): the tasks the poll leased, or None when the
        request failed (the decisions are pending again)."""
        try:
            self.releases.append(len(decisions))
            answer = self._client.release(decisions, poll=poll, retry_for=0)
        except PledgeError as error:
            if error.status in (400, 413):  # refused as a whole: one decision spoils the body
                self._send_each(decisions, error)
                return []
            log.warning("release of %d decision(s) failed, will send again: %s",
                        len(decisions), error)
            self._put_back(decisions)
            return None
        self._settle(decisions, answer.get("results", []))
        return answer.get("tasks", [])

    def _settle(self, decisions, results):
        """Forgets the decisions the server took or refused for good; puts back the others."""
        again = []
        for index, decision in enumerate(decisions):
            result = results[index] if index < len(results) else {"status": "missing"}
            status = result.get("status")
            error = result.get("error") or {}
            if status in ("accepted", "duplicate"):
                self._heartbeats.remove(decision["taskId"], decision["attempt"])
            elif status == "rejected" and error.get("code") == "bad_request" \
                    and "result" in decision:
                # A result the server cannot take fails the task instead.
                again.append(_failed_for(decision, PledgeError(400, "bad_request",
                                                               error.get("message", ""))))
            elif status == "rejected" and error.get("code") not in _RETRY_CODES:
                # cancelled, conflict, not_found: the task was cancelled (its process aborted or
                # past its deadline), or this attempt is stale.
                level = logging.INFO if error.get("code") in ("cancelled", "conflict",
                                                              "not_found") \
                    else logging.ERROR
                log.log(level, "release of task %s attempt %s rejected: %s: %s",
                        decision["taskId"], decision["attempt"], error.get("code"),
                        error.get("message"))
                self._heartbeats.remove(decision["taskId"], decision["attempt"])
            else:
                again.append(decision)
        if again:
            log.warning("%d decision(s) not taken yet, will send again", len(again))
            self._put_back(again)

    def _send_each(self, decisions, error):
        """Sends the decisions of a release refused as a whole (a result too deep or too large)
        one by one; a result the server cannot take fails its task instead."""
        log.warning("release of %d decision(s) refused as a whole (%s): sending them one by one",
                    len(decisions), error)
        queue = list(decisions)
        while queue:
            decision = queue.pop(0)
            try:
                answer = self._client.release([decision], retry_for=0)
            except PledgeError as alone:
                if alone.status not in (400, 413):
                    self._put_back([decision] + queue)
                    return
                if "result" in decision:
                    queue.insert(0, _failed_for(decision, alone))
                else:
                    log.error("release of task %s attempt %s refused, dropped: %s",
                              decision["taskId"], decision["attempt"], alone)
                    self._heartbeats.remove(decision["taskId"], decision["attempt"])
                continue
            self._settle([decision], answer.get("results", []))

    def _put_back(self, decisions):
        with self._lock:
            self._pending[:0] = decisions


def _failed_for(decision, error):
    """The decision with its result replaced by a pledge.BadResult error saying why."""
    failed = {key: value for key, value in decision.items() if key != "result"}
    failed["error"] = {"type": BAD_RESULT, "retryable": False,
                       "message": f"the server refused the result: {error.message}"[:60000]}
    return failed

#!/usr/bin/env python3
"""The workers of the KYC workflows, in Python: face-detect, document-ocr, mark-verified,
mark-rejected and notify-compliance (served as actors NAME#1, method execute, each task's inputs
as one argument).

    PYTHONPATH=sdk/python python3 examples/workflows/kyc/workers.py --url URL --token T

"Images" are text here: a selfie is "face" repeated once per face found, an identity document
"ID:<name>". MARKED and TICKETS record what the workers did (the test reads them).
"""
import itertools
import threading

from pledge_sdk import TaskFailure, Worker, serve_from_command_line

MARKED = {}
TICKETS = []
_lock = threading.Lock()
_tickets = itertools.count(1)

face_detect = Worker("face-detect#1")
document_ocr = Worker("document-ocr#1")
mark_verified = Worker("mark-verified#1")
mark_rejected = Worker("mark-rejected#1")
notify_compliance = Worker("notify-compliance#1")


@face_detect.method("execute")
def faces(input):  # noqa: A002 - the workflow's word
    image = input.get("image")
    if not isinstance(image, str):
        raise TaskFailure("NoImage", "no selfie to look at", retryable=False)
    return {"faces": image.count("face")}


@document_ocr.method("execute")
def read_document(input):  # noqa: A002
    image = input.get("image") or ""
    if not image.startswith("ID:"):
        return {"name": None}
    return {"name": image[3:].strip()}


@mark_verified.method("execute")
def verified(input):  # noqa: A002
    with _lock:
        MARKED[input["userId"]] = "verified"
    return {"userId": input["userId"], "marked": "verified"}


@mark_rejected.method("execute")
def rejected(input):  # noqa: A002
    with _lock:
        MARKED[input["userId"]] = "rejected"
    return {"userId": input["userId"], "marked": "rejected", "reasons": input.get("reasons")}


@notify_compliance.method("execute")
def notify(input):  # noqa: A002
    with _lock:
        ticket = f"KYC-{next(_tickets)}"
        TICKETS.append({"ticket": ticket, "rejected": input["rejected"]})
    return {"ticket": ticket}


WORKERS = [face_detect, document_ocr, mark_verified, mark_rejected, notify_compliance]


if __name__ == "__main__":
    serve_from_command_line(WORKERS, __doc__, threads=8)
